"""What the chat front ends remember between two updates (open dialogs, the messages they sent: cards, relayed
messages, rooms; the updates already seen; who of several processes does a one-time thing), behind a port that
storage keeps, and the use cases that read and write it, each in a transaction of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from core.deadlines import CHAT_ENDED
from core.i18n import Text

if TYPE_CHECKING:  # core.ports names this module's port: imported for the annotations only
    from core.ports import UnitOfWorkFactory


class Conversations(Protocol):
    """Kept by storage (storage/conversations.py); core asks it in the transaction of a use case, so that what it
    remembers is written together with what the use case did, or not at all."""

    async def first_sight(self, platform: str, key: str) -> bool:
        """True the first time this platform's update is seen; False for a duplicate delivery of it."""

    async def forget_updates_before(self, moment: datetime) -> None: ...

    async def order_of_message(self, platform: str, chat_id: str, message_id: str) -> str | None:
        """The order a message the bot sent (a card, a relayed message) is about: a reply to it is about it too."""

    async def dialog(self, platform: str, external_id: str) -> dict[str, object] | None: ...
    async def start_dialog(self, platform: str, external_id: str, data: dict[str, object]) -> None: ...
    async def end_dialog(self, platform: str, external_id: str) -> None: ...
    async def remember(self, platform: str, chat_id: str, message_id: str, kind: str, order_id: str | None = None,
                       account_id: str | None = None) -> None: ...
    async def cards(self, platform: str, order_id: str) -> list[tuple[str, str, str | None]]: ...
    async def retire(self, platform: str, chat_id: str, message_id: str) -> None: ...
    async def chat_of(self, platform: str, order_id: str, kind: str) -> str | None: ...
    async def claim(self, platform: str, key: str, order_id: str | None, lease: timedelta) -> bool: ...
    async def claim_done(self, platform: str, key: str) -> None: ...
    async def release(self, platform: str, key: str) -> None: ...

    async def topic(self, platform: str, chat_id: str, order_id: str) -> str | None:
        """The topic of this chat kept for this order, if one was opened."""

    async def order_of_topic(self, platform: str, chat_id: str, topic_id: str) -> str | None:
        """The order a topic of this chat was opened for: a message written in it is about it."""

    async def keep_topic(self, platform: str, chat_id: str, order_id: str, topic_id: str) -> None: ...
    async def forget_topic(self, platform: str, chat_id: str, order_id: str) -> None: ...

    async def topics_in(self, platform: str, chat_id: str) -> bool | None:
        """Whether topics could be opened in this chat (None: not tried yet)."""

    async def decide_topics(self, platform: str, chat_id: str, available: bool) -> None:
        """Remembers whether topics could be opened in this chat; the first decision stays."""


@dataclass(frozen=True)
class Place:
    """Where an order's messages go in a chat: its topic (`topic`), or the chat itself; `open_as`: no topic yet
    and the chat may have one, to open under this name (then `topic_opened`, or `no_topics` if refused)."""

    topic: str | None = None
    open_as: str | None = None


def topic_name(order_id: str, title: str, limit: int) -> str:
    """An order's topic as its party finds it in the chat's list: its number and title, within the platform's
    limit on a topic's name."""
    return f"#{order_id} {title}".strip()[:limit]


CLOSED_MARK = "✓ "  # a topic whose order's chat has ended, where the platform cannot close it


def closes_topic(text: Text) -> bool:
    """This notice ends the order's chat: its topic is closed after it (nothing more is passed on in it)."""
    return text.msgid == CHAT_ENDED


