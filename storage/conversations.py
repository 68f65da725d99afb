"""What chat adapters remember between two messages: open dialogs, the messages they sent, and the
claims that let one process only, of several sharing the database, do a one-time thing (open an order's room)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import insert_ignoring_duplicates, insert_or_skip
from storage.tables import dialogs, platform_messages, seen_updates


#: claims are platform_messages rows in this pseudo-chat, keyed by what they claim; kind CLAIMED once done
CLAIMS, CLAIMING, CLAIMED = "claims", "claiming", "claimed"
#: an order's topic is a platform_messages row of its chat: the topic's id (that of the message opening it), kind
#: TOPIC; whether a chat has topics, a row of that chat under the message id TOPICS, kind WITH or WITHOUT
TOPIC, TOPICS, WITH_TOPICS, WITHOUT_TOPICS = "topic", "topics", "topics-on", "topics-off"


class Conversations:
    def __init__(self, conn: AsyncConnection, clock) -> None:
        self.conn = conn
        self.clock = clock

    async def dialog(self, platform: str, external_id: str) -> dict | None:
        return await self.conn.scalar(select(dialogs.c.data).where(
            dialogs.c.platform == platform, dialogs.c.external_id == str(external_id)))

    async def start_dialog(self, platform: str, external_id: str, data: dict) -> None:
        await self.end_dialog(platform, external_id)
        await self.conn.execute(dialogs.insert().values(platform=platform, external_id=str(external_id), data=data,
                                                        updated_at=self.clock.now()))

    async def end_dialog(self, platform: str, external_id: str) -> None:
        await self.conn.execute(delete(dialogs).where(dialogs.c.platform == platform,
                                                      dialogs.c.external_id == str(external_id)))

    async def first_sight(self, platform: str, key: str) -> bool:
        """True the first time this update is seen; False for a platform's duplicate delivery."""
        done = await self.conn.execute(
            insert_or_skip(self.conn, seen_updates).values(platform=platform, key=str(key), at=self.clock.now()))
        return done.rowcount == 1

    async def forget_updates_before(self, moment) -> None:
        await self.conn.execute(delete(seen_updates).where(seen_updates.c.at < moment))

    async def remember(self, platform: str, chat_id: str, message_id: str, kind: str, order_id: str | None = None,
                       account_id: str | None = None) -> None:
        """A message the bot sent (an order card, a relayed message), to route replies and edit cards."""
        await insert_ignoring_duplicates(self.conn, platform_messages, [{
            "platform": platform, "chat_id": str(chat_id), "message_id": str(message_id), "order_id": order_id,
            "account_id": account_id, "kind": kind, "dedupe_key": None, "at": self.clock.now()}])

    async def order_of_message(self, platform: str, chat_id: str, message_id: str) -> str | None:
        return await self.conn.scalar(select(platform_messages.c.order_id).where(
            platform_messages.c.platform == platform, platform_messages.c.chat_id == str(chat_id),
            platform_messages.c.message_id == str(message_id)))

    async def cards(self, platform: str, order_id: str) -> list[tuple[str, str, str | None]]:
        """(chat, message, account) of every card of this order sent on this platform, oldest first."""
        rows = await self.conn.execute(
            select(platform_messages.c.chat_id, platform_messages.c.message_id, platform_messages.c.account_id)
            .where(platform_messages.c.platform == platform, platform_messages.c.order_id == order_id,
                   platform_messages.c.kind == "card").order_by(platform_messages.c.at))
        return [tuple(r) for r in rows]

    async def retire(self, platform: str, chat_id: str, message_id: str) -> None:
        """A card whose buttons were removed: still the order's message (replies route), no longer edited."""
        await self.conn.execute(update(platform_messages).where(
            platform_messages.c.platform == platform, platform_messages.c.chat_id == str(chat_id),
            platform_messages.c.message_id == str(message_id)).values(kind="old-card"))

    async def chat_of(self, platform: str, order_id: str, kind: str) -> str | None:
        """The chat (a Discord thread) kept for this order under this kind of message, if any."""
        return await self.conn.scalar(select(platform_messages.c.chat_id).where(
            platform_messages.c.platform == platform, platform_messages.c.order_id == order_id,
            platform_messages.c.kind == kind).order_by(platform_messages.c.at).limit(1))

    # --- topics: an order's place in a chat ----------------------------------------------------------------

    async def topic(self, platform: str, chat_id: str, order_id: str) -> str | None:
        return await self.conn.scalar(select(platform_messages.c.message_id).where(
            platform_messages.c.platform == platform, platform_messages.c.chat_id == str(chat_id),
            platform_messages.c.order_id == order_id, platform_messages.c.kind == TOPIC)
            .order_by(platform_messages.c.at).limit(1))  # the first opened, were two processes to open one each

    async def order_of_topic(self, platform: str, chat_id: str, topic_id: str) -> str | None:
        return await self.conn.scalar(select(platform_messages.c.order_id).where(
            platform_messages.c.platform == platform, platform_messages.c.chat_id == str(chat_id),
            platform_messages.c.message_id == str(topic_id), platform_messages.c.kind == TOPIC))

    async def keep_topic(self, platform: str, chat_id: str, order_id: str, topic_id: str) -> None:
        await self.remember(platform, chat_id, topic_id, TOPIC, order_id)

    async def forget_topic(self, platform: str, chat_id: str, order_id: str) -> None:
        await self.conn.execute(delete(platform_messages).where(
            platform_messages.c.platform == platform, platform_messages.c.chat_id == str(chat_id),
            platform_messages.c.order_id == order_id, platform_messages.c.kind == TOPIC))

    async def topics_in(self, platform: str, chat_id: str) -> bool | None:
        kind = await self.conn.scalar(select(platform_messages.c.kind).where(
            platform_messages.c.platform == platform, platform_messages.c.chat_id == str(chat_id),
            platform_messages.c.message_id == TOPICS))
        return None if kind is None else kind == WITH_TOPICS

    async def decide_topics(self, platform: str, chat_id: str, available: bool) -> None:
        """The first decision stays: a chat found without topics keeps its orders in the chat itself."""
        await self.remember(platform, chat_id, TOPICS, WITH_TOPICS if available else WITHOUT_TOPICS)

    # --- claims: which process does a one-time thing --------------------------------------------------

    def _claim(self, platform: str, key: str):
        return (platform_messages.c.platform == platform, platform_messages.c.chat_id == CLAIMS,
                platform_messages.c.message_id == key)

    async def claim(self, platform: str, key: str, order_id: str | None, lease: timedelta) -> bool:
        """True for the one caller, of all processes, to do the one-time thing `key` names: the first to ask
        (an insert on the row's primary key), or the first after a claim left unfinished for `lease` (its
        process died midway). Commit at once: the row is the claim."""
        now = self.clock.now()
        first = await self.conn.execute(insert_or_skip(self.conn, platform_messages).values(
            platform=platform, chat_id=CLAIMS, message_id=key, order_id=order_id, account_id=None, kind=CLAIMING,
            dedupe_key=None, at=now))
        if first.rowcount == 1:
            return True
        taken_over = await self.conn.execute(update(platform_messages).where(
            *self._claim(platform, key), platform_messages.c.kind == CLAIMING, platform_messages.c.at < now - lease)
            .values(at=now))
        return taken_over.rowcount == 1

    async def claim_done(self, platform: str, key: str) -> None:
        """The claimed thing is done (commit it with its result): nobody takes the claim over any more."""
        await self.conn.execute(update(platform_messages).where(*self._claim(platform, key)).values(kind=CLAIMED))

    async def release(self, platform: str, key: str) -> None:
        """The claimed thing failed: the next to ask may try it."""
        await self.conn.execute(delete(platform_messages).where(
            *self._claim(platform, key), platform_messages.c.kind == CLAIMING))
