"""Which order a chat message can be about: the same answer on every platform."""

from __future__ import annotations

from bots.people import Person
from core.chat import may_send


async def chattable_orders(rt, who: Person):
    """Orders a message could be about: chat open now, or closed only for a while (the delivery window),
    in which case sending explains why and how to reopen it. A moderator's are the disputes they took."""
    async with rt.store.unit_of_work(read_only=True) as uow:
        orders = await uow.orders_of(who.account.id, limit=50)
        orders += await uow.disputes_taken_by(who.account.id)
    now = rt.clock.now()
    return [o for o in orders if may_send(o, who.viewer, now, rt.config.settings).allowed
            or (o.stage.is_open and o.role_of(who.viewer) is not None)]
