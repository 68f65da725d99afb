"""A seller's time off and limit of orders in progress, as both adapters answer them: core decides, this words it."""

from __future__ import annotations

from core.events import Refusal
from core.i18n import N_, Text
from core.people import Person
from bots.render import zone
from bots.runtime import Runtime

BACK = N_("Welcome back: your time off is cleared.")


async def answer(rt: Runtime, who: Person, *, away: tuple[str, str, str] | None = None, back: bool = False,
                 limit: str | None = None) -> str:
    """Sets what the seller asked (their time off: first day, last day, message; back early; a limit), then says
    what is set now and whether their offers take orders. A refusal says what was wrong and changes nothing."""
    done: object = None
    if away is not None:
        done = await rt.availability.go_away(who.viewer, *away, zone=who.account.timezone)
    elif back:
        done = await rt.availability.come_back(who.viewer)
    elif limit is not None:
        done = await rt.availability.limit(who.viewer, limit)
    if isinstance(done, Refusal):
        return done.render(who.lang)
    where = zone(who.account.timezone)
    lines = [Text.of(BACK)] if back else []
    lines += await rt.availability.status(who.viewer)
    return "\n".join(line.render(who.lang, where) for line in lines)


async def watch(rt: Runtime, who: Person, offer_id: str) -> str:
    """A visitor's [Tell me when it reopens]: what core says (it will tell them, or there is nothing to wait for)."""
    told = await rt.availability.watch(offer_id, who.viewer)
    return told.render(who.lang)
