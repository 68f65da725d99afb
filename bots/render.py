"""Turning an outbox message and an order card into what a text chat shows: words and button labels."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.card import Card, render_text
from core.events import Refusal
from core.i18n import N_, Money, translate
from core.model import Offer, Role, Viewer
from core.ports import Outgoing


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


def notice_text(message: Outgoing, card: Card | None, now: datetime) -> str:
    """The notice, then the order's card as this person sees it now (so its buttons are current)."""
    parts = [message.text.render(message.language)]
    if card is not None:
        parts.append(render_text(card, message.language, zone(message.timezone), now))
    return "\n\n".join(parts)


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
