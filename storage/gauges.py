"""What the operator's metrics read from the database: orders by stage, transitions by action, overdue timers and
waiting notifications. The same figures from every process sharing the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import case, func, select

from storage.database import READ_ONLY
from storage.tables import order_events, orders, outbox, timers


@dataclass
class Readings:
    orders_by_stage: dict[str, int] = field(default_factory=dict)
    #: order events by action, counted from `after_event` on (the caller keeps the running totals)
    new_transitions: dict[str, int] = field(default_factory=dict)
    last_event: int = 0
    #: "deadline" or "reminder" -> (how many are due and not yet fired, seconds since the oldest was due)
    overdue: dict[str, tuple[int, float]] = field(default_factory=dict)
    #: platform -> (notifications waiting to be sent, seconds since the oldest was written)
    waiting: dict[str, tuple[int, float]] = field(default_factory=dict)
    #: platform -> notifications given up (undeliverable, or out of attempts)
    failed: dict[str, int] = field(default_factory=dict)


_REMINDER = case((timers.c.kind.like("%@%"), "reminder"), else_="deadline")


async def read(engine, now: datetime, after_event: int = 0) -> Readings:
    """One consistent look (a read-only transaction) at the figures."""
    out = Readings(last_event=after_event)
    async with engine.connect() as conn:
        conn = await conn.execution_options(**{READ_ONLY: True})
        await conn.begin()
        for stage, count in await conn.execute(select(orders.c.stage, func.count()).group_by(orders.c.stage)):
            out.orders_by_stage[stage] = count
        for action, count, last in await conn.execute(
                select(order_events.c.action, func.count(), func.max(order_events.c.id))
                .where(order_events.c.id > after_event).group_by(order_events.c.action)):
            out.new_transitions[action] = count
            out.last_event = max(out.last_event, last)
        for kind, count, oldest in await conn.execute(
                select(_REMINDER, func.count(), func.min(timers.c.due_at)).where(timers.c.due_at <= now)
                .group_by(_REMINDER)):
            out.overdue[kind] = (count, _age(now, oldest))
        unsent = (outbox.c.sent_at.is_(None), outbox.c.failed_at.is_(None))
        for platform, count, oldest in await conn.execute(
                select(outbox.c.platform, func.count(), func.min(outbox.c.created_at)).where(*unsent)
                .group_by(outbox.c.platform)):
            out.waiting[platform] = (count, _age(now, oldest))
        for platform, count in await conn.execute(
                select(outbox.c.platform, func.count()).where(outbox.c.failed_at.is_not(None))
                .group_by(outbox.c.platform)):
            out.failed[platform] = count
        await conn.rollback()
    return out


def _age(now: datetime, then: datetime | None) -> float:
    if then is None:
        return 0.0
    if then.tzinfo is None:  # stored in UTC
        then = then.replace(tzinfo=timezone.utc)
    return max((now - then).total_seconds(), 0.0)