@dataclass
class ConversationState:
    """The conversation state's use cases, for the adapters: none of them opens a unit of work itself. Its reads
    begin as writers, as the adapters' did: on SQLite they wait for the writes under way (a room being opened,
    a card being remembered), so what they read is what those writes left."""

    uow: UnitOfWorkFactory

    # --- dialogs: what a person is in the middle of typing ----------------------------------------------

    async def dialog(self, platform: str, slot: str) -> dict[str, object] | None:
        async with self.uow() as uow:
            return await uow.conversations.dialog(platform, slot)

    async def keep_dialog(self, platform: str, slot: str, dialog: dict[str, object] | None) -> None:
        """Starts (or replaces) this slot's dialog; None ends it."""
        async with self.uow() as uow:
            if dialog is None:
                await uow.conversations.end_dialog(platform, slot)
            else:
                await uow.conversations.start_dialog(platform, slot, dialog)
            await uow.commit()

    async def take_dialog(self, platform: str, slot: str, kind: str) -> dict[str, object] | None:
        """This slot's dialog if it is of this kind, ended at once (answered once, however often pressed)."""
        async with self.uow() as uow:
            dialog = await uow.conversations.dialog(platform, slot)
            if dialog is None or dialog.get("kind") != kind:
                return None
            await uow.conversations.end_dialog(platform, slot)
            await uow.commit()
        return dialog

    # --- the messages the bot sent: cards, notices, rooms -------------------------------------------------

    async def remember(self, platform: str, chat_id: str, message_id: str, kind: str, order_id: str | None = None,
                       account_id: str | None = None) -> None:
        """A message the bot sent (an order card, a relayed message), to route replies and edit cards."""
        async with self.uow() as uow:
            await uow.conversations.remember(platform, chat_id, message_id, kind, order_id, account_id)
            await uow.commit()

    async def order_of_message(self, platform: str, chat_id: str, message_id: str) -> str | None:
        async with self.uow() as uow:
            return await uow.conversations.order_of_message(platform, chat_id, message_id)

    async def cards(self, platform: str, order_id: str) -> list[tuple[str, str, str | None]]:
        """(chat, message, account) of every card of this order sent on this platform, oldest first."""
        async with self.uow() as uow:
            return await uow.conversations.cards(platform, order_id)

    async def retire(self, platform: str, chat_id: str, message_id: str) -> None:
        """A card whose buttons were removed: still the order's message (replies route), no longer edited."""
        async with self.uow() as uow:
            await uow.conversations.retire(platform, chat_id, message_id)
            await uow.commit()

    async def chat_of(self, platform: str, order_id: str, kind: str) -> str | None:
        """The chat (a Discord thread) kept for this order under this kind of message, if any."""
        async with self.uow() as uow:
            return await uow.conversations.chat_of(platform, order_id, kind)

    # --- an order's topic in a chat (Telegram's private chats) ---------------------------------------------

    async def place(self, platform: str, chat_id: str, order_id: str | None, *, offered: bool,
                    name_limit: int) -> Place:
        """Where this order's messages go in this chat: its topic once opened; the chat itself when the platform
        does not offer topics (`offered`), when the chat was found without them (decided once, remembered), or
        for a message about no order; else a topic to open, named after the order."""
        if not offered or order_id is None:
            return Place()
        async with self.uow() as uow:
            topic = await uow.conversations.topic(platform, chat_id, order_id)
            if topic is not None:
                return Place(topic)
            if await uow.conversations.topics_in(platform, chat_id) is False:
                return Place()
            order = await uow.order(order_id)
        return Place() if order is None else Place(open_as=topic_name(order.id, order.title, name_limit))

    async def closed_topic_name(self, order_id: str, name_limit: int) -> str | None:
        """The name an order's topic takes when its chat ends, marked closed where the platform cannot close it."""
        async with self.uow() as uow:
            order = await uow.order(order_id)
        return None if order is None else (CLOSED_MARK + topic_name(order.id, order.title, name_limit))[:name_limit]

    async def topic_opened(self, platform: str, chat_id: str, order_id: str, topic_id: str) -> None:
        """The order's topic is open in this chat: its messages go there from now on, and the chat has topics."""
        async with self.uow() as uow:
            await uow.conversations.keep_topic(platform, chat_id, order_id, topic_id)
            await uow.conversations.decide_topics(platform, chat_id, True)
            await uow.commit()

    async def topic_lost(self, platform: str, chat_id: str, order_id: str) -> None:
        """The person deleted the order's topic: the next message about it opens a new one."""
        async with self.uow() as uow:
            await uow.conversations.forget_topic(platform, chat_id, order_id)
            await uow.commit()

    async def no_topics(self, platform: str, chat_id: str) -> None:
        """Opening a topic in this chat was refused: its orders stay in the chat itself, for good."""
        async with self.uow() as uow:
            await uow.conversations.decide_topics(platform, chat_id, False)
            await uow.commit()

    # --- one-time things, done by one process of several ---------------------------------------------------

    async def claim(self, platform: str, key: str, order_id: str | None, lease: timedelta) -> bool:
        """True for the one caller, of all processes, to do the one-time thing `key` names."""
        async with self.uow() as uow:
            claimed = await uow.conversations.claim(platform, key, order_id, lease)
            await uow.commit()
        return claimed

    async def claimed_room(self, platform: str, key: str, chat_id: str, message_id: str, kind: str,
                           order_id: str) -> None:
        """The claimed thing was a room, now open: remembered as the order's, and the claim done, together."""
        async with self.uow() as uow:
            await uow.conversations.remember(platform, chat_id, message_id, kind, order_id)
            await uow.conversations.claim_done(platform, key)
            await uow.commit()

    async def release(self, platform: str, key: str) -> None:
        """The claimed thing failed: the next to ask may try it."""
        async with self.uow() as uow:
            await uow.conversations.release(platform, key)
            await uow.commit()

    # --- updates already seen ----------------------------------------------------------------------------

    async def first_sight(self, platform: str, key: str) -> bool:
        """True the first time this update is seen (remembered now); False for a duplicate delivery of it."""
        async with self.uow() as uow:
            first = await uow.conversations.first_sight(platform, key)
            await uow.commit()
        return first

    async def forget_updates_before(self, moment: datetime) -> None:
        async with self.uow() as uow:
            await uow.conversations.forget_updates_before(moment)
            await uow.commit()
