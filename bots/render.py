"""Turning an outbox message and an order card into what a text chat shows: words and button labels."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import format_currency, format_decimal

from core.card import Card, render_text
from core.events import Quote
from core.i18n import N_, Mark, Money, minor_digits, translate
from core.model import Offer
from core.notices import BRIEF
from core.ports import Outgoing


def money(amount: int, currency: str, lang: str) -> str:
    """An amount as the reader's language writes it, with the currency's symbol: "120,00 €", "€120.00", "⭐ 120"
    (Telegram Stars, which no locale knows)."""
    value = Decimal(amount).scaleb(-minor_digits(currency))
    if currency == "XTR":
        return f"⭐ {format_decimal(value, locale=lang)}"
    return format_currency(value, currency, locale=lang)


def number(amount: int, currency: str, lang: str) -> str:
    """An amount as the reader types it, without the currency: "250", "12.50", "12,50"."""
    digits = minor_digits(currency)
    value = Decimal(amount).scaleb(-digits)
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""), locale=lang)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def quote_text(quote: Quote, lang: str) -> str:
    """Words a person wrote, under what they are: "The brief:" then the brief as written."""
    return translate(N_("{label}:"), lang).format(label=quote.label.render(lang)) + "\n" + quote.text


def notice_parts(message: Outgoing, card: Card | None, now: datetime, mark: Mark | None = None) -> list[str]:
    """The notice, what it carries (whole), then the order's card as this person sees it now. `mark`: how the
    platform shows a live date (`live`, then `countdowns` or `stamps`)."""
    lang, where = message.language, zone(message.timezone)
    parts = [message.text.render(lang, where, now, mark)] + [quote_text(q, lang) for q in message.quotes]
    if card is not None:
        quoted = any(q.label.msgid == BRIEF for q in message.quotes)  # the whole brief is right above
        parts.append(render_text(card, lang, where, now, zone_note=not message.timezone_set, brief=not quoted,
                                 mark=mark))
    return parts


def notice_text(message: Outgoing, card: Card | None, now: datetime) -> str:
    return "\n\n".join(notice_parts(message, card, now))


# --- live dates ------------------------------------------------------------------------------------
# Core writes a date as plain text; `live` marks where it is in the text, with its time, so that each adapter,
# once the text is whole (escaped, packed into messages), shows it its platform's way: a Telegram date_time
# entity wrapping the plain text, a Discord timestamp. The marks carry a key drawn at start, so that nobody's
# words can pass for one: a mark a person typed is left as they typed it.

_KEY = secrets.token_hex(4)
_OPEN, _END = f"\ue000{_KEY}:", f"\ue002{_KEY}\ue002"
_LIVE = re.compile(f"{_OPEN}(-?\\d+):([a-z]?)\ue001(.*?){_END}", re.DOTALL)
#: what a split between two messages leaves of a mark: its opening without its end, or its end alone
_HALF = re.compile(f"{_OPEN}-?\\d+:[a-z]?\ue001|{_END}")


def live(at: datetime, text: str, countdown: bool) -> str:
    """A core.i18n.Mark: the plain text of a date, marked with its time and whether it counts down."""
    return f"{_OPEN}{int(at.timestamp())}:{'r' if countdown else ''}\ue001{text}{_END}"


@dataclass(frozen=True)
class Countdown:
    """A live date in a text: where (as Python indexes of the text without marks), when, and whether it counts
    down ("in 4 d") or is the date itself."""

    start: int
    end: int
    at: datetime
    countdown: bool


def countdowns(text: str) -> tuple[str, list[Countdown]]:
    """The text as written, without its marks, and where its live dates are in it."""
    out, found, last = [], [], 0
    for match in _LIVE.finditer(text):
        out.append(_unhalved(text[last:match.start()]))
        start = sum(len(piece) for piece in out)
        out.append(match[3])
        found.append(Countdown(start, start + len(match[3]), datetime.fromtimestamp(int(match[1]), UTC),
                               match[2] == "r"))
        last = match.end()
    out.append(_unhalved(text[last:]))
    return "".join(out), found


def stamps(text: str, form: Callable[[datetime, str, bool], str]) -> str:
    """The text with each live date in the platform's `form` (at, plain text, counts down)."""
    replaced = _LIVE.sub(lambda m: form(datetime.fromtimestamp(int(m[1]), UTC), m[3], m[2] == "r"), text)
    return _unhalved(replaced)


def _unhalved(text: str) -> str:
    return _HALF.sub("", text) if _KEY in text else text


def pack(parts: list[str], limit: int) -> list[str]:
    """Parts of a message in as few messages of at most `limit` characters as they fit in, in order, a blank line
    between two parts. A part too long for one message is split at a paragraph, a line or a space: never cut."""
    messages: list[str] = []
    for part in parts:
        for piece in _split(part, limit):
            if messages and len(messages[-1]) + 2 + len(piece) <= limit:
                messages[-1] += "\n\n" + piece
            else:
                messages.append(piece)
    return messages


def _split(text: str, limit: int) -> list[str]:
    pieces = []
    while len(text) > limit:
        cut = max(text.rfind(sep, 0, limit + 1 - len(sep)) for sep in ("\n\n", "\n", " "))
        if cut <= 0:
            cut = limit  # one word longer than a message: nothing better to cut at
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return pieces + ([text] if text else [])


def button_labels(card: Card | None, lang: str) -> list[str]:
    return [button.label.render(lang) for button in card.buttons] if card else []


def days_text(days: int, lang: str) -> str:
    return translate(N_("{n} d"), lang).format(n=days)


def offer_text(offer: Offer, lang: str) -> str:
    """An offer as a buyer reads it (and its seller checks it before publishing)."""
    t = lambda msgid, **kw: translate(msgid, lang).format(**kw)  # noqa: E731
    lines = [offer.title, "", offer.description, "",
             t(N_("Price: {price}"), price=Money(offer.price, offer.currency).render(lang)),
             t(N_("Delivery time: {days}"), days=days_text(offer.delivery_days, lang))]
    if offer.revisions is None:
        lines.append(t(N_("Revisions: unlimited")))
    else:
        lines.append(t(N_("Revisions: {count}"), count=offer.revisions))
    if offer.options:
        lines.append(t(N_("Options:")))
        lines += [t(N_("• {title}: +{price}, +{days}"), title=o.title,
                    price=Money(o.price, offer.currency).render(lang), days=days_text(o.extra_days, lang))
                  for o in offer.options]
    return "\n".join(lines)


def open_on_discord(offer: Offer, lang: str) -> str:
    """How anyone on Discord opens this offer (/offer view <id>, the command's names in this language)."""
    t = lambda msgid: translate(msgid, lang)  # noqa: E731
    return t(N_("On Discord, anyone can open it with {command}")).format(
        command=f"/{t(N_('offer'))} {t(N_('view'))} {offer.id}")
