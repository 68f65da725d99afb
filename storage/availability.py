"""Sellers' time off and limits of orders in progress, and the visitors waiting for a paused offer to reopen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, func, select, update

from core.availability import TimeOff, Watch
from core.model import Stage
from storage.tables import orders, reopen_watches, time_off
from storage.transaction import InTransaction


class AvailabilityRows(InTransaction):
    """The time off part of `SqlUnitOfWork`."""

    async def time_off(self, seller: str) -> TimeOff | None:
        row = (await self.conn.execute(_TIME_OFF, {"seller": seller})).first()
        if row is None:
            return None
        return TimeOff(row.seller_id, row.away_from, row.away_until, row.message, row.max_in_progress)

    async def save_time_off(self, off: TimeOff) -> None:
        self.writing()
        await self.upsert(time_off, {"seller_id": off.seller, "away_from": off.away_from,
                                     "away_until": off.away_until, "message": off.message,
                                     "max_in_progress": off.max_in_progress})

    async def count_in_progress(self, seller: str, stages: frozenset[Stage]) -> int:
        return int(await self.conn.scalar(select(func.count()).select_from(orders).where(
            orders.c.seller_id == seller, orders.c.stage.in_(sorted(s.value for s in stages)))) or 0)

    async def save_watches(self, watches: list[Watch]) -> None:
        if not watches:
            return
        self.writing()
        for watch in watches:  # a handful per poll: one upsert each keeps a second request replacing the first
            await self.upsert(reopen_watches, {"offer_id": watch.offer_id, "account_id": watch.account,
                                               "seller_id": watch.seller, "due_at": watch.due,
                                               "since": watch.since})

    async def due_watches(self, now: datetime, limit: int, lock: bool = True) -> list[Watch]:
        query = select(reopen_watches).where(reopen_watches.c.due_at <= now).order_by(
            reopen_watches.c.due_at, reopen_watches.c.offer_id, reopen_watches.c.account_id).limit(limit)
        if lock and self.conn.dialect.name == "postgresql":  # two processes polling never take the same visitor
            query = query.with_for_update(skip_locked=True)
        return [Watch(r.offer_id, r.account_id, r.seller_id, r.due_at, r.since)
                for r in await self.conn.execute(query)]

    async def forget_watches(self, watches: list[Watch]) -> None:
        if not watches:
            return
        self.writing()
        await self.conn.execute(_FORGET, [{"offer": w.offer_id, "account": w.account} for w in watches])

    async def recheck_watches(self, seller: str, now: datetime) -> None:
        self.writing()
        await self.conn.execute(update(reopen_watches).where(reopen_watches.c.seller_id == seller).values(due_at=now))


_TIME_OFF = select(time_off).where(time_off.c.seller_id == bindparam("seller"))
_FORGET = delete(reopen_watches).where(reopen_watches.c.offer_id == bindparam("offer"),
                                       reopen_watches.c.account_id == bindparam("account"))
