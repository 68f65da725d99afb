"""The conversation-state port: what the chat front ends remember between two updates, as core asks for it."""

from __future__ import annotations

from typing import Protocol


class Conversations(Protocol):
    """Kept by storage; core asks it in the transaction of a use case, so that what it remembers is written
    together with what the use case did, or not at all."""

    async def first_sight(self, platform: str, key: str) -> bool:
        """True the first time this platform's update is seen; False for a duplicate delivery of it."""

    async def order_of_message(self, platform: str, chat_id: str, message_id: str) -> str | None:
        """The order a message the bot sent (a card, a relayed message) is about: a reply to it is about it too."""
