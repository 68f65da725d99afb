"""Read-only views across orders: a person's orders, the moderators' queues, balances, an order's timers."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from core.model import Order, Stage
from storage.orders import WITH_REVIEW, order_with_review
from storage.tables import ledger_entries, order_events, orders, timers
from storage.transaction import InTransaction


class OrderViews(InTransaction):
    """The views part of `SqlUnitOfWork`: it only reads."""

    async def orders_of(self, account: str, stages=None, limit: int = 10, offset: int = 0) -> list[Order]:
        query = WITH_REVIEW.where((orders.c.buyer_id == account) | (orders.c.seller_id == account))
        if stages:
            query = query.where(orders.c.stage.in_([s.value for s in stages]))
        rows = await self.conn.execute(query.order_by(orders.c.paid_at.desc(), orders.c.id).limit(limit).offset(offset))
        return [order_with_review(r) for r in rows]

    async def count_orders_of(self, account: str, stages=None) -> int:
        query = select(func.count()).select_from(orders).where(
            (orders.c.buyer_id == account) | (orders.c.seller_id == account))
        if stages:
            query = query.where(orders.c.stage.in_([s.value for s in stages]))
        return await self.conn.scalar(query)

    async def orders_in(self, stages, limit: int = 10, offset: int = 0) -> list[Order]:
        """Orders in these stages, longest waiting first: by when each entered the stage it is in now
        (for a dispute, when it was opened or frozen; taking it does not reset its place in the queue)."""
        query = WITH_REVIEW.where(orders.c.stage.in_([s.value for s in stages]))
        rows = await self.conn.execute(query.order_by(_entered_stage.asc(), orders.c.id).limit(limit).offset(offset))
        return [order_with_review(r) for r in rows]

    async def count_orders_in(self, stages) -> int:
        return await self.conn.scalar(select(func.count()).select_from(orders).where(
            orders.c.stage.in_([s.value for s in stages])))

    async def disputes_taken_by(self, moderator: str, limit: int = 50) -> list[Order]:
        """The disputes this moderator took: the orders whose chat they are part of."""
        rows = await self.conn.execute(WITH_REVIEW.where(
            orders.c.stage == Stage.DISPUTED.value, orders.c.dispute["moderator"].as_string() == moderator)
            .order_by(orders.c.id).limit(limit))
        return [order_with_review(r) for r in rows]

    async def balances(self) -> dict[str, int]:
        rows = await self.conn.execute(
            select(ledger_entries.c.account, func.sum(ledger_entries.c.amount)).group_by(ledger_entries.c.account))
        return {account: int(total) for account, total in rows}

    async def pending_timers(self, order_id: str) -> dict[str, object]:
        """An order's timer rows as stored: kind (its text) -> when due."""
        rows = await self.conn.execute(select(timers.c.kind, timers.c.due_at).where(timers.c.order_id == order_id))
        return dict(rows.all())


#: when an order last entered the stage it is in now: its latest event that moved it there
_entered_stage = (
    select(func.max(order_events.c.at))
    .where(order_events.c.order_id == orders.c.id, order_events.c.after == orders.c.stage,
           or_(order_events.c.before.is_(None), order_events.c.before != order_events.c.after))
    .correlate(orders)
    .scalar_subquery()
)
