"""A press of an order card's button, decided in one call and one transaction: ask for what the action needs,
done (with the new card, drawn from the outcome), or refused (why, what is possible now, and the card as the
order stands). A platform's second delivery of the same press is recognised, and a moderator's act audited, in
that same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core import deadlines, engine
from core.buttons import BadButton, ButtonData
from core.card import NEEDS, Card, order_card
from core.events import Outcome, Refusal
from core.events import Refused as Why
from core.i18n import N_, Text
from core.model import Action, Order, Payload, Stage, Viewer
from core.moderation import audit_entries
from core.people import Person
from core.ports import Clock, Conflict, UnitOfWork, UnitOfWorkFactory
from core.settings import Settings
from core.table import Needs

NOT_VALID = N_("This button is not valid.")
NOT_YOURS = N_("This order is not yours.")
MOVED_ON = N_("This was already done or the order has moved on; here is where it stands now.")


@dataclass(frozen=True)
class Ask:
    """Open the dialog (a modal on Discord) that collects what the action needs, then press again with it."""

    button: ButtonData  # the button pressed, which the dialog's answer presses again
    needs: Needs
    currency: str
    brief: str  # the order's brief as it is: a dialog that amends it starts from it


@dataclass(frozen=True)
class Done:
    """The action was taken: its outcome, and the presser's new card drawn from it (no second read)."""

    outcome: Outcome
    card: Card


@dataclass(frozen=True)
class Refused:
    """Nothing changed: core's reason and what is possible now, and the card as the order stands (None to a
    stranger to the order)."""

    refusal: Refusal
    card: Card | None = None

    @property
    def stranger(self) -> bool:
        """Refused as no party to the order: someone who may moderate is worth asking again as a moderator."""
        return self.refusal.code is Why.STRANGER


Answer = Ask | Done | Refused


def may_ask(button: str) -> bool:
    """Whether pressing this button may answer Ask: a front end that must answer a press at once (Discord's
    three seconds) and can open a form only as its first answer, holds its answer for these alone."""
    try:
        return NEEDS[ButtonData.decode(button).action] is not Needs.NOTHING
    except BadButton:
        return True  # refused at once, with nothing to wait for


async def transition(uow: UnitOfWork, order: Order, action: Action, viewer: Viewer, now: datetime,
                     settings: Settings, payload: Payload = Payload(), version: int | None = None) -> Outcome | Refusal:
    """The engine's answer to an action on this order, its outcome saved in `uow` (to commit). Exactly one of two
    racing actions wins: the other's save or commit raises Conflict."""
    if action is Action.COMPLETE and order.stage is Stage.COMPLETED and payload.positive is not None:
        # the order completed on its own while the buyer wrote their review: the review is kept
        action, version = Action.REVIEW, None
    result = engine.apply(order, action, viewer, now, settings, payload, version)
    if isinstance(result, Outcome):
        await uow.save(order, result, deadlines.plan(order, result.order, now, settings))
    return result


def moved_on(current: Order | None, viewer: Viewer, now: datetime, settings: Settings) -> Refusal:
    """The refusal of the action that lost a race: where the order stands now and what is possible there."""
    return Refusal(Why.VERSION, Text.of(MOVED_ON),
                   engine.allowed_actions(current, viewer, now, settings) if current else (), current)


@dataclass
class Presses:
    uow: UnitOfWorkFactory
    clock: Clock
    settings: Settings

    async def __call__(self, who: Person | Viewer, button: str | ButtonData, payload: Payload | None = None,
                       seen: tuple[str, str] | None = None) -> Answer | None:
        """What pressing this button (its data as the platform gave it back) means for this person now. With a
        `payload` (what a dialog collected) the action is taken, never asked for. `seen`: (platform, key) of the
        update, remembered in the same transaction; None back when that update was already handled. A `Person`
        acting as a moderator has the act audited (as whom it was made) in that transaction too; a bare `Viewer`
        is audited by nobody."""
        now = self.clock.now()
        viewer = who.viewer if isinstance(who, Person) else who
        async with self.uow() as uow:
            try:
                if seen is not None and not await uow.conversations.first_sight(*seen):
                    return None
                answer = await self._decide(uow, viewer, button, payload, now)
                if isinstance(who, Person) and isinstance(answer, Done):
                    for entry in audit_entries(who, answer.outcome, now):
                        await uow.audit.record(entry)
                await uow.commit()
                return answer
            except Conflict:
                pass  # another action on the order won: this press is refused as coming too late
        return await self._too_late(viewer, ButtonData.decode(button) if isinstance(button, str) else button,
                                    seen, now)

    async def _decide(self, uow: UnitOfWork, viewer: Viewer, button: str | ButtonData, payload: Payload | None,
                      now: datetime) -> Answer:
        try:
            pressed = button if isinstance(button, ButtonData) else ButtonData.decode(button)
        except BadButton:
            return Refused(Refusal(Why.UNKNOWN, Text.of(NOT_VALID)))
        order = await uow.order(pressed.order_id)
        if order is None:
            return Refused(Refusal(Why.UNKNOWN, Text.of(NOT_YOURS)))
        if order.role_of(viewer) is None:
            return Refused(Refusal(Why.STRANGER, Text.of(NOT_YOURS)))
        needs = NEEDS[pressed.action]
        if payload is None and needs is not Needs.NOTHING and pressed.version == order.version and \
                pressed.action in engine.allowed_actions(order, viewer, now, self.settings):
            return Ask(pressed, needs, order.currency, order.brief)
        # acts, or (when not possible) comes back refused with core's reason and what is possible now
        result = await transition(uow, order, pressed.action, viewer, now, self.settings, payload or Payload(),
                                  pressed.version)
        if isinstance(result, Refusal):
            return Refused(result, order_card(order, viewer, now, self.settings))
        return Done(result, order_card(result.order, viewer, now, self.settings))

    async def _too_late(self, viewer: Viewer, pressed: ButtonData, seen: tuple[str, str] | None,
                        now: datetime) -> Refused | None:
        async with self.uow(read_only=seen is None) as uow:
            if seen is not None and not await uow.conversations.first_sight(*seen):
                return None
            current = await uow.order(pressed.order_id)
            if seen is not None:
                await uow.commit()
        card = (order_card(current, viewer, now, self.settings)
                if current is not None and current.role_of(viewer) is not None else None)
        return Refused(moved_on(current, viewer, now, self.settings), card)
