"""The order and its vocabulary: stages, actions, roles, deadlines, and the immutable Order value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum


class Stage(str, Enum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    REVISION_REQUESTED = "revision_requested"
    REVISION_REFUSED = "revision_refused"
    DISPUTED = "disputed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL

    @property
    def is_open(self) -> bool:
        return self not in TERMINAL


TERMINAL = frozenset({Stage.COMPLETED, Stage.CANCELLED, Stage.EXPIRED})
OPEN = frozenset(Stage) - TERMINAL


class Role(str, Enum):
    BUYER = "buyer"
    SELLER = "seller"
    MODERATOR = "moderator"
    SYSTEM = "system"


class Flag(str, Enum):
    LATE = "late"
    CANCELLATION_REQUESTED = "cancellation_requested"


class Deadline(str, Enum):
    """A timer that makes the system act when it passes."""

    ACCEPTANCE = "acceptance"
    DELIVERY = "delivery"
    CANCELLATION_ANSWER = "cancellation_answer"
    REVIEW_WINDOW = "review_window"
    REVISION_ANSWER = "revision_answer"
    REVISION_REFUSED_CHOICE = "revision_refused_choice"
    EXTENSION_ANSWER = "extension_answer"
    EXPIRY = "expiry"


class Action(str, Enum):
    # buyer
    EDIT_BRIEF = "edit_brief"
    CANCEL = "cancel"
    REQUEST_CANCELLATION = "request_cancellation"
    WITHDRAW_CANCELLATION = "withdraw_cancellation"
    CANCEL_LATE = "cancel_late"
    PROPOSE_PARTIAL_REFUND = "propose_partial_refund"
    WITHDRAW_PARTIAL_REFUND = "withdraw_partial_refund"
    COMPLETE = "complete"
    REQUEST_REVISION = "request_revision"
    REPORT_DELIVERY = "report_delivery"
    REVIEW = "review"
    ACCEPT_EXTENSION = "accept_extension"
    DECLINE_EXTENSION = "decline_extension"
    # seller
    ACCEPT = "accept"
    DECLINE = "decline"
    ACCEPT_CANCELLATION = "accept_cancellation"
    REFUSE_CANCELLATION = "refuse_cancellation"
    ACCEPT_PARTIAL_REFUND = "accept_partial_refund"
    DECLINE_PARTIAL_REFUND = "decline_partial_refund"
    DELIVER = "deliver"
    ACCEPT_REVISION = "accept_revision"
    REFUSE_REVISION = "refuse_revision"
    REPLY_REVIEW = "reply_review"
    REQUEST_EXTENSION = "request_extension"
    # buyer or seller
    OPEN_DISPUTE = "open_dispute"
    # moderator
    TAKE_DISPUTE = "take_dispute"
    REFUND_ALL = "refund_all"
    PAY_SELLER = "pay_seller"
    SPLIT = "split"
    RESUME = "resume"
    FREEZE = "freeze"
    UNFREEZE = "unfreeze"
    # system (deadlines)
    ACCEPTANCE_TIMEOUT = "acceptance_timeout"
    DELIVERY_OVERDUE = "delivery_overdue"
    CANCELLATION_ANSWER_OVERDUE = "cancellation_answer_overdue"
    REVIEW_WINDOW_CLOSE = "review_window_close"
    REVISION_ANSWER_OVERDUE = "revision_answer_overdue"
    REVISION_CHOICE_TIMEOUT = "revision_choice_timeout"
    EXTENSION_ANSWER_OVERDUE = "extension_answer_overdue"
    EXPIRE = "expire"
    # not an action on an order but its creation; listed so events and docs can name it
    PLACE_ORDER = "place_order"


class Resolution(str, Enum):
    """How an order's escrow was settled; set exactly once, when the order closes."""

    RELEASED = "released"
    REFUNDED = "refunded"
    SPLIT = "split"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Review:
    positive: bool
    comment: str
    at: datetime
    reply: str | None = None
    reply_at: datetime | None = None


@dataclass(frozen=True)
class Delivery:
    message: str
    files: tuple[str, ...]
    at: datetime
    on_time: bool


