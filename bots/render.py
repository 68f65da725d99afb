"""Turning an outbox message and an order card into what a text chat shows: words and button labels."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.card import Card, render_text
from core.model import Role, Viewer
from core.ports import Outgoing


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def viewer_of(message: Outgoing) -> Viewer:
    return Viewer(message.account_id, moderator=message.role is Role.MODERATOR)


def notice_text(message: Outgoing, card: Card | None, now: datetime) -> str:
    """The notice, then the order's card as this person sees it now (so its buttons are current)."""
    parts = [message.text.render(message.language)]
    if card is not None:
        parts.append(render_text(card, message.language, zone(message.timezone), now))
    return "\n\n".join(parts)


def button_labels(card: Card | None, lang: str) -> list[str]:
    return [button.label.render(lang) for button in card.buttons] if card else []
