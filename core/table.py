"""The transition table: every row of the spec as data. The engine, the buttons and the docs all read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from core.deadlines import passed
from core.i18n import N_
from core.model import OPEN, Action, Deadline, Flag, Order, Role, Stage
from core.settings import Settings
from core.step import Step


class Needs(str, Enum):
    """What a person must provide with an action; adapters open a dialog or modal for it."""

    NOTHING = "nothing"
    OPTIONAL_REASON = "optional_reason"
    REASON = "reason"
    TEXT = "text"
    BRIEF = "brief"
    DELIVERY = "delivery"
    AMOUNT = "amount"
    DAYS = "days"
    REVIEW = "review"
    OPTIONAL_REVIEW = "optional_review"


@dataclass(frozen=True)
class Guard:
    name: str  # shown in the docs
    test: Callable[[Order, datetime, Settings], bool]
    refusal: str  # msgid said when the guard fails


@dataclass(frozen=True)
class Row:
    sources: frozenset[Stage]
    action: Action
    by: frozenset[Role]
    to: Stage | None  # None: the stage does not change
    effects: tuple[Callable[[Step], None], ...] = ()
    guard: Guard | None = None
    flags: frozenset[Flag] = frozenset()  # flags the order must carry
    needs: Needs = Needs.NOTHING

    def matches(self, order: Order, role: Role) -> bool:
        return order.stage in self.sources and role in self.by and self.flags <= order.flags

    def admits(self, order: Order, now: datetime, settings: Settings) -> bool:
        return self.guard is None or self.guard.test(order, now, settings)

    @property
    def takes_days(self) -> bool:
        """Is a number of days this action's input? (its event records them)"""
        return self.needs is Needs.DAYS


# --- guards -------------------------------------------------------------------------------------


def due(kind: Deadline) -> Guard:
    def test(order: Order, now: datetime, settings: Settings) -> bool:
        return passed(order, kind, now)

    return Guard(f"{kind.value.replace('_', ' ')} deadline passed", test, N_("That deadline has not passed yet."))


BRIEF_NOT_EMPTY = Guard(
    "brief not empty",
    lambda o, now, s: bool(o.brief.strip() or o.brief_files),
    N_("The buyer has not written the brief yet: ask for it in the chat before accepting."),
)
NO_OPEN_REQUEST = Guard(
    "no open request",
    lambda o, now, s: o.cancellation_reason is None,
    N_("A cancellation request is already waiting for the seller's answer."),
)
SECOND_REFUSAL_BEFORE_DELIVERY = Guard(
    "2nd refused request, nothing delivered yet",
    lambda o, now, s: o.refused_cancellations + 1 >= s.refused_cancellations_to_dispute and not o.deliveries,
    N_("This refusal does not open a dispute."),
)
NO_OPEN_PROPOSAL = Guard(
    "no open proposal",
    lambda o, now, s: o.proposal is None,
    N_("A partial refund proposal is already waiting for the seller."),
)
OPEN_PROPOSAL = Guard(
    "a proposal is waiting",
    lambda o, now, s: o.proposal is not None,
    N_("There is no partial refund proposal to answer."),
)
NO_OPEN_EXTENSION = Guard(
    "no extension request waiting",
    lambda o, now, s: o.extension is None,
    N_("You already asked for more time: wait for the buyer's answer before asking again."),
)
OPEN_EXTENSION = Guard(
    "an extension request is waiting",
    lambda o, now, s: o.extension is not None,
    N_("There is no request for more time to answer."),
)
REVISIONS_LEFT = Guard(
    "revisions left on the offer",
    lambda o, now, s: o.revisions_allowed is None or o.revisions_used < o.revisions_allowed,
    N_("No revisions are left on this offer: complete the order or open a dispute."),
)
FROZEN = Guard(
    "frozen by a moderator",
    lambda o, now, s: o.dispute is not None and o.dispute.frozen,
    N_("Only an order frozen by a moderator can be unfrozen; decide the dispute instead."),
)
ACCEPTED_BEFORE = Guard(
    "the seller had accepted",
    lambda o, now, s: o.dispute is not None and o.accepted_at is not None,
    N_("The seller never accepted this order, so it cannot resume: unfreeze it or refund the buyer."),
)
NOT_TAKEN = Guard(
    "not yet taken",
    lambda o, now, s: o.dispute is not None and o.dispute.moderator is None,
    N_("Another moderator already handles this dispute."),
)
REVIEWABLE = Guard(
    "within the review period, once",
    lambda o, now, s: o.review is None and o.closed_at is not None and now <= o.closed_at + s.review_period,
    N_("This order can no longer be reviewed: a review is left once, within the review period."),
)
REPLYABLE = Guard(
    "reviewed, not yet replied",
    lambda o, now, s: o.review is not None and o.review.reply is None,
    N_("There is no review to reply to, or you already replied."),
)


