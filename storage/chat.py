"""The order chat as it was written: every message and edit, its attachments, and what moderators must see."""

from __future__ import annotations

from sqlalchemy import select, update

from core.chat import ChatMessage
from core.model import Role
from storage.tables import attachments, chat_messages, orders
from storage.transaction import InTransaction


class ChatRows(InTransaction):
    """The chat part of `SqlUnitOfWork`."""

    async def add_message(self, message: ChatMessage) -> int:
        self.writing()
        message_id = (await self.conn.execute(chat_messages.insert().values(
            order_id=message.order_id, sender_id=message.sender, role=message.role.value, platform=message.platform,
            text=message.text, flagged=message.flagged, at=message.at, original=message.original,
            source=message.source, edit_of=message.edit_of, left_visible=message.left_visible)
        )).inserted_primary_key[0]
        if message.files:
            await self.conn.execute(attachments.insert(), [
                {"message_id": message_id, "order_id": message.order_id, "platform": message.platform,
                 "file_ref": ref, "name": ref.rsplit(":", 1)[-1][:300], "mime": "application/octet-stream"}
                for ref in message.files])
        return message_id

    async def messages(self, order_id: str) -> list[ChatMessage]:
        rows = (await self.conn.execute(select(chat_messages).where(chat_messages.c.order_id == order_id)
                                        .order_by(chat_messages.c.id))).all()
        files: dict[int, list[str]] = {r.id: [] for r in rows}
        if rows:  # every message's attachments in one query
            for a in await self.conn.execute(
                    select(attachments.c.message_id, attachments.c.file_ref)
                    .join(chat_messages, chat_messages.c.id == attachments.c.message_id)
                    .where(chat_messages.c.order_id == order_id).order_by(attachments.c.id)):
                files[a.message_id].append(a.file_ref)
        return [_message(r, files[r.id]) for r in rows]

    async def message_from(self, platform: str, source: str) -> ChatMessage | None:
        """The chat message written as this platform's message (not one of its edits), if it is one."""
        row = (await self.conn.execute(select(chat_messages).where(
            chat_messages.c.platform == platform, chat_messages.c.source == source,
            chat_messages.c.edit_of.is_(None)).order_by(chat_messages.c.id).limit(1))).first()
        return _message(row) if row else None

    async def latest_version(self, message_id: int) -> ChatMessage | None:
        """A message as it reads now: its latest edit, else itself."""
        row = (await self.conn.execute(select(chat_messages).where(
            (chat_messages.c.id == message_id) | (chat_messages.c.edit_of == message_id))
            .order_by(chat_messages.c.id.desc()).limit(1))).first()
        return _message(row) if row else None

    async def mark_left_visible(self, message_id: int) -> None:
        self.writing()
        await self.conn.execute(update(chat_messages).where(chat_messages.c.id == message_id).values(left_visible=True))

    async def flagged_messages(self, limit: int = 20) -> list[tuple[ChatMessage, str]]:
        """The latest flagged chat messages and edits, newest first, each with its order's title."""
        rows = (await self.conn.execute(
            select(chat_messages, orders.c.title.label("order_title"))
            .join(orders, orders.c.id == chat_messages.c.order_id)
            .where(chat_messages.c.flagged.is_(True) | chat_messages.c.left_visible.is_(True))
            .order_by(chat_messages.c.id.desc()).limit(limit))).all()
        return [(_message(r), r.order_title) for r in rows]


def _message(row, files: list[str] = ()) -> ChatMessage:
    return ChatMessage(row.order_id, row.sender_id, Role(row.role), row.platform, row.text, tuple(files), row.flagged,
                       row.at, row.id, row.original, row.source, row.edit_of, row.left_visible)
