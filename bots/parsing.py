"""What people type and press, parsed: pure functions that never raise on any text.

The handlers that receive callback data and command arguments call these; tests/unit/test_fuzz_inputs.py
feeds them arbitrary text. Numbers are ASCII digits only: str.isdigit() also accepts "²" or "١", which
int() then refuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.i18n import ZERO_DECIMALS

_DIGITS = re.compile(r"[0-9]+")


def whole_number(text: str, max_digits: int) -> int | None:
    """A whole number of at most `max_digits` ASCII digits (leading spaces ignored); None otherwise."""
    text = text.strip() if isinstance(text, str) else ""
    return int(text) if len(text) <= max_digits and _DIGITS.fullmatch(text) else None


def page_of(data: str, prefix: str) -> int:
    """The page of a paging button ("x:disputes:<page>"); the first page for anything else."""
    tail = data.removeprefix(prefix) if isinstance(data, str) else ""
    page = whole_number(tail, 4) if tail == tail.strip() else None
    return page or 0


def orders_page(data: str, filters: Iterable[str], default: str = "act") -> tuple[str, int]:
    """/orders' filter and page buttons, "x:orders:<filter>:<page>": (filter, page), defaults for anything odd."""
    _, _, which, page_text = ((data.split(":") if isinstance(data, str) else []) + ["", "", default, "0"])[:4]
    page = whole_number(page_text, 4) if page_text == page_text.strip() else None
    return (which if which in set(filters) else default), page or 0


def payment_button(data: str) -> tuple[str, str] | None:
    """A moderator's manual-payment button, "p:ok:<checkout>" or "p:no:<checkout>": (verb, checkout id)."""
    parts = data.split(":", 2) if isinstance(data, str) else []
    if len(parts) != 3 or parts[0] != "p" or parts[1] not in ("ok", "no") or not parts[2]:
        return None
    return parts[1], parts[2]


START_KINDS = ("order", "link", "offer")


def start_payload(payload: str) -> tuple[str, str]:
    """/start's deep-link payload: ("order" | "link" | "offer", the rest), or ("", "") for a plain /start."""
    for kind in START_KINDS:
        if isinstance(payload, str) and payload.startswith(f"{kind}_"):
            return kind, payload.removeprefix(f"{kind}_")
    return "", ""


_SHARED_OFFER = re.compile(r"(?:start=offer_|^)([A-Za-z0-9_-]{1,20})\Z")


def offer_id(typed: str) -> str | None:
    """The offer id in what was typed: the id itself, or a shared Telegram link to it (…?start=offer_<id>)."""
    found = _SHARED_OFFER.search(typed.strip()) if isinstance(typed, str) else None
    return found[1] if found else None


def time_zone(name: str) -> str | None:
    """The IANA time zone name typed after /timezone if it is one, else None (a bad name is never an error)."""
    if not isinstance(name, str) or not name or len(name) > 64 or "\x00" in name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # not found, not a normalized key, not a zone file
        return None
    return name


def sanction_args(words: Sequence[str]) -> tuple[str, str] | None:
    """/suspend and /unsuspend: (who: a user id or @username, the reason); None if either is missing."""
    words = [w for w in words if isinstance(w, str) and w.strip()]
    if len(words) < 2:
        return None
    return words[0].strip(), " ".join(w.strip() for w in words[1:])


def is_user_id(typed: str) -> bool:
    """A platform user id (ASCII digits), as opposed to a @username."""
    return bool(_DIGITS.fullmatch(typed)) and len(typed) <= 20


def parse_amount(text: str, currency: str) -> int | None:
    """'12.50' or '12,50' -> 1250 minor units (Stars have no decimals)."""
    try:
        value = Decimal(text.strip().replace(",", ".").replace(" ", ""))
        if not value.is_finite() or abs(value.adjusted()) > 20:  # NaN, sNaN, infinities, 1e999999999
            return None
        minor = value * (1 if currency in ZERO_DECIMALS else 100)
    except ArithmeticError:  # decimal's InvalidOperation, Overflow…
        return None
    if minor != minor.to_integral_value() or minor <= 0 or minor > 10**12:
        return None
    return int(minor)


def parse_days(text: str) -> int | None:
    """A whole number of days from 1 to 9999 (ASCII digits); None otherwise."""
    days = whole_number(text, 4)
    return days if days else None


def away_args(args: Sequence[str]) -> tuple[str, ...]:
    """/away's words: ("status",), ("back",) for "off", ("limit", value) for "max <n|off>", ("away", first day,
    last day, message) for two days and words, ("help",) for anything else (the days and the limit themselves are
    read by core, which explains what is wrong with them)."""
    words = [w for w in args if isinstance(w, str) and w.strip()] if isinstance(args, (list, tuple)) else []
    if not words:
        return ("status",)
    head = words[0].lower()
    if head in ("off", "back") and len(words) == 1:
        return ("back",)
    if head in ("max", "limit") and len(words) == 2:
        return ("limit", words[1])
    if len(words) >= 2 and head not in ("off", "back", "max", "limit"):
        return ("away", words[0], words[1], " ".join(words[2:]))
    return ("help",)
