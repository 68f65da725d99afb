"""Which orders a person sees in their /orders list, on every platform: the filters' words (core decides which
orders each filter lists: Service.listed)."""

from __future__ import annotations

from core.people import Person
from core.i18n import N_

#: the /orders filters, in the order their buttons are shown
FILTERS = {
    "act": N_("To act on"),
    "open": N_("Running"),
    "closed": N_("Closed"),
}


async def listed_orders(rt, who: Person, which: str) -> list:
    """This person's orders under a filter: those where they can act now, running ones, or closed ones."""
    return await rt.service.listed(who.viewer, which)
