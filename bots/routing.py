"""Which orders a person sees in their /orders list, on every platform."""

from __future__ import annotations

from core.people import Person
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
