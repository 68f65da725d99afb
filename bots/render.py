"""Turning an outbox message and an order card into what a text chat shows: words and button labels."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import format_currency, format_decimal

from core.card import Card, render_text
from core.events import Quote, Refusal
from core.i18n import N_, Money, minor_digits, translate
from core.model import Offer, Role, Viewer
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


def viewer_of(message: Outgoing) -> Viewer:
    return Viewer(message.account_id, moderator=message.role is Role.MODERATOR)


async def card_for(service, message: Outgoing) -> Card | None:
    """The card a notice shows: its order as this recipient sees it now, if the notice has one."""
    if not (message.order_id and message.with_card):
        return None
    found = await service.card(message.order_id, viewer_of(message))
    return None if isinstance(found, Refusal) else found


def quote_text(quote: Quote, lang: str) -> str:
    """Words a person wrote, under what they are: "The brief:" then the brief as written."""
    return translate(N_("{label}:"), lang).format(label=quote.label.render(lang)) + "\n" + quote.text


def notice_parts(message: Outgoing, card: Card | None, now: datetime) -> list[str]:
    """The notice, what it carries (whole), then the order's card as this person sees it now."""
    lang, where = message.language, zone(message.timezone)
    parts = [message.text.render(lang, where)] + [quote_text(q, lang) for q in message.quotes]
    if card is not None:
        quoted = any(q.label.msgid == BRIEF for q in message.quotes)  # the whole brief is right above
        parts.append(render_text(card, lang, where, now, zone_note=not message.timezone_set, brief=not quoted))
    return parts


def notice_text(message: Outgoing, card: Card | None, now: datetime) -> str:
    return "\n\n".join(notice_parts(message, card, now))


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
