"""Claiming due work (timers, outbox rows) so that several processes never take the same row twice.

A claim is a lease: the row is marked claimed until `now + lease`. A process that dies holding it
only delays the work by the lease; another process takes it after. On PostgreSQL the claim skips
rows another transaction has locked (FOR UPDATE SKIP LOCKED); on SQLite the write lock taken at
BEGIN IMMEDIATE already lets one claimer in at a time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from core.deadlines import Timer, TimerKind
from storage.inline import many_rows
from storage.tables import outbox, timers


async def claim_timers(engine: AsyncEngine, now: datetime, limit: int, lease: timedelta) -> list[tuple[str, Timer]]:
    """Due timers, oldest first, leased to the caller."""
    free = or_(timers.c.claimed_until.is_(None), timers.c.claimed_until < now)
    query = (select(timers.c.order_id, timers.c.kind, timers.c.due_at)
             .where(timers.c.due_at <= now, free).order_by(timers.c.due_at).limit(limit))
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = (await conn.execute(query)).all()
        if rows:
            # one row at a time by its key: SQLite scans the whole table for a (order_id, kind) IN (VALUES ...)
            until = now + lease
            await conn.execute(_CLAIM_TIMER, [{"claimed_order": order_id, "claimed_kind": kind, "until": until}
                                              for order_id, kind, _ in rows])
    return [(order_id, Timer(TimerKind.parse(kind), due)) for order_id, kind, due in rows]


_CLAIM_TIMER = many_rows(update(timers).where(timers.c.order_id == bindparam("claimed_order"),
                                               timers.c.kind == bindparam("claimed_kind"))
                         .values(claimed_until=bindparam("until")))


async def claim_outbox(engine: AsyncEngine, now: datetime, limit: int, lease: timedelta) -> list:
    """Notifications due to be sent, oldest first, leased to the caller."""
    free = or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now)
    query = (select(outbox).where(outbox.c.sent_at.is_(None), outbox.c.failed_at.is_(None),
                                  outbox.c.next_attempt_at <= now, free)
             .order_by(outbox.c.next_attempt_at, outbox.c.id).limit(limit))
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = (await conn.execute(query)).all()
        if rows:
            await conn.execute(update(outbox).where(outbox.c.id.in_([r.id for r in rows]))
                               .values(claimed_until=now + lease))
    return rows


class TimerQueue:
    """Due timers of one database, for the scheduler (which must not know SQLAlchemy)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[tuple[str, Timer]]:
        return await claim_timers(self.engine, now, limit, lease)
