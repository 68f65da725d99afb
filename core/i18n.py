"""User-facing text: English msgids marked with N_, translated through gettext catalogs at render time."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "comptoir"
LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"


def N_(msgid: str) -> str:
    """Marks a string for extraction; translation happens later, in the reader's language."""
    return msgid


def language(code: str | None) -> str:
    """The supported language closest to a platform's language code ("fr-CA" -> "fr")."""
    base = (code or "").split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=None)
def translator(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language(lang)], fallback=True)


def translate(msgid: str, lang: str) -> str:
    return translator(lang).gettext(msgid)


@dataclass(frozen=True)
class Text:
    """A message not yet translated: a msgid and its named parameters.

    Parameters that can render themselves (Text, Money, Day, Moment) are rendered in the same language, and a
    Moment in the reader's time zone when the renderer knows it.
    """

    msgid: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, msgid: str, **params: object) -> Text:
        return cls(msgid, tuple(sorted(params.items())))

    def render(self, lang: str, zone: tzinfo | None = None, now: datetime | None = None,
               mark: Mark | None = None) -> str:
        values = {k: _render(v, lang, zone, now, mark) for k, v in self.params}
        return translate(self.msgid, lang).format(**values)


def _render(value: object, lang: str, zone: tzinfo | None, now: datetime | None, mark: Mark | None) -> object:
    if isinstance(value, (Text, Moment, Lines)):
        return value.render(lang, zone, now, mark)
    return value.render(lang) if hasattr(value, "render") else value


@dataclass(frozen=True)
class Lines:
    """Texts shown one per line, each after its mark (a list a notice carries: the Today card's lines)."""

    items: tuple[tuple[str, Text], ...]

    def render(self, lang: str, zone: tzinfo | None = None, now: datetime | None = None,
               mark: Mark | None = None) -> str:
        return "\n".join(f"{prefix} {text.render(lang, zone, now, mark)}".strip() for prefix, text in self.items)


#: how a platform shows a date its app keeps current: (the time, its plain text, True for the countdown ("in 4 d")
#: or False for the date itself) -> the text to send, that the adapter turns into the platform's form (a Telegram
#: date_time entity wrapping the plain text, a Discord timestamp); without one, the plain text is all there is
Mark = Callable[[datetime, str, bool], str]


def unmarked(at: datetime, text: str, countdown: bool) -> str:
    return text


#: currencies counted in whole units (Telegram Stars, yen, won): no cents
ZERO_DECIMALS = frozenset({"XTR", "JPY", "KRW"})

#: (amount in minor units, currency, language) -> the amount as that language writes it ("120,00 €", "€120.00")
MoneyFormat = Callable[[int, str, str], str]
_money_format: list[MoneyFormat] = []


def minor_digits(currency: str) -> int:
    """How many digits of an amount are below the unit: 2 (cents), or 0 for currencies counted whole."""
    return 0 if currency in ZERO_DECIMALS else 2


def use_money_format(money_format: MoneyFormat | None) -> None:
    """How amounts are written, given by the composition root (a locale library outside core); None: the plain
    fallback, "1,250.00 EUR", core's own for code that runs without one."""
    _money_format[:] = [money_format] if money_format is not None else []


@dataclass(frozen=True)
class Money:
    amount: int  # minor units
    currency: str

    def render(self, lang: str) -> str:
        if _money_format:
            return _money_format[0](self.amount, self.currency, lang)
        if self.currency in ZERO_DECIMALS:
            number = f"{self.amount:,}"
        else:
            sign = "-" if self.amount < 0 else ""
            units, cents = divmod(abs(self.amount), 100)
            number = f"{sign}{units:,}.{cents:02d}"
        if lang == "fr":
            number = number.replace(",", "\u202f").replace(".", ",")
        return f"{number} {self.currency}"


@dataclass(frozen=True)
class Day:
    """A calendar day as the reader's language writes it (a voucher's last day, not an hour to be on time for)."""

    at: datetime

    def render(self, lang: str) -> str:
        return self.at.strftime("%d/%m/%Y" if language(lang) == "fr" else "%Y-%m-%d")


@dataclass(frozen=True)
class Moment:
    """A time to be on time for (a new deadline), to the minute: in the reader's time zone when the renderer knows
    it, else in UTC, saying so."""

    at: datetime

    def render(self, lang: str, zone: tzinfo | None = None, now: datetime | None = None,
               mark: Mark | None = None) -> str:
        """The date; with `now`, how far it is from now ("in 4 d"); each part through the platform's `mark`."""
        mark = mark or unmarked
        local = self.at.astimezone(zone or UTC)
        stamp = local.strftime("%d/%m/%Y %H:%M" if language(lang) == "fr" else "%Y-%m-%d %H:%M")
        shown = mark(self.at, stamp if zone is not None else f"{stamp} UTC", False)
        if now is None or abs(self.at - now) < timedelta(minutes=1):
            return shown
        msgid = N_("in {span}") if self.at > now else N_("{span} ago")
        return f"{shown}, {mark(self.at, translate(msgid, lang).format(span=span(abs(self.at - now), lang)), True)}"


def span(delta: timedelta, lang: str) -> str:
    """A duration as people say it: "2 d 3 h", "45 min"."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    d = translate(N_("{n} d"), lang)
    h = translate(N_("{n} h"), lang)
    m = translate(N_("{n} min"), lang)
    if days:
        return " ".join([d.format(n=days)] + ([h.format(n=hours)] if hours else []))
    if hours:
        return " ".join([h.format(n=hours)] + ([m.format(n=minutes)] if minutes else []))
    return m.format(n=minutes)


def to_json(value: object) -> object:
    """A Text (with nested Text and Money) as plain JSON data, for the outbox."""
    if isinstance(value, Text):
        return {"t": value.msgid, "p": {k: to_json(v) for k, v in value.params}}
    if isinstance(value, Money):
        return {"m": [value.amount, value.currency]}
    if isinstance(value, Day):
        return {"d": value.at.isoformat()}
    if isinstance(value, Moment):
        return {"at": value.at.isoformat()}
    if isinstance(value, Lines):
        return {"l": [[prefix, to_json(text)] for prefix, text in value.items]}
    return value


def from_json(data: object) -> object:
    if isinstance(data, dict) and "t" in data:
        return Text(data["t"], tuple(sorted((k, from_json(v)) for k, v in data["p"].items())))
    if isinstance(data, dict) and "m" in data:
        return Money(*data["m"])
    if isinstance(data, dict) and "d" in data:
        return Day(datetime.fromisoformat(data["d"]))
    if isinstance(data, dict) and "at" in data:
        return Moment(datetime.fromisoformat(data["at"]))
    if isinstance(data, dict) and "l" in data:
        return Lines(tuple((prefix, _text(from_json(text))) for prefix, text in data["l"]))
    return data


def _text(value: object) -> Text:
    if not isinstance(value, Text):
        raise ValueError(f"not a text: {value!r}")
    return value