@dataclass(frozen=True)
class Proposal:
    """A buyer's partial-refund proposal waiting for the seller."""

    amount: int
    reason: str
    at: datetime


@dataclass(frozen=True)
class Extension:
    """A seller's request for more delivery time, waiting for the buyer's answer."""

    days: int
    reason: str
    at: datetime


@dataclass(frozen=True)
class Dispute:
    opened_by: Role
    reason: str
    at: datetime
    #: the stage the order was in; a moderator's freeze returns there on unfreeze
    previous: Stage
    frozen: bool = False
    moderator: str | None = None
    #: time left on each running deadline when the order was frozen
    remaining: tuple[tuple[Deadline, timedelta], ...] = ()


@dataclass(frozen=True)
class Order:
    """An order as the engine sees it. Immutable: every change makes a new version."""

    id: str
    buyer: str
    seller: str
    offer_id: str
    title: str
    price: int  # minor units: the offer plus chosen options
    tip: int
    currency: str
    delivery_days: int  # the offer's delivery time plus the options' extra days
    revision_days: int
    revisions_allowed: int | None  # None: unlimited
    paid_at: datetime
    stage: Stage = Stage.PENDING
    version: int = 1
    brief: str = ""
    brief_files: tuple[str, ...] = ()
    deadlines: tuple[tuple[Deadline, datetime], ...] = ()
    late: bool = False
    cancellation_reason: str | None = None
    cancellation_answer_overdue: bool = False
    refused_cancellations: int = 0
    revision_request: str | None = None
    revision_answer_overdue: bool = False
    revisions_used: int = 0
    deliveries: tuple[Delivery, ...] = ()
    proposal: Proposal | None = None
    extension: Extension | None = None  # the seller's request for more time, while it waits
    refunded: int = 0  # partial refunds already paid back to the buyer
    credit: int = 0  # the part of the total paid with vouchers (core.vouchers)
    dispute: Dispute | None = None
    accepted_at: datetime | None = None
    closed_at: datetime | None = None
    resolution: Resolution | None = None
    review: Review | None = None
    payment_ref: str = ""

    @property
    def total(self) -> int:
        """What the buyer paid: price plus tip."""
        return self.price + self.tip

    @property
    def held(self) -> int:
        """Funds in escrow right now."""
        return 0 if self.resolution else self.total - self.refunded

    @property
    def flags(self) -> frozenset[Flag]:
        flags = set()
        if self.late:
            flags.add(Flag.LATE)
        if self.cancellation_reason is not None:
            flags.add(Flag.CANCELLATION_REQUESTED)
        return frozenset(flags)

    @property
    def frozen(self) -> bool:
        """Held by a moderator's freeze: its clocks paused and what waited kept, for the unfreeze."""
        return self.stage is Stage.DISPUTED and self.dispute is not None and self.dispute.frozen

    def deadline(self, kind: Deadline) -> datetime | None:
        return dict(self.deadlines).get(kind)

    def role_of(self, viewer: Viewer) -> Role | None:
        """The part this viewer plays in this order, or None for a stranger."""
        if viewer.system:
            return Role.SYSTEM
        if viewer.account == self.buyer:
            return Role.BUYER
        if viewer.account == self.seller:
            return Role.SELLER
        if viewer.moderator:
            return Role.MODERATOR
        return None


@dataclass(frozen=True)
class Viewer:
    """Who is looking at or acting on an order. Moderators are never a party to their own orders."""

    account: str
    moderator: bool = False
    system: bool = False


SYSTEM = Viewer(account="system", system=True)


@dataclass(frozen=True)
class Option:
    id: str
    title: str
    price: int
    extra_days: int = 0


@dataclass(frozen=True)
class Offer:
    """A seller's published service."""

    id: str
    seller: str
    title: str
    description: str
    price: int
    currency: str
    delivery_days: int
    options: tuple[Option, ...] = ()
    revisions: int | None = None  # None: unlimited
    revision_days: int | None = None  # None: the delivery time
    contact_allowed: bool = True
    active: bool = True


@dataclass(frozen=True)
class Payload:
    """What a person typed or attached along with an action."""

    text: str = ""
    files: tuple[str, ...] = ()
    amount: int | None = None
    positive: bool | None = None
    days: int | None = None
