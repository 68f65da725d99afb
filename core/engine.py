"""The order engine: what a viewer may do now, and applying an action to get a new order plus events."""

from __future__ import annotations

import copy
from dataclasses import fields, replace
from datetime import datetime, timedelta

from core import labels, ledger
from core.deadlines import ACTION_DEADLINE, DEADLINES_BY_STAGE
from core.events import Event, Outcome, Refusal, Refused
from core.i18n import N_, Money, Text
from core.model import (
    TERMINAL,
    Action,
    Deadline,
    Delivery,
    Dispute,
    Extension,
    Offer,
    Option,
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
from core.table import TABLE, Needs, Row
from core.vouchers import Voucher, split_refund

MAX_FILES = 20
MAX_DAYS = 365


def days_limit(action: Action, settings: Settings) -> int:
    """The most days an action may give: an extension asks for at most the rules' limit; a moderator's resume sets
    a new delivery time of up to MAX_DAYS."""
    return settings.max_extension_days if action is Action.REQUEST_EXTENSION else MAX_DAYS


def allowed_actions(order: Order, viewer: Viewer, now: datetime, settings: Settings) -> tuple[Action, ...]:
    """The actions this viewer can take on this order now, in table order; adapters show exactly these."""
    role = order.role_of(viewer)
    if role is None:
        return ()
    seen: list[Action] = []
    for row in TABLE:
        if row.action not in seen and row.matches(order, role) and row.admits(order, now, settings):
            seen.append(row.action)
    return tuple(seen)


def due_actions(order: Order, now: datetime, settings: Settings) -> tuple[Action, ...]:
    """System actions whose deadline has passed."""
    return allowed_actions(order, _system, now, settings)


_system = Viewer(account="system", system=True)


def apply(
    order: Order,
    action: Action,
    viewer: Viewer,
    now: datetime,
    settings: Settings,
    payload: Payload = Payload(),
    version: int | None = None,
) -> Outcome | Refusal:
    """Applies one action. Never raises for bad input: a Refusal says why and what is possible now."""
    role = order.role_of(viewer)

    def refuse(code: Refused, reason: Text) -> Refusal:
        return Refusal(code, reason, allowed_actions(order, viewer, now, settings), order)

    if role is None:
        return refuse(Refused.STRANGER, Text.of(N_("This order is not yours.")))
    if version is not None and version != order.version:
        return refuse(Refused.VERSION, Text.of(N_("This was already done or the order has moved on; here is where it stands now.")))
    rows = [row for row in TABLE if row.action == action]
    if not rows:
        return refuse(Refused.UNKNOWN, Text.of(N_("This action does not exist.")))
    if not any(role in row.by for row in rows):
        roles = {r for row in rows for r in row.by}
        name = labels.PARTIES if len(roles) > 1 else labels.ROLE[roles.pop()]
        return refuse(Refused.ROLE, Text.of(N_("Only the {role} can do this: {action}."),
                                            role=Text.of(name), action=Text.of(labels.ACTION[action])))
    matching = [row for row in rows if row.matches(order, role)]
    if not matching:
        return refuse(
            Refused.STAGE,
            Text.of(
                N_("“{action}” is not possible now: the order is {stage}."),
                action=Text.of(labels.ACTION[action]),
                stage=Text.of(labels.STAGE[order.stage]),
            ),
        )
    row = next((row for row in matching if row.admits(order, now, settings)), None)
    if row is None:
        return refuse(Refused.CONDITION, Text.of(matching[0].guard.refusal))
    problem = _check(row, payload, order, settings)
    if problem is not None:
        return refuse(Refused.INPUT, problem)
    step = Step(order, row, viewer, role, now, settings, payload)
    return step.run()


def _check(row: Row, payload: Payload, order: Order, settings: Settings) -> Text | None:
    """Validates what came with an action; returns the message to show, or None if fine."""
    needs = row.needs
    text = payload.text.strip()
    if len(payload.text) > settings.max_text:
        return Text.of(N_("This text is too long ({length} characters; the limit is {limit})."),
                       length=len(payload.text), limit=settings.max_text)
    if len(payload.files) > MAX_FILES:
        return Text.of(N_("Too many files (the limit is {limit})."), limit=MAX_FILES)
    if needs in (Needs.REASON, Needs.TEXT, Needs.AMOUNT, Needs.DAYS) and not text:
        return Text.of(N_("Please say why (a short text is enough)."))
    if needs is Needs.BRIEF and not (text or payload.files):
        return Text.of(N_("The brief is empty: write what you need or attach files."))
    if needs is Needs.DELIVERY and not (text or payload.files):
        return Text.of(N_("An empty delivery is refused: add a message or files."))
    if needs is Needs.AMOUNT:
        amount = payload.amount
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount < order.held:
            return Text.of(N_("The amount must be more than 0 and less than the funds held ({held})."),
                           held=Money(order.held, order.currency))
    if needs is Needs.DAYS:
        days = payload.days
        limit = days_limit(row.action, settings)
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= limit:
            if row.action is Action.REQUEST_EXTENSION:
                return Text.of(N_("You can ask for 1 to {limit} more days."), limit=limit)
            return Text.of(N_("The new delivery time must be between 1 and {limit} days."), limit=limit)
    if needs is Needs.REVIEW and payload.positive is None:
        return Text.of(N_("Say whether your review is positive or negative."))
    return None


class Step:
    """One action being applied: effects change a working copy and record money and notices."""

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

    # state
    def set(self, **changes: object) -> None:
        # what dataclasses.replace does (Order has no __post_init__), without rebuilding all its 30 fields through
        # __init__ each time: a step sets the order 3-5 times, and this was a tenth of a transition's time
        unknown = changes.keys() - _ORDER_FIELDS
        if unknown:
            raise TypeError(f"Order has no field {', '.join(sorted(unknown))}")
        order = copy.copy(self.order)
        for name, value in changes.items():
            object.__setattr__(order, name, value)
        self.order = order

    def start(self, kind: Deadline, due: datetime | None = None) -> None:
        due = due if due is not None else self.now + self.settings.duration(kind)
        self.set(deadlines=tuple(sorted({**dict(self.order.deadlines), kind: due}.items())))
        self.data[f"{kind.value}_due"] = due.isoformat()

    def stop(self, kind: Deadline) -> None:
        self.set(deadlines=tuple((k, d) for k, d in self.order.deadlines if k != kind))

    def start_delivery(self, days: int) -> None:
        self.set(late=False)
        self.start(Deadline.DELIVERY, self.now + days * self.settings.day)

    # money
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

    def refund_all(self) -> None:
        self._move("refund", *self._refund(self.order.held))
        self.set(resolution=Resolution.REFUNDED)

    def release(self, amount: int | None = None, kind: str = "release") -> None:
        amount = self.order.held if amount is None else amount
        fee = self.settings.commission(amount)
        self._move(kind, (ledger.seller(self.order.seller), amount - fee), (ledger.COMMISSION, fee))
        self.set(resolution=Resolution.RELEASED)

    def split(self) -> None:
        to_buyer = self.payload.amount
        to_seller = self.order.held - to_buyer
        fee = self.settings.commission(to_seller)
        self._move("split", *self._refund(to_buyer),
                   (ledger.seller(self.order.seller), to_seller - fee), (ledger.COMMISSION, fee))
        self.set(resolution=Resolution.SPLIT, refunded=self.order.refunded + to_buyer)
        self.data["to_buyer"] = to_buyer

    def partial_refund(self) -> None:
        amount = self.order.proposal.amount
        self._move("partial_refund", *self._refund(amount))
        self.set(refunded=self.order.refunded + amount, proposal=None)
        self.data["amount"] = amount

    def expire(self) -> None:
        held = self.order.held
        self._move("expiry", (ledger.EXPIRED, held))
        self.set(resolution=Resolution.EXPIRED)
        self.data["voucher"] = self.settings.expiry_voucher
        if self.settings.expiry_voucher and held:
            self._voucher(held)

    # work
    def deliver(self) -> None:
        due = self.order.deadline(Deadline.DELIVERY)
        on_time = not self.order.late and (due is None or self.now <= due)
        delivery = Delivery(self.payload.text.strip(), self.payload.files, self.now, on_time)
        self.set(deliveries=self.order.deliveries + (delivery,), revision_request=None)
        self.start(Deadline.REVIEW_WINDOW)
        self.data["on_time"] = on_time

    def request_extension(self) -> None:
        self.set(extension=Extension(self.payload.days, self.payload.text.strip(), self.now))
        self.start(Deadline.EXTENSION_ANSWER)

    def extend(self) -> None:
        """The delivery deadline moves by the days asked: from where it was, or from now if it already passed (a
        late order); the late flag clears."""
        days = self.order.extension.days
        due = self.order.deadline(Deadline.DELIVERY)
        base = due if due is not None and due > self.now else self.now
        self.set(extension=None, late=False)
        self.stop(Deadline.EXTENSION_ANSWER)
        self.start(Deadline.DELIVERY, base + days * self.settings.day)
        self.data["days"] = days

    def propose(self) -> None:
        self.set(proposal=Proposal(self.payload.amount, self.payload.text.strip(), self.now))
        self.data["amount"] = self.payload.amount

    def record_review(self) -> None:
        if self.payload.positive is None:
            return
        self.set(review=Review(bool(self.payload.positive), self.payload.text.strip(), self.now))
        self.data["positive"] = bool(self.payload.positive)

    def reply_review(self) -> None:
        self.set(review=replace(self.order.review, reply=self.payload.text.strip(), reply_at=self.now))

    # disputes
    def open_dispute(self, frozen: bool, reason: str | None = None) -> None:
        remaining = tuple((k, max(d - self.now, timedelta(0))) for k, d in self.order.deadlines)
        reason = self.payload.text.strip() if reason is None else reason
        self.set(dispute=Dispute(self.role, reason, self.now, self.order.stage, frozen, None, remaining))

    def take(self) -> None:
        self.set(dispute=replace(self.order.dispute, moderator=self.actor))

    def _restore(self, kinds: frozenset[Deadline]) -> None:
        for kind, left in self.order.dispute.remaining:
            if kind in kinds:
                self.start(kind, self.now + left)

    def unfreeze(self) -> None:
        previous = self.order.dispute.previous
        self._restore(DEADLINES_BY_STAGE[previous])
        self.set(stage=previous, dispute=None)

    def resume(self) -> None:
        self._restore(frozenset({Deadline.EXPIRY}))
        self.set(dispute=None, cancellation_reason=None, cancellation_answer_overdue=False, proposal=None,
                 extension=None)
        self.start_delivery(self.payload.days)

    # the whole step
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
        if self.payload.days is not None and self.row.needs is Needs.DAYS:
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


def may_order(offer: Offer, buyer: Viewer, seller_suspended: bool) -> Refusal | None:
    """May this person order this offer at all (whatever they choose)? None if yes."""
    if not offer.active:
        return Refusal(Refused.OFFER, Text.of(N_("This offer is paused or no longer exists.")))
    if seller_suspended:
        return Refusal(Refused.SUSPENDED, Text.of(N_("This seller cannot take orders at the moment.")))
    if buyer.account == offer.seller:
        return Refusal(Refused.ROLE, Text.of(N_("You cannot order your own offer.")))
    return None


def place_order(
    order_id: str,
    offer: Offer,
    buyer: Viewer,
    now: datetime,
    settings: Settings,
    *,
    paid: int,
    options: tuple[Option, ...] = (),
    tip: int = 0,
    brief: str = "",
    files: tuple[str, ...] = (),
    payment_ref: str = "",
    seller_suspended: bool = False,
    credit: int = 0,
) -> Outcome | Refusal:
    """Creates an order from a paid checkout: funds go to escrow and the acceptance deadline starts. `credit` is
    what the buyer's vouchers pay (from the platform's account, where the money of expired orders went)."""

    def refuse(code: Refused, msgid: str, **params: object) -> Refusal:
        return Refusal(code, Text.of(msgid, **params))

    price = offer.price + sum(o.price for o in options)
    refusal = may_order(offer, buyer, seller_suspended)
    if refusal is not None:
        return refusal
    if any(o not in offer.options for o in options) or len(set(options)) != len(options):
        return refuse(Refused.INPUT, N_("One of the chosen options is not part of this offer."))
    if price <= 0:  # a free order would hold nothing in escrow: there would be nothing to settle
        return refuse(Refused.OFFER, N_("This offer has no price, so it cannot be ordered."))
    if not isinstance(tip, int) or isinstance(tip, bool) or tip < 0 or tip > settings.tip_cap(price):
        return refuse(Refused.INPUT, N_("The tip can be at most {cap}."), cap=Money(settings.tip_cap(price), offer.currency))
    if len(brief) > settings.max_text:
        return refuse(Refused.INPUT, N_("This text is too long ({length} characters; the limit is {limit})."),
                      length=len(brief), limit=settings.max_text)
    if paid + credit != price + tip or paid < 0 or credit < 0:
        return refuse(Refused.CONDITION, N_("The payment has not been confirmed for the full amount."))
    order = Order(
        id=order_id,
        buyer=buyer.account,
        seller=offer.seller,
        offer_id=offer.id,
        title=offer.title,
        price=price,
        tip=tip,
        currency=offer.currency,
        delivery_days=offer.delivery_days + sum(o.extra_days for o in options),
        revision_days=offer.revision_days or offer.delivery_days,
        revisions_allowed=offer.revisions,
        paid_at=now,
        brief=brief.strip(),
        brief_files=tuple(files),
        deadlines=(
            (Deadline.ACCEPTANCE, now + settings.acceptance),
            (Deadline.EXPIRY, now + settings.expiry),
        ),
        payment_ref=payment_ref,
        credit=credit,
    )
    sources = ((ledger.WORLD, -paid), (ledger.EXPIRED, -credit))
    payment = ledger.Transaction(
        f"{order_id}:1:payment", order_id, "payment",
        (*((account, amount) for account, amount in sources if amount), (ledger.escrow(order_id), order.total)), now,
    )
    data = (("options", [o.id for o in options]), ("price", price), ("seller", offer.seller), ("tip", tip))
    event = Event(order_id, 1, Action.PLACE_ORDER, Role.BUYER, buyer.account, now, None, Stage.PENDING,
                  ((("credit", credit),) if credit else ()) + data)
    notices = notices_of(Action.PLACE_ORDER, Role.BUYER, order, order, Payload(), (payment,), settings)
    return Outcome(order, (event,), (payment,), notices)
