"""What the engine says happened: events for the log, notices for people, and the results of an action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

from core.i18n import N_, Text, translate
from core.labels import ACTION
from core.ledger import Transaction
from core.model import Action, Order, Role, Stage
from core.vouchers import Voucher

if TYPE_CHECKING:  # core.refunds builds its notices from this module
    from core.refunds import Refund


@dataclass(frozen=True)
class Event:
    """One line of an order's append-only history."""

    order_id: str
    version: int  # the order's version after this event
    action: Action
    role: Role
    actor: str
    at: datetime
    before: Stage | None  # None when the order was just placed
    after: Stage
    data: tuple[tuple[str, object], ...] = ()

    def get(self, key: str, default: object = None) -> object:
        return dict(self.data).get(key, default)


@dataclass(frozen=True)
class Choice:
    """A button on a notice outside any order card: a label and the data the platform hands back."""

    label: Text
    data: str  # "<subject>:<verb>:<id>", at most 64 bytes (Telegram's callback data limit)


@dataclass(frozen=True)
class Quote:
    """Words one person wrote for another (a brief, a delivery's message, a reason), carried whole with the
    notice that announces them: adapters split or attach a long one, never cut it."""

    label: Text  # what it is, as the reader knows it: "The brief", "Their reason"
    text: str


@dataclass(frozen=True)
class Notice:
    """Something a party must be told, in words written for them. Rendered per recipient, with their buttons."""

    order_id: str | None  # None before any order exists (a discussion, a payment to confirm)
    to: Role  # BUYER, SELLER or MODERATOR (all moderators, or the assigned one)
    text: Text
    key: str  # stable part of the outbox dedupe key
    with_card: bool = True  # chat messages travel alone; everything else shows the order's card
    files: tuple[str, ...] = ()  # what came with it: a delivery's files, a chat message's attachments
    account: str | None = None  # the one person to tell, when there is no order to find them through
    buttons: tuple[Choice, ...] = ()
    quotes: tuple[Quote, ...] = ()  # the content the notice announces, whole


@dataclass(frozen=True)
class Outcome:
    """A successful action: the new order and everything it caused, all of it decided, so that saving it is only
    writing it down."""

    order: Order
    events: tuple[Event, ...]
    moves: tuple[Transaction, ...]
    notices: tuple[Notice, ...]
    vouchers: tuple[Voucher, ...] = ()  # issued: for an expired order, for a voucher part refunded
    refunds: tuple[Refund, ...] = ()  # whole payments the provider gives back (core.refunds)
    by_hand: tuple[Notice, ...] = ()  # money the provider cannot give back: moderators are asked to

    @property
    def told(self) -> tuple[Notice, ...]:
        """Every notice to queue: the parties' and the moderators' asked to refund by hand."""
        return self.notices + self.by_hand


class Refused(str, Enum):
    STRANGER = "stranger"  # not your order
    ROLE = "role"  # your order, but not your move
    STAGE = "stage"  # not possible at this stage (often a stale button)
    CONDITION = "condition"  # the stage is right but a condition is not met
    INPUT = "input"  # what was typed or attached is not acceptable
    VERSION = "version"  # the order moved since this button was drawn
    UNKNOWN = "unknown"  # no such action or order (a forged button)
    SUSPENDED = "suspended"
    OFFER = "offer"


@dataclass(frozen=True)
class Refusal:
    """An action that changed nothing, saying why in words and what is possible now."""

    code: Refused
    reason: Text
    allowed: tuple[Action, ...] = ()
    order: Order | None = None

    def render(self, lang: str) -> str:
        """The reason, then what this person can do instead."""
        text = self.reason.render(lang)
        choices = [translate(ACTION[a], lang) for a in self.allowed]
        if choices:
            text += " " + translate(N_("Possible now: {choices}."), lang).format(choices=", ".join(choices))
        return text
