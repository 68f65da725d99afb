"""Each person's Today card: the changes that put it out of date (marked in the transaction that made them), where
it is on each platform, and their morning digest."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import cache

from sqlalchemy import bindparam, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from core.today import TodayMessage, TodayState
from storage.tables import today_marks, today_messages
from storage.transaction import InTransaction


class TodayRows(InTransaction):
    """The Today part of `SqlUnitOfWork`."""

    async def mark_today(self, accounts: Iterable[str]) -> None:
        """These people's Today cards are out of date: one more change each (one statement for them all)."""
        rows = [{"account_id": a, "changes": 1, "shown": 0, "dirty_since": self.clock.now()}
                for a in sorted(set(accounts)) if a]
        if not rows:
            return
        self.writing()
        await self.conn.execute(_marking(self.conn.dialect.name), rows)

    async def today_state(self, account: str) -> TodayState | None:
        row = (await self.conn.execute(_STATE, {"account": account})).first()
        return _state(row) if row is not None else None

    async def save_today(self, state: TodayState) -> None:
        self.writing()
        await self.upsert(today_marks, {
            "account_id": state.account, "changes": state.changes, "shown": state.shown,
            "dirty_since": state.dirty_since, "shown_at": state.shown_at, "digest_off": state.digest_off,
            "last_digest": state.last_digest.isoformat() if state.last_digest else None,
            "digest_due": state.digest_due})

    async def today_shown(self, account: str, changes: int, now: datetime) -> None:
        """The card shows every change up to `changes`; a change counted since keeps it out of date."""
        self.writing()
        await self.conn.execute(_SHOWN, {"account": account, "counted": changes, "now": now})

    async def dirty_todays(self, shown_before: datetime, limit: int) -> list[TodayState]:
        """The out-of-date cards last drawn before `shown_before` (or never), the longest out of date first."""
        query = (select(today_marks).where(today_marks.c.dirty_since.is_not(None),
                                           or_(today_marks.c.shown_at.is_(None),
                                               today_marks.c.shown_at <= shown_before))
                 .order_by(today_marks.c.dirty_since, today_marks.c.account_id).limit(limit))
        return [_state(r) for r in await self.conn.execute(query)]

    async def due_digests(self, now: datetime, limit: int) -> list[TodayState]:
        """The people whose digest is due by now or not planned yet; locked (PostgreSQL) until the unit ends."""
        query = (select(today_marks).where(or_(today_marks.c.digest_due.is_(None), today_marks.c.digest_due <= now))
                 .order_by(today_marks.c.digest_due, today_marks.c.account_id).limit(limit))
        if self.conn.dialect.name == "postgresql" and not self.read_only:  # two processes never take the same
            query = query.with_for_update(skip_locked=True)
        return [_state(r) for r in await self.conn.execute(query)]

    async def today_messages(self, account: str) -> list[TodayMessage]:
        rows = await self.conn.execute(_MESSAGES, {"account": account})
        return [TodayMessage(r.account_id, r.platform, r.chat_id, r.message_id) for r in rows]

    async def keep_today_message(self, message: TodayMessage) -> None:
        self.writing()
        await self.upsert(today_messages, {"account_id": message.account, "platform": message.platform,
                                           "chat_id": message.chat_id, "message_id": message.message_id})


def _state(row) -> TodayState:
    return TodayState(row.account_id, row.changes, row.shown, row.dirty_since, row.shown_at, row.digest_off,
                      date.fromisoformat(row.last_digest) if row.last_digest else None, row.digest_due)


@cache
def _marking(dialect_name: str):
    """A new row counting one change, or one more change on the row there (out of date since its first)."""
    statement = (postgresql if dialect_name == "postgresql" else sqlite).insert(today_marks)
    return statement.on_conflict_do_update(index_elements=[today_marks.c.account_id], set_={
        "changes": today_marks.c.changes + 1,
        "dirty_since": func.coalesce(today_marks.c.dirty_since, statement.excluded.dirty_since)})


_STATE = select(today_marks).where(today_marks.c.account_id == bindparam("account"))
_MESSAGES = select(today_messages).where(today_messages.c.account_id == bindparam("account")).order_by(
    today_messages.c.platform)
_SHOWN = (update(today_marks).where(today_marks.c.account_id == bindparam("account"))
          .values(shown=bindparam("counted"), shown_at=bindparam("now"),
                  dirty_since=case((today_marks.c.changes == bindparam("counted"), None),
                                   else_=today_marks.c.dirty_since)))
