"""Which orders a person sees — in their /orders list, or as what a chat message is about — on every platform."""

from __future__ import annotations

from bots.people import Person
from core.chat import may_send
from core.engine import allowed_actions
from core.i18n import N_
from core.model import OPEN, TERMINAL

#: the /orders filters, in the order their buttons are shown
FILTERS = {
    "act": N_("To act on"),
    "open": N_("Running"),
    "closed": N_("Closed"),
}


async def listed_orders(rt, who: Person, which: str) -> list:
    """This person's orders under a filter: those where they can act now, running ones, or closed ones."""
    async with rt.store.unit_of_work(read_only=True) as uow:
        found = await uow.orders_of(who.account.id, TERMINAL if which == "closed" else OPEN, limit=200)
    if which == "act":
        now = rt.clock.now()
        found = [o for o in found if allowed_actions(o, who.viewer, now, rt.config.settings)]
    return found


async def chattable_orders(rt, who: Person):
    """Orders a message could be about: chat open now, or closed only for a while (the delivery window),
    in which case sending explains why and how to reopen it. A moderator's are the disputes they took."""
    async with rt.store.unit_of_work(read_only=True) as uow:
        orders = await uow.orders_of(who.account.id, limit=50)
        orders += await uow.disputes_taken_by(who.account.id)
    now = rt.clock.now()
    return [o for o in orders if may_send(o, who.viewer, now, rt.config.settings).allowed
            or (o.stage.is_open and o.role_of(who.viewer) is not None)]
