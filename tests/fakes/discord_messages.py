"""What a person reads on a Discord message and the buttons they can press, whatever the message's form: its words,
its embeds (classic cards) or its Components V2 layout (text displays in a container, buttons in rows or beside a
text), from the wire (a dict, as the fake Discord API stores it) or from discord.py (a Message, as simcord gives it).

Tests read messages through these, never through a message's own structure, so that how a card is drawn can change
without every test that reads one changing with it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["buttons", "controls", "labels", "read", "rows", "walk", "wire"]

ACTION_ROW, BUTTON, SECTION, TEXT_DISPLAY = 1, 2, 9, 10
SELECTS = {3, 5, 6, 7, 8}


def wire(message: Any) -> dict:
    """The message as Discord sends it over the wire: a dict is one already; discord.py's Message is turned back."""
    if isinstance(message, dict):
        return message
    flags = message.flags
    return {"content": message.content, "embeds": [_dict(embed) for embed in message.embeds],
            "components": [_dict(component) for component in message.components],
            "flags": flags if isinstance(flags, int) else flags.value,
            "attachments": [_dict(a) if isinstance(a, dict) else {"filename": a.filename}
                            for a in message.attachments]}


def _dict(part: Any) -> dict:
    """A part of a message as the wire has it (simcord's answers already hold dicts)."""
    return part if isinstance(part, dict) else part.to_dict()


def walk(components: list[dict]) -> Iterator[dict]:
    """Every component in the order a person meets it: a container's or a row's children, a section's texts then
    its button."""
    for component in components:
        yield component
        yield from walk(component.get("components") or [])
        if isinstance(component.get("accessory"), dict):
            yield from walk([component["accessory"]])


def read(message: Any) -> str:
    """Everything the message says, one line after another: its words, each embed (title, description, each field
    as "name: value", footer) and each text display of its layout."""
    message = wire(message)
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{field['name']}: {field['value']}" for field in embed.get("fields") or []]
        parts.append((embed.get("footer") or {}).get("text") or "")
    parts += [c["content"] for c in walk(message.get("components") or []) if c.get("type") == TEXT_DISPLAY]
    return "\n".join(part for part in parts if part)


def controls(message: Any) -> list[dict]:
    """The message's buttons and selects, in the order a person meets them (a button beside a text included)."""
    return [c for c in walk(wire(message).get("components") or []) if c.get("type") in {BUTTON, *SELECTS}]


def buttons(message: Any) -> list[dict]:
    return [c for c in controls(message) if c.get("type") == BUTTON]


def labels(message: Any) -> list[str]:
    """The labels of the message's buttons, in order."""
    return [button.get("label") or "" for button in buttons(message)]


def rows(message: Any) -> list[list[dict]]:
    """The controls as they are laid out: each action row, and a button beside a text as a row of its own."""
    found: list[list[dict]] = []
    for component in walk(wire(message).get("components") or []):
        if component.get("type") == ACTION_ROW:
            found.append([c for c in component.get("components") or [] if c.get("type") in {BUTTON, *SELECTS}])
        elif component.get("type") == SECTION and (component.get("accessory") or {}).get("type") == BUTTON:
            found.append([component["accessory"]])
    return [row for row in found if row]
