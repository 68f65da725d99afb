"""One action being applied: the effects the transition table names, as methods whose docstrings are the table's."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from core import ledger
from core.deadlines import ACTION_DEADLINE, DEADLINES_BY_STAGE
from core.events import Event, Outcome
from core.model import (
    TERMINAL,
    Deadline,
    Delivery,
    Dispute,
    Extension,
    Order,
    Payload,
    Proposal,
    Resolution,
    Review,
    Role,
    Stage,
    Viewer,
)
from core.notices import notices_of
from core.refunds import owed
from core.settings import Settings
from core.vouchers import Voucher, split_refund

if TYPE_CHECKING:  # the table names this module's effects
    from core.table import Row


class Step:
    """One action being applied: effects change a working copy and record money and notices.

    An effect is a method taking nothing but the step; its docstring is its line in the rendered table
    (docs/engine.md), so it says what a person sees happen, not how."""

    def __init__(self, order: Order, row: Row, viewer: Viewer, role: Role, now: datetime, settings: Settings,
                 payload: Payload) -> None:
        self.before = order
        self.order = order
        self.row = row
        self.actor = viewer.account
        self.role = role
        self.now = now
        self.settings = settings
        self.payload = payload
        self.moves: list[ledger.Transaction] = []
        self.vouchers: list[Voucher] = []
        self.data: dict[str, object] = {}

    # --- the means of the effects ---------------------------------------------------------------

    def set(self, **changes: object) -> None:
        # what dataclasses.replace does (Order has no __post_init__), without rebuilding all its 30 fields through
        # __init__ each time (a step sets the order 3-5 times, and this was a tenth of a transition's time), nor
        # going through copy.copy's pickling protocol: a new instance given the old one's fields, then the changes
        unknown = changes.keys() - _ORDER_FIELDS
        if unknown:
            raise TypeError(f"Order has no field {', '.join(sorted(unknown))}")
        order = object.__new__(Order)
        fields_of = order.__dict__
        fields_of.update(self.order.__dict__)
        fields_of.update(changes)
        self.order = order

    def start(self, kind: Deadline, due: datetime | None = None) -> None:
        due = due if due is not None else self.now + self.settings.duration(kind)
        self.set(deadlines=tuple(sorted({**dict(self.order.deadlines), kind: due}.items())))
        self.data[f"{kind.value}_due"] = due.isoformat()

    def stop(self, kind: Deadline) -> None:
        self.set(deadlines=tuple((k, d) for k, d in self.order.deadlines if k != kind))

    def _deliver_within(self, days: int) -> None:
        self.set(late=False)
        self.start(Deadline.DELIVERY, self.now + days * self.settings.day)

    def _move(self, kind: str, *legs: tuple[str, int]) -> None:
        tx_id = f"{self.order.id}:{self.before.version + 1}:{kind}"
        self.moves.append(ledger.transfer(tx_id, self.order.id, kind, self.now, ledger.escrow(self.order.id), *legs))

    def _refund(self, amount: int) -> tuple[tuple[str, int], ...]:
        """The legs of a refund to the buyer: their money back to them, a voucher part back on a voucher."""
        money, voucher = split_refund(self.order, amount)
        if voucher:
            self._voucher(voucher)
        return (ledger.buyer(self.order.buyer), money), (ledger.EXPIRED, voucher)

    def _voucher(self, amount: int) -> None:
        order = self.order
        self.vouchers.append(Voucher(f"{order.id}-{self.before.version + 1}", order.buyer, order.currency, amount,
                                     amount, order.id, self.now, self.now + self.settings.voucher_validity))

    def _dispute(self, frozen: bool, reason: str | None = None) -> None:
        remaining = tuple((k, max(d - self.now, timedelta(0))) for k, d in self.order.deadlines)
        reason = self.payload.text.strip() if reason is None else reason
        self.set(dispute=Dispute(self.role, reason, self.now, self.order.stage, frozen, None, remaining))

    def _restore(self, kinds: frozenset[Deadline]) -> None:
        assert self.order.dispute is not None  # restored from the dispute that paused them
        for kind, left in self.order.dispute.remaining:
            if kind in kinds:
                self.start(kind, self.now + left)

    # --- effects: money ---------------------------------------------------------------------------

    def refund_all(self) -> None:
        """full refund (tip included)"""
        self._move("refund", *self._refund(self.order.held))
        self.set(resolution=Resolution.REFUNDED)

    def release(self) -> None:
        """escrow released to the seller"""
        amount = self.order.held
        fee = self.settings.commission(amount)
        self._move("release", (ledger.seller(self.order.seller), amount - fee), (ledger.COMMISSION, fee))
        self.set(resolution=Resolution.RELEASED)

    def split(self) -> None:
        """amount refunded to the buyer, the rest released to the seller"""
        to_buyer = self.payload.amount
        assert to_buyer is not None  # an amount is this row's input (checked before the step)
        to_seller = self.order.held - to_buyer
        fee = self.settings.commission(to_seller)
        self._move("split", *self._refund(to_buyer),
                   (ledger.seller(self.order.seller), to_seller - fee), (ledger.COMMISSION, fee))
        self.set(resolution=Resolution.SPLIT, refunded=self.order.refunded + to_buyer)
        self.data["to_buyer"] = to_buyer

    def propose(self) -> None:
        """proposal waits for the seller"""
        assert self.payload.amount is not None  # an amount is this row's input (checked before the step)
        self.set(proposal=Proposal(self.payload.amount, self.payload.text.strip(), self.now))
        self.data["amount"] = self.payload.amount

    def withdraw_proposal(self) -> None:
        """proposal withdrawn"""
        self.set(proposal=None)

    def refund_proposal(self) -> None:
        """proposed amount refunded at once; the order goes on"""
        assert self.order.proposal is not None  # guarded: a proposal is waiting
        amount = self.order.proposal.amount
        self._move("partial_refund", *self._refund(amount))
        self.set(refunded=self.order.refunded + amount, proposal=None)
        self.data["amount"] = amount

    def pay_platform(self) -> None:
        """funds to the platform account; the buyer is offered a voucher [config]"""
        held = self.order.held
        self._move("expiry", (ledger.EXPIRED, held))
        self.set(resolution=Resolution.EXPIRED)
        self.data["voucher"] = self.settings.expiry_voucher
        if self.settings.expiry_voucher and held:
            self._voucher(held)

    # --- effects: accepting and the brief -----------------------------------------------------------

    def accept(self) -> None:
        """accepted"""
        self.set(accepted_at=self.now)

    def set_brief(self) -> None:
        """brief and files updated"""
        text = self.payload.text.strip() or self.order.brief
        self.set(brief=text, brief_files=self.order.brief_files + self.payload.files)

    def start_delivery(self) -> None:
        """delivery deadline starts"""
        self._deliver_within(self.order.delivery_days)

    def start_revision_delivery(self) -> None:
        """new delivery deadline (the offer's revision time)"""
        self._deliver_within(self.order.revision_days)

    # --- effects: cancellation requests -------------------------------------------------------------

    def request_cancellation(self) -> None:
        """seller's answer deadline starts"""
        self.set(cancellation_reason=self.payload.text.strip(), cancellation_answer_overdue=False)
        self.start(Deadline.CANCELLATION_ANSWER)

    def close_request(self) -> None:
        """the request is closed"""
        self.set(cancellation_reason=None, cancellation_answer_overdue=False)
        self.stop(Deadline.CANCELLATION_ANSWER)

    def count_refusal(self) -> None:
        """refusal counted"""
        self.set(refused_cancellations=self.order.refused_cancellations + 1)

    def cancellation_overdue(self) -> None:
        """request stays; the buyer gains "open dispute\""""
        self.set(cancellation_answer_overdue=True)

    # --- effects: delivery time ---------------------------------------------------------------------

    def mark_late(self) -> None:
        """both told; the buyer gains "cancel (late)\""""
        self.set(late=True)

    def request_extension(self) -> None:
        """the buyer's answer deadline starts"""
        assert self.payload.days is not None  # days are this row's input (checked before the step)
        self.set(extension=Extension(self.payload.days, self.payload.text.strip(), self.now))
        self.start(Deadline.EXTENSION_ANSWER)

    def extend(self) -> None:
        """the request is closed; the delivery deadline moves by its days (from now if it passed); late cleared"""
        # from where the deadline was, or from now if it already passed (a late order)
        assert self.order.extension is not None  # guarded: an extension request is waiting
        days = self.order.extension.days
        due = self.order.deadline(Deadline.DELIVERY)
        base = due if due is not None and due > self.now else self.now
        self.set(extension=None, late=False)
        self.stop(Deadline.EXTENSION_ANSWER)
        self.start(Deadline.DELIVERY, base + days * self.settings.day)
        self.data["days"] = days

    def close_extension(self) -> None:
        """the request is closed; the delivery deadline stays"""
        self.set(extension=None)
        self.stop(Deadline.EXTENSION_ANSWER)

    def lapse_extension(self) -> None:
        """the request lapses (declined); both told"""
        self.set(extension=None)

    # --- effects: delivery, revisions and reviews ---------------------------------------------------

    def deliver(self) -> None:
        """review window starts; buyer–seller chat blocked"""
        due = self.order.deadline(Deadline.DELIVERY)
        on_time = not self.order.late and (due is None or self.now <= due)
        delivery = Delivery(self.payload.text.strip(), self.payload.files, self.now, on_time)
        self.set(deliveries=self.order.deliveries + (delivery,), revision_request=None)
        self.start(Deadline.REVIEW_WINDOW)
        self.data["on_time"] = on_time

    def request_revision(self) -> None:
        """chat reopens; seller's answer deadline starts"""
        self.set(revision_request=self.payload.text.strip(), revisions_used=self.order.revisions_used + 1)
        self.start(Deadline.REVISION_ANSWER)

    def refuse_revision(self) -> None:
        """buyer's 7-day choice starts"""
        self.start(Deadline.REVISION_REFUSED_CHOICE)

    def revision_overdue(self) -> None:
        """the buyer gains "open dispute"; both reminded"""
        self.set(revision_answer_overdue=True)

    def review(self) -> None:
        """review recorded (optional with complete)"""
        if self.payload.positive is None:
            return
        self.set(review=Review(bool(self.payload.positive), self.payload.text.strip(), self.now))
        self.data["positive"] = bool(self.payload.positive)

    def reply_review(self) -> None:
        """seller's one reply recorded"""
        assert self.order.review is not None  # guarded: there is a review to reply to
        self.set(review=replace(self.order.review, reply=self.payload.text.strip(), reply_at=self.now))

    # --- effects: disputes --------------------------------------------------------------------------

    def open_dispute(self) -> None:
        """timers frozen; moderators alerted; evidence bundle built"""
        self._dispute(frozen=False)

    def escalate(self) -> None:
        """timers frozen; moderators alerted; evidence bundle built"""
        self._dispute(frozen=False, reason=self.order.cancellation_reason)

    def freeze(self) -> None:
        """timers frozen"""
        self._dispute(frozen=True)

    def take(self) -> None:
        """the moderator joins the order's chat"""
        assert self.order.dispute is not None  # only a disputed order's dispute is taken
        self.set(dispute=replace(self.order.dispute, moderator=self.actor))

    def unfreeze(self) -> None:
        """previous stage and its timers restored"""
        assert self.order.dispute is not None  # only a disputed order is unfrozen
        previous = self.order.dispute.previous
        self._restore(DEADLINES_BY_STAGE[previous])
        self.set(stage=previous, dispute=None)

    def resume(self) -> None:
        """back to work with a new delivery deadline"""
        self._restore(frozenset({Deadline.EXPIRY}))
        self.set(dispute=None, cancellation_reason=None, cancellation_answer_overdue=False, proposal=None,
                 extension=None)
        assert self.payload.days is not None  # days are this row's input (checked before the step)
        self._deliver_within(self.payload.days)

    def decided(self) -> None:
        """decision is final and logged"""
        # the event every step logs is the record; this line of the table says so

    # --- the whole step -----------------------------------------------------------------------------

    def run(self) -> Outcome:
        consumed = ACTION_DEADLINE.get(self.row.action)
        if consumed is not None:
            self.stop(consumed)
        for effect in self.row.effects:
            effect(self)
        stage = self.row.to if self.row.to is not None else self.order.stage
        self.set(stage=stage, version=self.before.version + 1)
        self._tidy()
        if self.payload.text.strip():
            self.data["text"] = self.payload.text.strip()
        if self.payload.files:
            self.data["files"] = list(self.payload.files)
        if self.payload.days is not None and self.row.takes_days:
            self.data["days"] = self.payload.days
        event = Event(self.order.id, self.order.version, self.row.action, self.role, self.actor, self.now,
                      self.before.stage, self.order.stage, tuple(sorted(self.data.items())))
        notices = notices_of(self.row.action, self.role, self.before, self.order, self.payload, tuple(self.moves),
                             self.settings, tuple(self.vouchers))
        moves = tuple(self.moves)
        # money the provider must give back is decided with the transition, and saved with it
        refunds, by_hand = owed(self.order, moves)
        return Outcome(self.order, (event,), moves, notices, tuple(self.vouchers), refunds, by_hand)

    def _tidy(self) -> None:
        """Drops what cannot outlive the stage the order is now in."""
        order = self.order
        keep = DEADLINES_BY_STAGE[order.stage]
        changes: dict[str, object] = {"deadlines": tuple((k, d) for k, d in order.deadlines if k in keep)}
        frozen = order.frozen
        if order.stage is not Stage.IN_PROGRESS and not frozen:
            changes.update(late=False, cancellation_reason=None, cancellation_answer_overdue=False, proposal=None,
                           extension=None)
        if order.stage is not Stage.REVISION_REQUESTED and not frozen:
            changes.update(revision_answer_overdue=False)
        if order.stage in TERMINAL and order.closed_at is None:
            changes.update(closed_at=self.now)
        self.set(**changes)


_ORDER_FIELDS = frozenset(f.name for f in fields(Order))
