"""A chat message written to the desk, decided in one call: which order it is about (the one replied to, the only
one, or the person picks), relayed to its other parties, or refused with the reason, the time the chat reopens and
the buttons that reopen it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from core import labels
from core.buttons import ButtonData
from core.card import Card, order_card
from core.chat import ChatMessage, chat_recipients, check_message, mask_contacts, may_send
from core.events import Notice, Refusal
from core.events import Refused as Why
from core.i18n import N_, Text
from core.model import Order, Role, Viewer
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.settings import Settings

NO_ORDER = N_("This order does not exist.")


@dataclass(frozen=True)
class Relayed:
    """Sent: kept as evidence (masked when it hid contact details) and queued to the order's other parties."""

    message: ChatMessage


@dataclass(frozen=True)
class Blocked:
    """Not sent: why, until when the chat stays closed (None: no date reopens it), the buttons that reopen it
    (on the order as it stands), and that order's card when a button reopens it."""

    order_id: str
    refusal: Refusal
    until: datetime | None = None
    reopen: tuple[ButtonData, ...] = ()
    card: Card | None = None


@dataclass(frozen=True)
class Pick:
    """Several orders it could be about: the person picks one (the message waits), then it is routed to it."""

    orders: tuple[Order, ...]
    names: dict[str, str]  # the parties' display names, to tell the orders apart


@dataclass(frozen=True)
class Unsendable:
    """Nothing to send it to: no order to write about, or (checked first) a message no order could take."""

    reason: Text


Route = Relayed | Blocked | Pick | Unsendable

NOTHING_TO_WRITE_ABOUT = N_("You have no order to write about. Your orders: /orders")


def masked(text: str, settings: Settings) -> tuple[str, bool]:
    """The text as it is kept and relayed, and whether contact details were hidden in it."""
    return mask_contacts(text) if settings.mask_contacts else (text, False)


def chattable(orders: list[Order], viewer: Viewer, now: datetime, settings: Settings) -> list[Order]:
    """Orders a message could be about: chat open now, or closed only for a while (the delivery window), in which
    case sending explains why and how to reopen it."""
    return [o for o in orders if may_send(o, viewer, now, settings).allowed
            or (o.stage.is_open and o.role_of(viewer) is not None)]


async def relay(uow: UnitOfWork, order: Order, viewer: Viewer, text: str, platform: str, files: tuple[str, ...],
                source: str | None, now: datetime, settings: Settings) -> ChatMessage | Refusal:
    """A chat message to the order's other parties, kept and queued in `uow` (to commit), if the chat policy lets
    this person write now. One that hid contact details is flagged to the moderators at once."""
    decision = may_send(order, viewer, now, settings)
    if not decision.allowed:
        assert decision.reason is not None  # a refusal always says why
        return Refusal(Why.STAGE, decision.reason, decision.unblock, order)
    role = order.role_of(viewer)
    assert role is not None  # may_send lets only the order's parties write
    kept, flagged = masked(text, settings)
    message = ChatMessage(order.id, viewer.account, role, platform, kept, tuple(files), flagged, now,
                          original=text if kept != text else None, source=source)
    message_id = await uow.add_message(message)
    said = Text.of(N_("Message from the {role} on order #{order}: {text}"),
                   role=Text.of(labels.ROLE[role]), order=order.id, text=kept)
    key = f"{order.id}:chat:{message_id}"
    for to in chat_recipients(order, role):
        await uow.notify(Notice(order.id, to, said, f"{key}:{to.value}", with_card=False, files=tuple(files)))
    if flagged:
        await uow.notify(flagged_notice(order.id, role, kept, message_id, edited=False))
    return replace(message, id=message_id)


def flagged_notice(order_id: str, role: Role, kept: str, message_id: int, edited: bool) -> Notice:
    """The moderators hear of every message that hid contact details (the key is no chat key: never relayed)."""
    text = (N_("⚑ The {role} of order #{order} edited a message to hide contact details in it (masked): {text}")
            if edited else N_("⚑ The {role} of order #{order} wrote contact details (masked): {text}"))
    return Notice(order_id, Role.MODERATOR, Text.of(text, role=Text.of(labels.ROLE[role]), order=order_id,
                                                    text=kept), f"{order_id}:flag:{message_id}", with_card=False)


@dataclass
class Routes:
    uow: UnitOfWorkFactory
    clock: Clock
    settings: Settings

    async def __call__(self, viewer: Viewer, text: str, platform: str, files: tuple[str, ...] = (),
                       source: str | None = None, *, order_id: str | None = None,
                       reply_to: tuple[str, str] | None = None, topic: tuple[str, str] | None = None,
                       check_first: bool = False) -> Route:
        """Where this person's message goes. `order_id`: the order it is about, already known (a room's, a pick);
        else the order of the message it replies to (`reply_to`: the chat and message the platform names), else
        the order whose topic it was written in (`topic`: the chat and the topic), else their only order they can
        write about, else they pick. `check_first`: a message no order could take is
        refused before asking which order. Read, decided and written in one transaction."""
        now = self.clock.now()
        problem = check_message(text, tuple(files), self.settings)
        if problem is not None and check_first:
            return Unsendable(problem)
        async with self.uow() as uow:
            if order_id is None and reply_to is not None:
                order_id = await uow.conversations.order_of_message(platform, *reply_to)
            if order_id is None and topic is not None:
                order_id = await uow.conversations.order_of_topic(platform, *topic)
            if order_id is None:
                candidates = chattable(await uow.orders_of(viewer.account, limit=50)
                                       + await uow.disputes_taken_by(viewer.account), viewer, now, self.settings)
                if not candidates:
                    return Unsendable(Text.of(NOTHING_TO_WRITE_ABOUT))
                if len(candidates) > 1:
                    names = await uow.names({party for o in candidates for party in (o.buyer, o.seller)})
                    return Pick(tuple(candidates), names)
                order_id = candidates[0].id
            if problem is not None:
                return Blocked(order_id, Refusal(Why.INPUT, problem))
            order = await uow.order(order_id)
            if order is None:
                return Blocked(order_id, Refusal(Why.UNKNOWN, Text.of(NO_ORDER)))
            said = await relay(uow, order, viewer, text, platform, tuple(files), source, now, self.settings)
            if isinstance(said, Refusal):
                return self._blocked(said, order, viewer, now)
            await uow.commit()
            return Relayed(said)

    def _blocked(self, refusal: Refusal, order: Order, viewer: Viewer, now: datetime) -> Blocked:
        decision = may_send(order, viewer, now, self.settings)
        reopen = tuple(ButtonData(order.id, action, order.version) for action in refusal.allowed)
        card = order_card(order, viewer, now, self.settings) if reopen and order.role_of(viewer) is not None else None
        return Blocked(order.id, refusal, decision.until, reopen, card)