# --- the table ---------------------------------------------------------------------------------

B, S, M, SYS = Role.BUYER, Role.SELLER, Role.MODERATOR, Role.SYSTEM
P = frozenset({Stage.PENDING})
W = frozenset({Stage.IN_PROGRESS})
DLV = frozenset({Stage.DELIVERED})
RQ = frozenset({Stage.REVISION_REQUESTED})
RF = frozenset({Stage.REVISION_REFUSED})
DSP = frozenset({Stage.DISPUTED})
DONE = frozenset({Stage.COMPLETED})
CR = frozenset({Flag.CANCELLATION_REQUESTED})
LATE = frozenset({Flag.LATE})
CLOSED_BY_PARTIES = OPEN - {Stage.PENDING, Stage.DISPUTED}


def by(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


TABLE: tuple[Row, ...] = (
    Row(P, Action.EDIT_BRIEF, by(B), None, (Step.set_brief,), needs=Needs.BRIEF),
    Row(P, Action.ACCEPT, by(S), Stage.IN_PROGRESS, (Step.accept, Step.start_delivery), BRIEF_NOT_EMPTY),
    Row(P, Action.DECLINE, by(S), Stage.CANCELLED, (Step.refund_all,), needs=Needs.OPTIONAL_REASON),
    Row(P, Action.CANCEL, by(B), Stage.CANCELLED, (Step.refund_all,), needs=Needs.OPTIONAL_REASON),
    Row(P, Action.ACCEPTANCE_TIMEOUT, by(SYS), Stage.CANCELLED, (Step.refund_all,), due(Deadline.ACCEPTANCE)),
    Row(W, Action.REQUEST_EXTENSION, by(S), None, (Step.request_extension,), NO_OPEN_EXTENSION, needs=Needs.DAYS),
    Row(W, Action.ACCEPT_EXTENSION, by(B), None, (Step.extend,), OPEN_EXTENSION),
    Row(W, Action.DECLINE_EXTENSION, by(B), None, (Step.close_extension,), OPEN_EXTENSION, needs=Needs.OPTIONAL_REASON),
    Row(W, Action.EXTENSION_ANSWER_OVERDUE, by(SYS), None, (Step.lapse_extension,), due(Deadline.EXTENSION_ANSWER)),
    Row(W, Action.REQUEST_CANCELLATION, by(B), None, (Step.request_cancellation,), NO_OPEN_REQUEST, needs=Needs.REASON),
    Row(W, Action.WITHDRAW_CANCELLATION, by(B), None, (Step.close_request,), flags=CR),
    Row(W, Action.ACCEPT_CANCELLATION, by(S), Stage.CANCELLED, (Step.close_request, Step.refund_all), flags=CR),
    Row(
        W,
        Action.REFUSE_CANCELLATION,
        by(S),
        Stage.DISPUTED,
        (Step.count_refusal, Step.escalate, Step.close_request),
        SECOND_REFUSAL_BEFORE_DELIVERY,
        CR,
        Needs.REASON,
    ),
    Row(W, Action.REFUSE_CANCELLATION, by(S), None, (Step.count_refusal, Step.close_request), None, CR, Needs.REASON),
    Row(
        W,
        Action.CANCELLATION_ANSWER_OVERDUE,
        by(SYS),
        None,
        (Step.cancellation_overdue,),
        due(Deadline.CANCELLATION_ANSWER),
        CR,
    ),
    Row(W, Action.CANCEL, by(S), Stage.CANCELLED, (Step.refund_all,), needs=Needs.OPTIONAL_REASON),
    Row(W, Action.DELIVERY_OVERDUE, by(SYS), None, (Step.mark_late,), due(Deadline.DELIVERY)),
    Row(W, Action.CANCEL_LATE, by(B), Stage.CANCELLED, (Step.refund_all,), flags=LATE, needs=Needs.OPTIONAL_REASON),
    Row(W, Action.DELIVER, by(S), Stage.DELIVERED, (Step.deliver,), needs=Needs.DELIVERY),
    Row(W, Action.PROPOSE_PARTIAL_REFUND, by(B), None, (Step.propose,), NO_OPEN_PROPOSAL, needs=Needs.AMOUNT),
    Row(W, Action.WITHDRAW_PARTIAL_REFUND, by(B), None, (Step.withdraw_proposal,), OPEN_PROPOSAL),
    Row(W, Action.ACCEPT_PARTIAL_REFUND, by(S), None, (Step.refund_proposal,), OPEN_PROPOSAL),
    Row(W, Action.DECLINE_PARTIAL_REFUND, by(S), None, (Step.withdraw_proposal,), OPEN_PROPOSAL),
    Row(DLV, Action.COMPLETE, by(B), Stage.COMPLETED, (Step.release, Step.review), needs=Needs.OPTIONAL_REVIEW),
    Row(DLV, Action.REQUEST_REVISION, by(B), Stage.REVISION_REQUESTED, (Step.request_revision,), REVISIONS_LEFT,
        needs=Needs.TEXT),
    Row(DLV, Action.REVIEW_WINDOW_CLOSE, by(SYS), Stage.COMPLETED, (Step.release,), due(Deadline.REVIEW_WINDOW)),
    Row(DLV, Action.REPORT_DELIVERY, by(B), Stage.DISPUTED, (Step.open_dispute,), needs=Needs.REASON),
    Row(RQ, Action.ACCEPT_REVISION, by(S), Stage.IN_PROGRESS, (Step.start_revision_delivery,)),
    Row(RQ, Action.REFUSE_REVISION, by(S), Stage.REVISION_REFUSED, (Step.refuse_revision,), needs=Needs.REASON),
    Row(RQ, Action.REVISION_ANSWER_OVERDUE, by(SYS), None, (Step.revision_overdue,), due(Deadline.REVISION_ANSWER)),
    Row(RF, Action.COMPLETE, by(B), Stage.COMPLETED, (Step.release, Step.review), needs=Needs.OPTIONAL_REVIEW),
    Row(RF, Action.REVISION_CHOICE_TIMEOUT, by(SYS), Stage.COMPLETED, (Step.release,),
        due(Deadline.REVISION_REFUSED_CHOICE)),
    Row(RF, Action.CANCEL, by(S), Stage.CANCELLED, (Step.refund_all,), needs=Needs.OPTIONAL_REASON),
    Row(CLOSED_BY_PARTIES, Action.OPEN_DISPUTE, by(B, S), Stage.DISPUTED, (Step.open_dispute,), needs=Needs.REASON),
    Row(DSP, Action.TAKE_DISPUTE, by(M), None, (Step.take,), NOT_TAKEN),
    Row(DSP, Action.REFUND_ALL, by(M), Stage.CANCELLED, (Step.refund_all, Step.decided), needs=Needs.REASON),
    Row(DSP, Action.PAY_SELLER, by(M), Stage.COMPLETED, (Step.release, Step.decided), needs=Needs.REASON),
    Row(DSP, Action.SPLIT, by(M), Stage.COMPLETED, (Step.split, Step.decided), needs=Needs.AMOUNT),
    Row(DSP, Action.RESUME, by(M), Stage.IN_PROGRESS, (Step.resume, Step.decided), ACCEPTED_BEFORE, needs=Needs.DAYS),
    Row(OPEN - DSP, Action.FREEZE, by(M), Stage.DISPUTED, (Step.freeze,), needs=Needs.REASON),
    Row(DSP, Action.UNFREEZE, by(M), None, (Step.unfreeze,), FROZEN, needs=Needs.REASON),
    Row(OPEN - DSP, Action.EXPIRE, by(SYS), Stage.EXPIRED, (Step.pay_platform,), due(Deadline.EXPIRY)),
    Row(DONE, Action.REVIEW, by(B), None, (Step.review,), REVIEWABLE, needs=Needs.REVIEW),
    Row(DONE, Action.REPLY_REVIEW, by(S), None, (Step.reply_review,), REPLYABLE, needs=Needs.TEXT),
)


def rows_for(action: Action) -> tuple[Row, ...]:
    return tuple(row for row in TABLE if row.action == action)


ACTIONS_BY_ROLE: dict[Role, frozenset[Action]] = {
    role: frozenset(row.action for row in TABLE if role in row.by) for role in Role
}


def as_markdown() -> str:
    """The table as the docs show it; a test keeps docs/engine.md equal to this."""

    def stages(sources: frozenset[Stage]) -> str:
        return ", ".join(f"`{s.value}`" for s in Stage if s in sources)

    lines = [
        "| from | flags | action | by | guard | to | effects | input |",
        "|---|---|---|---|---|---|---|---|",
        "| — | | `place_order` | buyer | offer active, seller not suspended, buyer ≠ seller, tip ≤ cap, "
        "payment confirmed | `pending` | funds to escrow; acceptance deadline starts | brief |",
    ]
    for row in TABLE:
        flags = ", ".join(f"`{f.value}`" for f in Flag if f in row.flags)
        who = " or ".join(r.value for r in Role if r in row.by)
        to = f"`{row.to.value}`" if row.to else "same"
        if row.action is Action.UNFREEZE:
            to = "previous stage"
        effects = "; ".join((effect.__doc__ or effect.__name__).strip() for effect in row.effects) or "—"
        guard = row.guard.name if row.guard else "—"
        lines.append(f"| {stages(row.sources)} | {flags} | `{row.action.value}` | {who} | {guard} | {to} | "
                     f"{effects} | {row.needs.value} |")
    return "\n".join(lines) + "\n"
