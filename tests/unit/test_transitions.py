"""The transitions table of the product spec (order-process.md), one test per row, plus refusals, guards and timers.

Every order here is placed with `place_order` and driven with `apply` (see tests/unit/orders.py);
money is checked by replaying every movement through core.ledger.Ledger.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta

import pytest

from core import ledger
from core.engine import place_order
from core.events import Outcome, Refusal, Refused
from core.i18n import translate
from core.labels import ACTION
from core.model import SYSTEM, Action, Deadline, Flag, Offer, Option, Payload, Resolution, Role, Stage, Viewer
from core.settings import Settings
from core.table import TABLE
from tests.unit.orders import (
    BRIEF,
    BUYER,
    DAY,
    EXPRESS,
    HOUR,
    MODERATOR,
    OFFER,
    SELLER,
    SOURCE_FILES,
    STRANGER,
    T0,
    Story,
    at_stage,
    ordered,
)

TEN_PERCENT = Settings(commission_basis_points=1_000)
SECOND = timedelta(seconds=1)
REASON = Payload(text="Because.")


# --- helpers ------------------------------------------------------------------------------------


def told(outcome: Outcome) -> set[Role]:
    """The roles an outcome notifies."""
    return {notice.to for notice in outcome.notices}


def money(story: Story) -> dict[str, int]:
    """Balances after replaying every movement of the story (the Ledger refuses any broken invariant)."""
    book = story.ledger()
    assert book.total() == 0
    return {
        "escrow": book.balance(ledger.escrow(story.order.id)),
        "seller": book.balance(ledger.seller(SELLER.account)),
        "refunds": book.balance(ledger.buyer(BUYER.account)),
        "commission": book.balance(ledger.COMMISSION),
        "expired": book.balance(ledger.EXPIRED),
    }


def held(amount: int) -> dict[str, int]:
    return {"escrow": amount, "seller": 0, "refunds": 0, "commission": 0, "expired": 0}


def refunded(amount: int) -> dict[str, int]:
    return {"escrow": 0, "seller": 0, "refunds": amount, "commission": 0, "expired": 0}


def paid(seller: int, commission: int = 0, refunds: int = 0) -> dict[str, int]:
    return {"escrow": 0, "seller": seller, "refunds": refunds, "commission": commission, "expired": 0}


def assert_refused(result: Outcome | Refusal, code: Refused, story: Story, viewer: Viewer) -> Refusal:
    """A refusal of `code` that changed nothing and says, in both languages, what is possible now."""
    assert isinstance(result, Refusal), f"expected a {code.value} refusal, got {result!r}"
    assert result.code is code
    assert result.order is story.order  # the very order that was passed in, untouched
    assert result.allowed == story.can(viewer)
    for lang in ("en", "fr"):
        text = result.render(lang)
        assert isinstance(text, str) and text.strip()
        for action in result.allowed:
            assert translate(ACTION[action], lang) in text
    return result


# === place order ================================================================================


def test_placing_a_paid_order_holds_the_funds_in_escrow_and_starts_the_acceptance_deadline():
    story = ordered(options=(SOURCE_FILES,), tip=2_000)
    order, outcome = story.order, story.last

    assert order.stage is Stage.PENDING
    assert order.version == 1
    assert order.price == 13_000 and order.tip == 2_000 and order.total == 15_000
    assert order.delivery_days == 7  # 5 days + the option's 2 extra days
    assert order.deadline(Deadline.ACCEPTANCE) == T0 + 48 * HOUR
    assert order.deadline(Deadline.EXPIRY) == T0 + Settings().expiry
    assert order.flags == frozenset()
    assert money(story) == held(15_000)
    assert story.ledger().balance(ledger.WORLD) == -15_000
    assert told(outcome) == {Role.SELLER}


# === pending ====================================================================================


def test_buyer_edits_the_brief_and_sends_files_while_pending():
    story = ordered(brief="")
    outcome = story.do(Action.EDIT_BRIEF, BUYER, Payload(text="A fox.", files=("sketch.png",)), after=HOUR)

    assert outcome.order.stage is Stage.PENDING
    assert outcome.order.brief == "A fox."
    assert outcome.order.brief_files == ("sketch.png",)
    assert outcome.order.deadline(Deadline.ACCEPTANCE) == T0 + 48 * HOUR  # unchanged
    assert outcome.moves == ()
    assert told(outcome) == {Role.SELLER}


def test_seller_accepts_a_briefed_order_and_the_delivery_deadline_starts():
    story = ordered(options=(SOURCE_FILES,))
    outcome = story.do(Action.ACCEPT, SELLER, after=5 * HOUR)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.accepted_at == T0 + 5 * HOUR
    assert outcome.order.deadline(Deadline.DELIVERY) == T0 + 5 * HOUR + 7 * DAY
    assert outcome.order.deadline(Deadline.ACCEPTANCE) is None
    assert outcome.order.flags == frozenset()
    assert outcome.moves == ()
    assert money(story) == held(13_000)
    assert told(outcome) == {Role.BUYER}


def test_delivery_time_is_counted_in_the_settings_day():
    story = ordered(settings=Settings(day=timedelta(minutes=1)), options=(SOURCE_FILES,))
    outcome = story.do(Action.ACCEPT, SELLER, after=HOUR)

    assert outcome.order.deadline(Deadline.DELIVERY) == T0 + HOUR + 7 * timedelta(minutes=1)


def test_seller_declines_a_pending_order_and_the_buyer_is_refunded_in_full_tip_included():
    story = ordered(tip=1_500)
    outcome = story.do(Action.DECLINE, SELLER, after=HOUR)

    assert outcome.order.stage is Stage.CANCELLED
    assert outcome.order.resolution is Resolution.REFUNDED
    assert outcome.order.closed_at == T0 + HOUR
    assert outcome.order.deadlines == ()
    assert money(story) == refunded(11_500)
    assert told(outcome) == {Role.BUYER}


def test_buyer_cancels_a_pending_order_at_once_without_consent_and_is_refunded_in_full():
    story = ordered(tip=1_500)
    outcome = story.do(Action.CANCEL, BUYER, after=HOUR)

    assert outcome.order.stage is Stage.CANCELLED
    assert outcome.order.resolution is Resolution.REFUNDED
    assert money(story) == refunded(11_500)
    assert told(outcome) == {Role.SELLER}


def test_unaccepted_order_is_cancelled_and_refunded_after_48_hours():
    story = ordered(tip=1_500)
    outcome = story.do(Action.ACCEPTANCE_TIMEOUT, SYSTEM, at=T0 + 48 * HOUR)

    assert outcome.order.stage is Stage.CANCELLED
    assert outcome.order.resolution is Resolution.REFUNDED
    assert outcome.order.deadlines == ()
    assert money(story) == refunded(11_500)
    assert told(outcome) == {Role.BUYER, Role.SELLER}  # both told why


# === in progress: cancellation requests ========================================================


def test_buyer_requests_cancellation_and_the_seller_has_48_hours_to_answer():
    story = at_stage(Stage.IN_PROGRESS)
    delivery_due = story.order.deadline(Deadline.DELIVERY)
    outcome = story.do(Action.REQUEST_CANCELLATION, BUYER, Payload(text="Plans changed."), after=HOUR)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.flags == {Flag.CANCELLATION_REQUESTED}
    assert outcome.order.cancellation_reason == "Plans changed."
    assert outcome.order.deadline(Deadline.CANCELLATION_ANSWER) == story.now + 48 * HOUR
    assert outcome.order.deadline(Deadline.DELIVERY) == delivery_due
    assert outcome.moves == ()
    assert told(outcome) == {Role.SELLER}


def test_buyer_withdraws_a_cancellation_request_and_the_order_goes_on():
    story = at_stage(Stage.IN_PROGRESS).cancellation_requested()
    outcome = story.do(Action.WITHDRAW_CANCELLATION, BUYER, after=HOUR)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.flags == frozenset()
    assert outcome.order.deadline(Deadline.CANCELLATION_ANSWER) is None
    assert outcome.order.refused_cancellations == 0
    assert money(story) == held(10_000)
    assert told(outcome) == {Role.SELLER}


def test_seller_accepts_a_cancellation_request_and_the_buyer_is_refunded_in_full():
    story = at_stage(Stage.IN_PROGRESS, tip=500).cancellation_requested()
    outcome = story.do(Action.ACCEPT_CANCELLATION, SELLER, after=HOUR)

    assert outcome.order.stage is Stage.CANCELLED
    assert outcome.order.resolution is Resolution.REFUNDED
    assert outcome.order.flags == frozenset()
    assert outcome.order.deadlines == ()
    assert money(story) == refunded(10_500)
    assert told(outcome) == {Role.BUYER}


def test_first_refused_cancellation_keeps_the_order_in_progress():
    story = at_stage(Stage.IN_PROGRESS).cancellation_requested()
    outcome = story.do(Action.REFUSE_CANCELLATION, SELLER, Payload(text="Almost done."), after=HOUR)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.refused_cancellations == 1
    assert outcome.order.flags == frozenset()
    assert outcome.order.deadline(Deadline.CANCELLATION_ANSWER) is None
    assert outcome.order.deadline(Deadline.DELIVERY) is not None
    assert outcome.order.dispute is None
    assert money(story) == held(10_000)
    assert told(outcome) == {Role.BUYER}


def test_second_refused_cancellation_before_any_delivery_opens_a_dispute():
    story = at_stage(Stage.IN_PROGRESS).cancellation_requested().cancellation_refused()
    story.cancellation_requested("Still want out.")
    outcome = story.do(Action.REFUSE_CANCELLATION, SELLER, Payload(text="No."), after=HOUR)

    assert outcome.order.stage is Stage.DISPUTED
    assert outcome.order.refused_cancellations == 2
    assert outcome.order.dispute is not None
    assert outcome.order.dispute.previous is Stage.IN_PROGRESS
    assert outcome.order.deadlines == ()  # timers frozen
    assert money(story) == held(10_000)
    assert told(outcome) == {Role.BUYER, Role.MODERATOR}


def test_second_refused_cancellation_after_a_delivery_does_not_open_a_dispute():
    story = at_stage(Stage.DELIVERED).revision_requested().revision_accepted()
    assert story.order.stage is Stage.IN_PROGRESS
    story.cancellation_requested().cancellation_refused()
    story.cancellation_requested("Still want out.")
    outcome = story.do(Action.REFUSE_CANCELLATION, SELLER, Payload(text="No."), after=HOUR)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.refused_cancellations == 2
    assert outcome.order.dispute is None
    assert outcome.order.flags == frozenset()
    assert told(outcome) == {Role.BUYER}


def test_unanswered_cancellation_request_stays_open_and_the_buyer_gains_open_dispute():
    story = at_stage(Stage.IN_PROGRESS).cancellation_requested()
    due = story.order.deadline(Deadline.CANCELLATION_ANSWER)
    outcome = story.do(Action.CANCELLATION_ANSWER_OVERDUE, SYSTEM, at=due)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.flags == {Flag.CANCELLATION_REQUESTED}  # the request stays
    assert outcome.order.cancellation_answer_overdue is True
    assert outcome.order.deadline(Deadline.CANCELLATION_ANSWER) is None
    assert Action.OPEN_DISPUTE in story.can(BUYER)
    assert {Action.ACCEPT_CANCELLATION, Action.REFUSE_CANCELLATION} <= set(story.can(SELLER))
    assert outcome.moves == ()
    assert told(outcome) == {Role.BUYER, Role.SELLER}


# === in progress: cancel, late, deliver =========================================================


def test_seller_cancels_an_order_in_progress_and_the_buyer_is_refunded_in_full():
    story = at_stage(Stage.IN_PROGRESS, tip=500)
    outcome = story.do(Action.CANCEL, SELLER, Payload(text="Too busy."), after=HOUR)

    assert outcome.order.stage is Stage.CANCELLED
    assert outcome.order.resolution is Resolution.REFUNDED
    # the event names the seller as the one who cancelled: it counts against their completion rate
    assert [(event.action, event.role) for event in outcome.events] == [(Action.CANCEL, Role.SELLER)]
    assert money(story) == refunded(10_500)
    assert told(outcome) == {Role.BUYER}


def test_order_not_delivered_by_its_deadline_is_marked_late_and_the_buyer_gains_cancel_late():
    story = at_stage(Stage.IN_PROGRESS)
    assert Action.CANCEL_LATE not in story.can(BUYER)
    due = story.order.deadline(Deadline.DELIVERY)
    outcome = story.do(Action.DELIVERY_OVERDUE, SYSTEM, at=due)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.flags == {Flag.LATE}
    assert outcome.order.deadline(Deadline.DELIVERY) is None
    assert Action.CANCEL_LATE in story.can(BUYER)
    assert outcome.moves == ()
    assert told(outcome) == {Role.BUYER, Role.SELLER}


def test_buyer_cancels_a_late_order_without_consent_and_is_refunded_in_full():
    story = at_stage(Stage.IN_PROGRESS, tip=500)
    story.do(Action.DELIVERY_OVERDUE, SYSTEM, at=story.order.deadline(Deadline.DELIVERY))
    outcome = story.do(Action.CANCEL_LATE, BUYER, after=HOUR)

    assert outcome.order.stage is Stage.CANCELLED
    assert outcome.order.resolution is Resolution.REFUNDED
    assert outcome.order.flags == frozenset()
    assert money(story) == refunded(10_500)
    assert told(outcome) == {Role.SELLER}


def test_seller_delivers_and_the_seven_day_review_window_starts():
    story = at_stage(Stage.IN_PROGRESS)
    outcome = story.do(Action.DELIVER, SELLER, Payload(text="Done.", files=("logo.svg",)), after=DAY)

    assert outcome.order.stage is Stage.DELIVERED
    assert outcome.order.deadline(Deadline.REVIEW_WINDOW) == story.now + 7 * DAY
    assert outcome.order.deadline(Deadline.DELIVERY) is None
    assert len(outcome.order.deliveries) == 1
    delivery = outcome.order.deliveries[0]
    assert (delivery.message, delivery.files, delivery.at, delivery.on_time) == ("Done.", ("logo.svg",), story.now, True)
    assert money(story) == held(10_000)
    assert told(outcome) == {Role.BUYER}


# === in progress: extension requests (this product's addition) ==================================

MORE_FUR = Payload(text="The fox needs more fur.", days=3)


def extension_asked(story: Story, payload: Payload = MORE_FUR) -> Story:
    story.do(Action.REQUEST_EXTENSION, SELLER, payload, after=HOUR)
    return story


def test_seller_asks_for_more_days_with_a_reason_and_the_buyer_has_48_hours_to_answer():
    story = at_stage(Stage.IN_PROGRESS)
    delivery_due = story.order.deadline(Deadline.DELIVERY)
    outcome = story.do(Action.REQUEST_EXTENSION, SELLER, MORE_FUR, after=HOUR)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.extension is not None
    assert (outcome.order.extension.days, outcome.order.extension.reason) == (3, "The fox needs more fur.")
    assert outcome.order.deadline(Deadline.EXTENSION_ANSWER) == story.now + 48 * HOUR
    assert outcome.order.deadline(Deadline.DELIVERY) == delivery_due  # nothing moves before the buyer says yes
    assert outcome.events[0].get("days") == 3 and outcome.events[0].get("text") == "The fox needs more fur."
    assert outcome.moves == ()
    assert told(outcome) == {Role.BUYER}
    assert story.can(BUYER)[:2] == (Action.ACCEPT_EXTENSION, Action.DECLINE_EXTENSION)
    assert Action.REQUEST_EXTENSION not in story.can(SELLER)


def test_buyer_accepts_an_extension_and_the_delivery_deadline_moves_by_its_days():
    story = extension_asked(at_stage(Stage.IN_PROGRESS))
    delivery_due = story.order.deadline(Deadline.DELIVERY)
    outcome = story.do(Action.ACCEPT_EXTENSION, BUYER, after=HOUR)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.extension is None
    assert outcome.order.deadline(Deadline.DELIVERY) == delivery_due + 3 * DAY
    assert outcome.order.deadline(Deadline.EXTENSION_ANSWER) is None
    assert outcome.events[0].get("days") == 3
    assert money(story) == held(10_000)
    assert told(outcome) == {Role.SELLER}


def test_buyer_declines_an_extension_with_an_optional_reason_and_the_deadline_stays():
    story = extension_asked(at_stage(Stage.IN_PROGRESS))
    delivery_due = story.order.deadline(Deadline.DELIVERY)
    outcome = story.do(Action.DECLINE_EXTENSION, BUYER, Payload(text="I need it for Friday."), after=HOUR)

    assert outcome.order.extension is None
    assert outcome.order.deadline(Deadline.DELIVERY) == delivery_due
    assert outcome.order.deadline(Deadline.EXTENSION_ANSWER) is None
    assert outcome.events[0].get("text") == "I need it for Friday."
    assert told(outcome) == {Role.SELLER}
    # declined, the seller may ask again (for fewer days, say): one request waits at a time, not one per order
    extension_asked(story, Payload(text="Then two days?", days=2))
    assert story.order.extension is not None and story.order.extension.days == 2


def test_an_unanswered_extension_request_lapses_after_48_hours_as_declined_and_both_are_told():
    story = extension_asked(at_stage(Stage.IN_PROGRESS))
    delivery_due = story.order.deadline(Deadline.DELIVERY)
    due = story.order.deadline(Deadline.EXTENSION_ANSWER)
    outcome = story.do(Action.EXTENSION_ANSWER_OVERDUE, SYSTEM, at=due)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.extension is None
    assert outcome.order.deadline(Deadline.EXTENSION_ANSWER) is None
    assert outcome.order.deadline(Deadline.DELIVERY) == delivery_due
    assert Action.ACCEPT_EXTENSION not in story.can(BUYER)
    assert outcome.moves == ()
    assert told(outcome) == {Role.BUYER, Role.SELLER}


def test_a_late_order_can_still_be_extended_from_now_and_is_no_longer_late():
    story = at_stage(Stage.IN_PROGRESS)
    story.do(Action.DELIVERY_OVERDUE, SYSTEM, at=story.order.deadline(Deadline.DELIVERY))
    extension_asked(story, Payload(text="Nearly there.", days=2))
    assert Action.CANCEL_LATE in story.can(BUYER)  # the buyer may still prefer cancelling
    outcome = story.do(Action.ACCEPT_EXTENSION, BUYER, after=5 * HOUR)

    assert outcome.order.flags == frozenset()
    assert outcome.order.deadline(Deadline.DELIVERY) == story.now + 2 * DAY
    assert Action.CANCEL_LATE not in story.can(BUYER)


def test_an_extension_accepted_after_the_deadline_passed_counts_from_the_answer():
    story = extension_asked(at_stage(Stage.IN_PROGRESS))
    passed = story.order.deadline(Deadline.DELIVERY) + HOUR  # before the clock marked it late
    outcome = story.do(Action.ACCEPT_EXTENSION, BUYER, at=passed)

    assert outcome.order.deadline(Deadline.DELIVERY) == passed + 3 * DAY
    assert Action.DELIVERY_OVERDUE not in story.can(SYSTEM)


def test_an_extension_is_counted_in_the_settings_day():
    story = at_stage(Stage.IN_PROGRESS, settings=Settings(day=timedelta(minutes=1)))
    story.do(Action.REQUEST_EXTENSION, SELLER, MORE_FUR)  # at once: the 5-minute delivery time has not passed
    delivery_due = story.order.deadline(Deadline.DELIVERY)
    outcome = story.do(Action.ACCEPT_EXTENSION, BUYER)

    assert outcome.order.deadline(Deadline.DELIVERY) == delivery_due + 3 * timedelta(minutes=1)


def test_only_one_extension_request_waits_at_a_time():
    story = extension_asked(at_stage(Stage.IN_PROGRESS))
    result = assert_refused(story.attempt(Action.REQUEST_EXTENSION, SELLER, MORE_FUR), Refused.CONDITION, story,
                            SELLER)

    assert "wait for the buyer's answer" in result.render("en")


@pytest.mark.parametrize("payload", [Payload(text="Busy.", days=0), Payload(text="Busy.", days=15),
                                     Payload(text="Busy.", days=None), Payload(text="Busy.", days=True),
                                     Payload(text="  ", days=2)],
                         ids=["zero", "over-the-limit", "no-days", "not-a-number", "no-reason"])
def test_an_extension_asks_for_1_to_14_days_with_a_reason(payload):
    story = at_stage(Stage.IN_PROGRESS)
    result = assert_refused(story.attempt(Action.REQUEST_EXTENSION, SELLER, payload), Refused.INPUT, story, SELLER)

    assert story.order.extension is None
    if payload.text.strip():
        assert result.render("en").startswith("You can ask for 1 to 14 more days.")


def test_the_longest_extension_is_a_setting():
    story = at_stage(Stage.IN_PROGRESS, settings=Settings(max_extension_days=30))
    assert story.do(Action.REQUEST_EXTENSION, SELLER, Payload(text="A big job.", days=30)).order.extension.days == 30


def test_only_the_seller_asks_for_more_time_and_only_the_buyer_answers():
    story = at_stage(Stage.IN_PROGRESS)
    assert_refused(story.attempt(Action.REQUEST_EXTENSION, BUYER, MORE_FUR), Refused.ROLE, story, BUYER)
    extension_asked(story)
    assert_refused(story.attempt(Action.ACCEPT_EXTENSION, SELLER), Refused.ROLE, story, SELLER)
    assert_refused(story.attempt(Action.DECLINE_EXTENSION, SELLER), Refused.ROLE, story, SELLER)


def test_answering_when_no_extension_request_waits_is_refused_and_says_so():
    story = at_stage(Stage.IN_PROGRESS)
    result = assert_refused(story.attempt(Action.ACCEPT_EXTENSION, BUYER), Refused.CONDITION, story, BUYER)

    assert "no request for more time" in result.render("en")


@pytest.mark.parametrize("stage", [Stage.PENDING, Stage.DELIVERED, Stage.REVISION_REQUESTED, Stage.COMPLETED],
                         ids=lambda s: s.value)
def test_more_time_is_asked_only_while_the_order_is_in_progress(stage):
    story = at_stage(stage)
    assert_refused(story.attempt(Action.REQUEST_EXTENSION, SELLER, MORE_FUR), Refused.STAGE, story, SELLER)


def test_a_delivery_closes_a_waiting_extension_request():
    story = extension_asked(at_stage(Stage.IN_PROGRESS))
    outcome = story.do(Action.DELIVER, SELLER, Payload(text="Done after all."), after=HOUR)

    assert outcome.order.extension is None
    assert outcome.order.deadline(Deadline.EXTENSION_ANSWER) is None
    assert outcome.order.deliveries[-1].on_time is True
    story.do(Action.REQUEST_REVISION, BUYER, Payload(text="Smile."))
    story.do(Action.ACCEPT_REVISION, SELLER)
    assert story.order.extension is None and Action.ACCEPT_EXTENSION not in story.can(BUYER)


def _cancelled_late(story: Story) -> None:
    story.do(Action.DELIVERY_OVERDUE, SYSTEM, at=story.order.deadline(Deadline.DELIVERY))
    story.do(Action.CANCEL_LATE, BUYER)


@pytest.mark.parametrize("cancel", [
    lambda story: story.do(Action.CANCEL, SELLER),
    lambda story: story.cancellation_requested().do(Action.ACCEPT_CANCELLATION, SELLER),
    _cancelled_late,
], ids=["by-the-seller", "cancellation-accepted", "late"])
def test_a_cancellation_closes_a_waiting_extension_request(cancel):
    story = extension_asked(at_stage(Stage.IN_PROGRESS), Payload(text="A week, please.", days=7))
    cancel(story)

    assert story.order.stage is Stage.CANCELLED
    assert story.order.extension is None and story.order.deadlines == ()
    assert money(story) == refunded(10_000)


@pytest.mark.parametrize("party", [BUYER, SELLER], ids=["buyer", "seller"])
def test_a_dispute_closes_a_waiting_extension_request_the_moderator_decides_the_time_instead(party):
    story = extension_asked(at_stage(Stage.IN_PROGRESS))
    outcome = story.do(Action.OPEN_DISPUTE, party, Payload(text="We cannot agree."), after=HOUR)

    assert outcome.order.extension is None
    outcome = story.do(Action.RESUME, MODERATOR, Payload(text="Four more days.", days=4), after=HOUR)
    assert outcome.order.extension is None
    assert outcome.order.deadline(Deadline.EXTENSION_ANSWER) is None
    assert outcome.order.deadline(Deadline.DELIVERY) == story.now + 4 * DAY


def test_a_freeze_keeps_a_waiting_extension_request_and_pauses_its_answer_clock():
    story = extension_asked(at_stage(Stage.IN_PROGRESS))
    answer_left = story.order.deadline(Deadline.EXTENSION_ANSWER) - (story.now + HOUR)
    story.frozen()
    assert story.order.extension is not None and story.order.deadlines == ()
    assert Action.ACCEPT_EXTENSION not in story.can(BUYER)  # frozen: nobody answers, nothing lapses
    outcome = story.do(Action.UNFREEZE, MODERATOR, Payload(text="Checked."), after=5 * DAY)

    assert outcome.order.extension is not None
    assert outcome.order.deadline(Deadline.EXTENSION_ANSWER) == story.now + answer_left
    assert story.do(Action.ACCEPT_EXTENSION, BUYER).order.extension is None


def test_resuming_a_frozen_order_drops_its_waiting_extension_request():
    story = extension_asked(at_stage(Stage.IN_PROGRESS)).frozen()
    outcome = story.do(Action.RESUME, MODERATOR, Payload(text="Two days, no more.", days=2), after=HOUR)

    assert outcome.order.extension is None
    assert outcome.order.deadline(Deadline.EXTENSION_ANSWER) is None


def test_an_order_expiring_with_a_waiting_extension_request_drops_it():
    story = extension_asked(at_stage(Stage.IN_PROGRESS))
    outcome = story.do(Action.EXPIRE, SYSTEM, at=T0 + Settings().expiry)

    assert outcome.order.stage is Stage.EXPIRED and outcome.order.extension is None


# === in progress: partial refunds ===============================================================


def test_buyer_proposes_a_partial_refund_and_it_waits_for_the_seller():
    story = at_stage(Stage.IN_PROGRESS)
    outcome = story.do(Action.PROPOSE_PARTIAL_REFUND, BUYER, Payload(text="Only 2 of 3 drafts.", amount=3_000))

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.proposal is not None
    assert (outcome.order.proposal.amount, outcome.order.proposal.reason) == (3_000, "Only 2 of 3 drafts.")
    assert outcome.moves == ()
    assert money(story) == held(10_000)
    assert told(outcome) == {Role.SELLER}


def test_seller_accepts_a_partial_refund_it_is_paid_back_at_once_and_the_order_goes_on():
    story = at_stage(Stage.IN_PROGRESS, settings=TEN_PERCENT, tip=1_000)
    story.do(Action.PROPOSE_PARTIAL_REFUND, BUYER, Payload(text="Only 2 of 3 drafts.", amount=3_000))
    outcome = story.do(Action.ACCEPT_PARTIAL_REFUND, SELLER, after=HOUR)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.proposal is None
    assert outcome.order.refunded == 3_000
    assert outcome.order.held == 8_000
    assert outcome.order.resolution is None
    assert money(story) == {"escrow": 8_000, "seller": 0, "refunds": 3_000, "commission": 0, "expired": 0}
    assert told(outcome) == {Role.BUYER}

    story.delivered().completed()  # the rest is released later, commission on what the seller gets
    assert money(story) == paid(seller=7_200, commission=800, refunds=3_000)


def test_buyer_withdraws_a_partial_refund_proposal_before_the_seller_answers():
    story = at_stage(Stage.IN_PROGRESS)
    story.do(Action.PROPOSE_PARTIAL_REFUND, BUYER, Payload(text="Two drafts only.", amount=3_000))
    outcome = story.do(Action.WITHDRAW_PARTIAL_REFUND, BUYER, after=HOUR)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.proposal is None
    assert Action.ACCEPT_PARTIAL_REFUND not in story.can(SELLER)
    assert money(story) == held(10_000)
    assert told(outcome) == {Role.SELLER}


def test_seller_declines_a_partial_refund_and_nothing_is_refunded():
    story = at_stage(Stage.IN_PROGRESS)
    story.do(Action.PROPOSE_PARTIAL_REFUND, BUYER, Payload(text="Two drafts only.", amount=3_000))
    outcome = story.do(Action.DECLINE_PARTIAL_REFUND, SELLER, after=HOUR)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.proposal is None
    assert outcome.order.refunded == 0
    assert money(story) == held(10_000)
    assert told(outcome) == {Role.BUYER}


@pytest.mark.parametrize("amount", [0, -1, 10_000, 10_001])
def test_partial_refund_must_be_more_than_zero_and_less_than_the_held_funds(amount):
    story = at_stage(Stage.IN_PROGRESS)
    result = story.attempt(Action.PROPOSE_PARTIAL_REFUND, BUYER, Payload(text="Too slow.", amount=amount))

    assert_refused(result, Refused.INPUT, story, BUYER)


# === delivered ==================================================================================


def test_buyer_completes_a_delivery_and_the_escrow_is_released_to_the_seller_minus_commission():
    story = at_stage(Stage.DELIVERED, settings=TEN_PERCENT, tip=1_000)
    outcome = story.do(Action.COMPLETE, BUYER, Payload(text="Lovely!", positive=True), after=HOUR)

    assert outcome.order.stage is Stage.COMPLETED
    assert outcome.order.resolution is Resolution.RELEASED
    assert outcome.order.closed_at == story.now
    assert outcome.order.deadlines == ()
    assert outcome.order.review is not None and outcome.order.review.positive is True
    assert outcome.order.review.comment == "Lovely!"
    assert money(story) == paid(seller=9_900, commission=1_100)
    assert told(outcome) == {Role.SELLER}


def test_buyer_requests_a_revision_and_the_seller_has_48_hours_to_answer():
    story = at_stage(Stage.DELIVERED)
    outcome = story.do(Action.REQUEST_REVISION, BUYER, Payload(text="Bigger fox."), after=HOUR)

    assert outcome.order.stage is Stage.REVISION_REQUESTED
    assert outcome.order.revision_request == "Bigger fox."
    assert outcome.order.revisions_used == 1
    assert outcome.order.deadline(Deadline.REVISION_ANSWER) == story.now + 48 * HOUR
    assert outcome.order.deadline(Deadline.REVIEW_WINDOW) is None
    assert money(story) == held(10_000)
    assert told(outcome) == {Role.SELLER}


def test_buyer_cannot_request_a_revision_when_the_offer_has_none_left():
    one_revision = Offer(**{**OFFER.__dict__, "revisions": 1})
    story = at_stage(Stage.DELIVERED, offer=one_revision).revision_requested().revision_accepted().delivered()
    result = story.attempt(Action.REQUEST_REVISION, BUYER, Payload(text="Again."))

    assert_refused(result, Refused.CONDITION, story, BUYER)


def test_delivery_closes_and_pays_the_seller_without_a_review_after_seven_days():
    story = at_stage(Stage.DELIVERED, settings=TEN_PERCENT)
    due = story.order.deadline(Deadline.REVIEW_WINDOW)
    outcome = story.do(Action.REVIEW_WINDOW_CLOSE, SYSTEM, at=due)

    assert outcome.order.stage is Stage.COMPLETED
    assert outcome.order.resolution is Resolution.RELEASED
    assert outcome.order.review is None
    assert money(story) == paid(seller=9_000, commission=1_000)
    assert told(outcome) == {Role.BUYER, Role.SELLER}


def test_buyer_reports_an_empty_or_fake_delivery_and_the_moderators_are_alerted():
    story = at_stage(Stage.DELIVERED)
    outcome = story.do(Action.REPORT_DELIVERY, BUYER, Payload(text="The file is blank.", files=("proof.png",)))

    assert outcome.order.stage is Stage.DISPUTED
    assert outcome.order.dispute is not None
    assert (outcome.order.dispute.opened_by, outcome.order.dispute.reason) == (Role.BUYER, "The file is blank.")
    assert outcome.order.dispute.previous is Stage.DELIVERED
    assert outcome.order.deadlines == ()
    assert money(story) == held(10_000)
    assert told(outcome) == {Role.SELLER, Role.MODERATOR}


# === revision requested =========================================================================


def test_seller_accepts_a_revision_and_a_new_delivery_deadline_starts_from_the_offers_revision_time():
    quick_revisions = Offer(**{**OFFER.__dict__, "revision_days": 2})
    story = at_stage(Stage.REVISION_REQUESTED, offer=quick_revisions)
    outcome = story.do(Action.ACCEPT_REVISION, SELLER, after=HOUR)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.deadline(Deadline.DELIVERY) == story.now + 2 * DAY
    assert outcome.order.deadline(Deadline.REVISION_ANSWER) is None
    assert outcome.order.flags == frozenset()
    assert money(story) == held(10_000)
    assert told(outcome) == {Role.BUYER}


def test_revision_time_defaults_to_the_offers_delivery_time():
    story = at_stage(Stage.REVISION_REQUESTED)
    outcome = story.do(Action.ACCEPT_REVISION, SELLER, after=HOUR)

    assert outcome.order.deadline(Deadline.DELIVERY) == story.now + OFFER.delivery_days * DAY


def test_seller_refuses_a_revision_and_the_buyer_has_seven_days_to_choose():
    story = at_stage(Stage.REVISION_REQUESTED)
    outcome = story.do(Action.REFUSE_REVISION, SELLER, Payload(text="Out of scope."), after=HOUR)

    assert outcome.order.stage is Stage.REVISION_REFUSED
    assert outcome.order.deadline(Deadline.REVISION_REFUSED_CHOICE) == story.now + 7 * DAY
    assert outcome.order.deadline(Deadline.REVISION_ANSWER) is None
    assert money(story) == held(10_000)
    assert told(outcome) == {Role.BUYER}


def test_unanswered_revision_request_reminds_both_and_the_buyer_gains_open_dispute():
    story = at_stage(Stage.REVISION_REQUESTED)
    due = story.order.deadline(Deadline.REVISION_ANSWER)
    outcome = story.do(Action.REVISION_ANSWER_OVERDUE, SYSTEM, at=due)

    assert outcome.order.stage is Stage.REVISION_REQUESTED
    assert outcome.order.revision_answer_overdue is True
    assert outcome.order.deadline(Deadline.REVISION_ANSWER) is None
    assert Action.OPEN_DISPUTE in story.can(BUYER)
    assert {Action.ACCEPT_REVISION, Action.REFUSE_REVISION} <= set(story.can(SELLER))
    assert outcome.moves == ()
    assert told(outcome) == {Role.BUYER, Role.SELLER}


# === revision refused ===========================================================================


def test_buyer_completes_after_a_refused_revision_and_the_seller_is_paid():
    story = at_stage(Stage.REVISION_REFUSED, settings=TEN_PERCENT)
    outcome = story.do(Action.COMPLETE, BUYER, Payload(text="Fine.", positive=False), after=HOUR)

    assert outcome.order.stage is Stage.COMPLETED
    assert outcome.order.resolution is Resolution.RELEASED
    assert outcome.order.review is not None and outcome.order.review.positive is False
    assert outcome.order.deadlines == ()
    assert money(story) == paid(seller=9_000, commission=1_000)
    assert told(outcome) == {Role.SELLER}


def test_order_closes_and_pays_the_seller_seven_days_after_a_refused_revision():
    story = at_stage(Stage.REVISION_REFUSED)
    due = story.order.deadline(Deadline.REVISION_REFUSED_CHOICE)
    outcome = story.do(Action.REVISION_CHOICE_TIMEOUT, SYSTEM, at=due)

    assert outcome.order.stage is Stage.COMPLETED
    assert outcome.order.resolution is Resolution.RELEASED
    assert outcome.order.review is None
    assert money(story) == paid(seller=10_000)
    assert told(outcome) == {Role.BUYER, Role.SELLER}


def test_seller_cancels_after_refusing_a_revision_and_the_buyer_is_refunded_in_full():
    story = at_stage(Stage.REVISION_REFUSED, tip=2_000)
    outcome = story.do(Action.CANCEL, SELLER, after=HOUR)

    assert outcome.order.stage is Stage.CANCELLED
    assert outcome.order.resolution is Resolution.REFUNDED
    assert money(story) == refunded(12_000)
    assert told(outcome) == {Role.BUYER}


# === disputes ===================================================================================

PARTY_DISPUTE_STAGES = [Stage.IN_PROGRESS, Stage.DELIVERED, Stage.REVISION_REQUESTED, Stage.REVISION_REFUSED]


@pytest.mark.parametrize("party", [BUYER, SELLER], ids=["buyer", "seller"])
@pytest.mark.parametrize("stage", PARTY_DISPUTE_STAGES, ids=lambda s: s.value)
def test_either_party_opens_a_dispute_in_any_open_stage_but_pending_and_the_timers_freeze(stage, party):
    story = at_stage(stage)
    running = dict(story.order.deadlines)
    outcome = story.do(Action.OPEN_DISPUTE, party, Payload(text="We cannot agree."), after=HOUR)
    other = Role.SELLER if party is BUYER else Role.BUYER

    assert outcome.order.stage is Stage.DISPUTED
    assert outcome.order.deadlines == ()
    dispute = outcome.order.dispute
    assert dispute is not None
    assert (dispute.opened_by, dispute.reason, dispute.previous, dispute.frozen) == (
        outcome.order.role_of(party), "We cannot agree.", stage, False)
    assert dict(dispute.remaining) == {kind: due - story.now for kind, due in running.items()}
    assert money(story) == held(10_000)
    assert told(outcome) == {other, Role.MODERATOR}


def test_no_dispute_can_be_opened_while_the_order_is_pending():
    story = ordered()
    result = story.attempt(Action.OPEN_DISPUTE, BUYER, Payload(text="Hmm."))

    assert_refused(result, Refused.STAGE, story, BUYER)


def _cancelled_in_progress() -> Story:
    story = at_stage(Stage.IN_PROGRESS)
    story.do(Action.CANCEL, SELLER)
    return story


@pytest.mark.parametrize("closed", [lambda: at_stage(Stage.COMPLETED), _cancelled_in_progress],
                         ids=["completed", "cancelled"])
def test_no_dispute_can_be_opened_once_the_order_is_closed(closed):
    story = closed()
    assert story.order.stage.is_terminal
    result = story.attempt(Action.OPEN_DISPUTE, BUYER, Payload(text="Hmm."))

    assert_refused(result, Refused.STAGE, story, BUYER)


def test_a_moderator_takes_a_dispute_and_no_other_moderator_can_take_it_again():
    story = at_stage(Stage.DISPUTED)
    outcome = story.do(Action.TAKE_DISPUTE, MODERATOR, after=HOUR)

    assert outcome.order.stage is Stage.DISPUTED
    assert outcome.order.dispute is not None and outcome.order.dispute.moderator == MODERATOR.account
    assert outcome.moves == ()
    assert told(outcome) == {Role.BUYER, Role.SELLER}

    other = Viewer("paul", moderator=True)
    assert_refused(story.attempt(Action.TAKE_DISPUTE, other), Refused.CONDITION, story, other)


def test_moderator_refunds_the_buyer_in_full_to_settle_a_dispute():
    story = at_stage(Stage.DISPUTED, tip=1_000)
    outcome = story.do(Action.REFUND_ALL, MODERATOR, Payload(text="Nothing was done."), after=DAY)

    assert outcome.order.stage is Stage.CANCELLED
    assert outcome.order.resolution is Resolution.REFUNDED
    assert outcome.order.dispute is not None  # the decision stays on record
    assert outcome.events[0].get("text") == "Nothing was done."
    assert money(story) == refunded(11_000)
    assert told(outcome) == {Role.BUYER, Role.SELLER}


def test_moderator_pays_the_seller_to_settle_a_dispute():
    story = at_stage(Stage.DISPUTED, settings=TEN_PERCENT)
    outcome = story.do(Action.PAY_SELLER, MODERATOR, Payload(text="The work matches the brief."), after=DAY)

    assert outcome.order.stage is Stage.COMPLETED
    assert outcome.order.resolution is Resolution.RELEASED
    assert money(story) == paid(seller=9_000, commission=1_000)
    assert told(outcome) == {Role.BUYER, Role.SELLER}


def test_moderator_splits_a_dispute_refunding_the_amount_to_the_buyer_and_releasing_the_rest():
    story = at_stage(Stage.DISPUTED, settings=TEN_PERCENT, tip=1_500)
    outcome = story.do(Action.SPLIT, MODERATOR, Payload(text="Half the drafts.", amount=4_000), after=DAY)

    assert outcome.order.stage is Stage.COMPLETED
    assert outcome.order.resolution is Resolution.SPLIT
    assert outcome.events[0].get("to_buyer") == 4_000
    # 11 500 held: 4 000 back to the buyer, 7 500 released, 10 % commission on the released part
    assert money(story) == paid(seller=6_750, commission=750, refunds=4_000)
    assert told(outcome) == {Role.BUYER, Role.SELLER}


def test_moderator_resumes_a_dispute_with_a_new_delivery_deadline_of_the_given_days():
    story = at_stage(Stage.IN_PROGRESS).cancellation_requested()
    expiry_left = story.order.deadline(Deadline.EXPIRY) - (story.now + HOUR)
    story.disputed()
    outcome = story.do(Action.RESUME, MODERATOR, Payload(text="Deliver the last draft.", days=3), after=10 * DAY)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.dispute is None
    assert outcome.order.deadline(Deadline.DELIVERY) == story.now + 3 * DAY
    assert outcome.order.deadline(Deadline.EXPIRY) == story.now + expiry_left  # frozen while disputed
    assert outcome.order.flags == frozenset()
    assert outcome.events[0].get("days") == 3
    assert money(story) == held(10_000)
    assert told(outcome) == {Role.BUYER, Role.SELLER}


def test_resuming_a_frozen_late_order_gives_a_fresh_deadline_and_clears_late():
    story = at_stage(Stage.IN_PROGRESS)
    story.do(Action.DELIVERY_OVERDUE, SYSTEM, at=story.order.deadline(Deadline.DELIVERY))
    story.frozen()
    assert story.order.late is True  # a freeze keeps the flag for a possible unfreeze
    outcome = story.do(Action.RESUME, MODERATOR, Payload(text="Two more days.", days=2), after=DAY)

    assert outcome.order.flags == frozenset()
    assert outcome.order.deadline(Deadline.DELIVERY) == story.now + 2 * DAY
    assert Action.CANCEL_LATE not in story.can(BUYER)


@pytest.mark.parametrize(
    "action, payload",
    [
        (Action.REFUND_ALL, Payload()),
        (Action.PAY_SELLER, Payload(text="   ")),
        (Action.SPLIT, Payload(amount=4_000)),
        (Action.RESUME, Payload(days=3)),
        (Action.SPLIT, Payload(text="Half.", amount=10_000)),
        (Action.RESUME, Payload(text="Go on.", days=0)),
    ],
    ids=["refund-no-reason", "pay-blank-reason", "split-no-reason", "resume-no-reason", "split-everything",
         "resume-zero-days"],
)
def test_a_moderators_decision_needs_a_reason_and_a_sensible_amount_or_delay(action, payload):
    story = at_stage(Stage.DISPUTED)
    result = story.attempt(action, MODERATOR, payload)

    assert_refused(result, Refused.INPUT, story, MODERATOR)


# === freeze / unfreeze ==========================================================================

FREEZABLE = [Stage.PENDING, Stage.IN_PROGRESS, Stage.DELIVERED, Stage.REVISION_REQUESTED, Stage.REVISION_REFUSED]


@pytest.mark.parametrize("stage", FREEZABLE, ids=lambda s: s.value)
def test_freeze_then_unfreeze_restores_the_previous_stage_and_its_deadlines_with_the_same_time_left(stage):
    story = at_stage(stage)
    before = story.order
    frozen = story.do(Action.FREEZE, MODERATOR, Payload(text="Reported as a scam."), after=HOUR)

    assert frozen.order.stage is Stage.DISPUTED
    assert frozen.order.dispute is not None and frozen.order.dispute.frozen is True
    assert frozen.order.dispute.previous is stage
    assert frozen.order.deadlines == ()
    assert told(frozen) == {Role.BUYER, Role.SELLER}

    pause = 10 * DAY
    outcome = story.do(Action.UNFREEZE, MODERATOR, Payload(text="Checked, all fine."), after=pause)

    assert outcome.order.stage is stage
    assert outcome.order.dispute is None
    # every timer that ran before the freeze runs again, shifted by exactly the time spent frozen
    assert dict(outcome.order.deadlines) == {kind: due + pause for kind, due in before.deadlines}
    assert money(story) == held(10_000)
    assert told(outcome) == {Role.BUYER, Role.SELLER}


def test_freeze_keeps_an_open_cancellation_request_and_the_late_flag_for_after_the_unfreeze():
    story = at_stage(Stage.IN_PROGRESS)
    story.do(Action.DELIVERY_OVERDUE, SYSTEM, at=story.order.deadline(Deadline.DELIVERY))
    story.cancellation_requested()
    answer_left = story.order.deadline(Deadline.CANCELLATION_ANSWER) - (story.now + HOUR)
    story.frozen()
    outcome = story.do(Action.UNFREEZE, MODERATOR, Payload(text="Fine."), after=3 * DAY)

    assert outcome.order.stage is Stage.IN_PROGRESS
    assert outcome.order.flags == {Flag.LATE, Flag.CANCELLATION_REQUESTED}
    assert outcome.order.deadline(Deadline.CANCELLATION_ANSWER) == story.now + answer_left
    assert Action.CANCEL_LATE in story.can(BUYER)


def test_an_order_disputed_by_a_party_cannot_be_unfrozen_only_decided():
    story = at_stage(Stage.DISPUTED)
    result = story.attempt(Action.UNFREEZE, MODERATOR, Payload(text="Back to work."))

    assert_refused(result, Refused.CONDITION, story, MODERATOR)


def test_freeze_and_unfreeze_need_a_reason():
    story = at_stage(Stage.IN_PROGRESS)
    assert_refused(story.attempt(Action.FREEZE, MODERATOR), Refused.INPUT, story, MODERATOR)
    story.frozen()
    assert_refused(story.attempt(Action.UNFREEZE, MODERATOR), Refused.INPUT, story, MODERATOR)


# === expiry =====================================================================================


@pytest.mark.parametrize("stage", FREEZABLE, ids=lambda s: s.value)
def test_unfinished_order_expires_five_months_after_payment_and_the_funds_go_to_the_platform(stage):
    story = at_stage(stage, tip=500)
    assert story.order.deadline(Deadline.EXPIRY) == T0 + Settings().expiry
    outcome = story.do(Action.EXPIRE, SYSTEM, at=T0 + Settings().expiry)

    assert outcome.order.stage is Stage.EXPIRED
    assert outcome.order.resolution is Resolution.EXPIRED
    assert outcome.order.deadlines == ()
    assert outcome.events[0].get("voucher") is True
    assert money(story) == {"escrow": 0, "seller": 0, "refunds": 0, "commission": 0, "expired": 10_500}
    assert told(outcome) == {Role.BUYER, Role.SELLER}


def test_expiry_after_a_partial_refund_moves_only_what_is_still_held():
    story = at_stage(Stage.IN_PROGRESS)
    story.do(Action.PROPOSE_PARTIAL_REFUND, BUYER, Payload(text="Less work.", amount=2_500))
    story.do(Action.ACCEPT_PARTIAL_REFUND, SELLER)
    story.do(Action.EXPIRE, SYSTEM, at=T0 + Settings().expiry)

    assert money(story) == {"escrow": 0, "seller": 0, "refunds": 2_500, "commission": 0, "expired": 7_500}


def test_an_order_never_expires_while_disputed():
    story = at_stage(Stage.DISPUTED)
    long_after = T0 + Settings().expiry + 30 * DAY

    assert Action.EXPIRE not in story.can(SYSTEM, at=long_after)
    result = story.attempt(Action.EXPIRE, SYSTEM, at=long_after)
    assert isinstance(result, Refusal) and result.code is Refused.STAGE
    assert result.order is story.order
    assert money(story) == held(10_000)


def test_expiry_uses_the_configured_duration():
    story = ordered(settings=Settings(expiry=timedelta(minutes=5), acceptance=timedelta(hours=1)))
    assert story.order.deadline(Deadline.EXPIRY) == T0 + timedelta(minutes=5)
    story.do(Action.EXPIRE, SYSTEM, at=T0 + timedelta(minutes=5))

    assert story.order.stage is Stage.EXPIRED


# === completed: reviews =========================================================================


def test_buyer_reviews_a_completed_order_once_within_six_months():
    story = at_stage(Stage.COMPLETED)
    closed = story.order.closed_at
    outcome = story.do(Action.REVIEW, BUYER, Payload(text="Great fox.", positive=True), at=closed + 180 * DAY)

    assert outcome.order.stage is Stage.COMPLETED
    assert outcome.order.review is not None
    assert (outcome.order.review.positive, outcome.order.review.comment) == (True, "Great fox.")
    assert outcome.moves == ()
    assert told(outcome) == {Role.SELLER}

    again = story.attempt(Action.REVIEW, BUYER, Payload(text="Even better.", positive=True))
    assert_refused(again, Refused.CONDITION, story, BUYER)


def test_review_is_refused_after_six_months():
    story = at_stage(Stage.COMPLETED)
    late = story.order.closed_at + 180 * DAY + SECOND
    result = story.attempt(Action.REVIEW, BUYER, Payload(text="Late.", positive=False), at=late)

    assert isinstance(result, Refusal) and result.code is Refused.CONDITION
    assert result.order is story.order


def test_review_must_say_positive_or_negative():
    story = at_stage(Stage.COMPLETED)
    result = story.attempt(Action.REVIEW, BUYER, Payload(text="Meh."))

    assert_refused(result, Refused.INPUT, story, BUYER)


def test_seller_replies_once_to_a_review():
    story = at_stage(Stage.COMPLETED)
    assert Action.REPLY_REVIEW not in story.can(SELLER)  # nothing to reply to yet
    story.do(Action.REVIEW, BUYER, Payload(text="Too blue.", positive=False), after=HOUR)
    outcome = story.do(Action.REPLY_REVIEW, SELLER, Payload(text="It was in the brief."), after=HOUR)

    assert outcome.order.review is not None
    assert (outcome.order.review.reply, outcome.order.review.reply_at) == ("It was in the brief.", story.now)
    assert outcome.order.stage is Stage.COMPLETED
    assert told(outcome) == {Role.BUYER}

    again = story.attempt(Action.REPLY_REVIEW, SELLER, Payload(text="And another thing."))
    assert_refused(again, Refused.CONDITION, story, SELLER)


# === refusals, one per kind =====================================================================


def test_a_stranger_is_refused_with_stranger_and_offered_nothing():
    story = at_stage(Stage.DELIVERED)
    snapshot = copy.deepcopy(story.order)
    result = assert_refused(story.attempt(Action.COMPLETE, STRANGER), Refused.STRANGER, story, STRANGER)

    assert result.allowed == ()
    assert story.order == snapshot


def test_a_party_acting_out_of_role_is_refused_with_role_and_told_what_is_possible():
    story = at_stage(Stage.DELIVERED)
    result = assert_refused(story.attempt(Action.COMPLETE, SELLER), Refused.ROLE, story, SELLER)

    assert result.allowed == (Action.OPEN_DISPUTE,)
    assert "Open a dispute" in result.render("en")


def test_a_moderator_is_never_a_party_to_their_own_order():
    buyer_moderator = Viewer(BUYER.account, moderator=True)
    story = at_stage(Stage.IN_PROGRESS)
    result = story.attempt(Action.FREEZE, buyer_moderator, Payload(text="Mine."))

    assert_refused(result, Refused.ROLE, story, buyer_moderator)
    assert Action.FREEZE not in story.can(buyer_moderator)


def test_an_action_of_another_stage_is_refused_with_stage_and_told_what_is_possible():
    story = ordered()
    result = assert_refused(story.attempt(Action.COMPLETE, BUYER), Refused.STAGE, story, BUYER)

    assert set(result.allowed) == {Action.EDIT_BRIEF, Action.CANCEL}
    assert "Possible now" in result.render("en")


def test_an_unmet_guard_is_refused_with_condition_seller_cannot_accept_an_empty_brief():
    story = ordered(brief="")
    result = assert_refused(story.attempt(Action.ACCEPT, SELLER), Refused.CONDITION, story, SELLER)

    assert result.allowed == (Action.DECLINE,)
    story.briefed()
    assert story.do(Action.ACCEPT, SELLER).order.stage is Stage.IN_PROGRESS


def test_a_second_cancellation_request_while_one_is_open_is_refused_with_condition():
    story = at_stage(Stage.IN_PROGRESS).cancellation_requested()
    result = story.attempt(Action.REQUEST_CANCELLATION, BUYER, Payload(text="Again."))

    assert_refused(result, Refused.CONDITION, story, BUYER)


def test_bad_input_is_refused_with_input_an_empty_delivery():
    story = at_stage(Stage.IN_PROGRESS)
    result = assert_refused(story.attempt(Action.DELIVER, SELLER, Payload(text="  ")), Refused.INPUT, story, SELLER)

    assert Action.DELIVER in result.allowed
    assert story.order.deliveries == ()


def test_a_stale_button_is_refused_with_version_and_shows_where_the_order_stands():
    story = ordered()
    drawn_at = story.order.version
    story.accepted()
    result = story.attempt(Action.CANCEL, BUYER, version=drawn_at)

    assert_refused(result, Refused.VERSION, story, BUYER)
    assert story.order.stage is Stage.IN_PROGRESS
    assert story.attempt(Action.OPEN_DISPUTE, BUYER, REASON, version=story.order.version).order.stage is Stage.DISPUTED


def test_an_action_that_is_no_order_action_is_refused_with_unknown():
    story = ordered()
    result = story.attempt(Action.PLACE_ORDER, BUYER)

    assert_refused(result, Refused.UNKNOWN, story, BUYER)


# === place-order guards =========================================================================


def place(offer: Offer = OFFER, buyer: Viewer = BUYER, *, paid: int | None = None, options: tuple[Option, ...] = (),
          tip: int = 0, seller_suspended: bool = False) -> Outcome | Refusal:
    price = offer.price + sum(option.price for option in options)
    return place_order("B1", offer, buyer, T0, Settings(), paid=price + tip if paid is None else paid,
                       options=options, tip=tip, brief=BRIEF, seller_suspended=seller_suspended)


def assert_order_refused(result: Outcome | Refusal, code: Refused) -> None:
    assert isinstance(result, Refusal), f"expected a {code.value} refusal, got an order"
    assert result.code is code
    assert result.order is None
    for lang in ("en", "fr"):
        assert result.render(lang).strip()


def test_an_inactive_offer_cannot_be_ordered():
    assert_order_refused(place(Offer(**{**OFFER.__dict__, "active": False})), Refused.OFFER)


def test_a_suspended_sellers_offer_cannot_be_ordered():
    assert_order_refused(place(seller_suspended=True), Refused.SUSPENDED)


def test_a_seller_cannot_order_their_own_offer():
    assert_order_refused(place(buyer=SELLER), Refused.ROLE)


def test_a_tip_above_20_percent_of_the_price_is_refused_and_exactly_20_percent_is_accepted():
    # the price includes the options: 10 000 + 2 000, so the cap is 2 400
    assert_order_refused(place(options=(EXPRESS,), tip=2_401), Refused.INPUT)
    assert_order_refused(place(tip=-1), Refused.INPUT)
    accepted = place(options=(EXPRESS,), tip=2_400)
    assert isinstance(accepted, Outcome) and accepted.order.total == 14_400


@pytest.mark.parametrize("paid", [0, 9_999, 10_001], ids=["nothing", "short", "over"])
def test_an_order_needs_a_payment_confirmed_for_the_full_amount(paid):
    assert_order_refused(place(paid=paid), Refused.CONDITION)


def test_an_option_that_does_not_belong_to_the_offer_is_refused():
    foreign = Option("voiceover", "Voice-over", price=1_000)
    assert_order_refused(place(options=(foreign,)), Refused.INPUT)
    assert_order_refused(place(options=(EXPRESS, EXPRESS)), Refused.INPUT)


# === time-based actions: refused before their deadline, done after ==============================

TIMERS: list[tuple[str, Callable[[], Story], Action, Deadline]] = [
    ("acceptance", lambda: ordered(), Action.ACCEPTANCE_TIMEOUT, Deadline.ACCEPTANCE),
    ("delivery", lambda: at_stage(Stage.IN_PROGRESS), Action.DELIVERY_OVERDUE, Deadline.DELIVERY),
    ("cancellation-answer", lambda: at_stage(Stage.IN_PROGRESS).cancellation_requested(),
     Action.CANCELLATION_ANSWER_OVERDUE, Deadline.CANCELLATION_ANSWER),
    ("review-window", lambda: at_stage(Stage.DELIVERED), Action.REVIEW_WINDOW_CLOSE, Deadline.REVIEW_WINDOW),
    ("revision-answer", lambda: at_stage(Stage.REVISION_REQUESTED), Action.REVISION_ANSWER_OVERDUE,
     Deadline.REVISION_ANSWER),
    ("revision-choice", lambda: at_stage(Stage.REVISION_REFUSED), Action.REVISION_CHOICE_TIMEOUT,
     Deadline.REVISION_REFUSED_CHOICE),
    ("extension-answer", lambda: extension_asked(at_stage(Stage.IN_PROGRESS)), Action.EXTENSION_ANSWER_OVERDUE,
     Deadline.EXTENSION_ANSWER),
    ("expiry", lambda: at_stage(Stage.IN_PROGRESS), Action.EXPIRE, Deadline.EXPIRY),
]


@pytest.mark.parametrize("make, action, deadline", [t[1:] for t in TIMERS], ids=[t[0] for t in TIMERS])
def test_a_system_action_is_refused_before_its_deadline_and_done_once_it_passes(make, action, deadline):
    story = make()
    due = story.order.deadline(deadline)
    assert due is not None

    early = story.attempt(action, SYSTEM, at=due - SECOND)
    assert isinstance(early, Refusal) and early.code is Refused.CONDITION
    assert early.order is story.order
    assert early.render("en").strip() and early.render("fr").strip()
    assert action not in story.can(SYSTEM, at=due - SECOND)

    assert action in story.can(SYSTEM, at=due)
    done = story.do(action, SYSTEM, at=due)
    assert done.order.deadline(deadline) is None  # a deadline fires once
    assert isinstance(story.attempt(action, SYSTEM, at=due + DAY), Refusal)


# === coverage of the table ======================================================================


def _row_key(action: Action, sources: set[Stage], to: Stage | None) -> tuple:
    return action, frozenset(sources), to


_ANY_PARTY_STAGE = {Stage.IN_PROGRESS, Stage.DELIVERED, Stage.REVISION_REQUESTED, Stage.REVISION_REFUSED}
_ANY_OPEN_BUT_DISPUTED = _ANY_PARTY_STAGE | {Stage.PENDING}
P, W, DLV, RQ, RF, DSP = ({Stage.PENDING}, {Stage.IN_PROGRESS}, {Stage.DELIVERED}, {Stage.REVISION_REQUESTED},
                          {Stage.REVISION_REFUSED}, {Stage.DISPUTED})

#: every row of core.table.TABLE and the test that covers it
ROW_TESTS = {
    _row_key(Action.EDIT_BRIEF, P, None): test_buyer_edits_the_brief_and_sends_files_while_pending,
    _row_key(Action.ACCEPT, P, Stage.IN_PROGRESS): test_seller_accepts_a_briefed_order_and_the_delivery_deadline_starts,
    _row_key(Action.DECLINE, P, Stage.CANCELLED): test_seller_declines_a_pending_order_and_the_buyer_is_refunded_in_full_tip_included,
    _row_key(Action.CANCEL, P, Stage.CANCELLED): test_buyer_cancels_a_pending_order_at_once_without_consent_and_is_refunded_in_full,
    _row_key(Action.ACCEPTANCE_TIMEOUT, P, Stage.CANCELLED): test_unaccepted_order_is_cancelled_and_refunded_after_48_hours,
    _row_key(Action.REQUEST_EXTENSION, W, None): test_seller_asks_for_more_days_with_a_reason_and_the_buyer_has_48_hours_to_answer,
    _row_key(Action.ACCEPT_EXTENSION, W, None): test_buyer_accepts_an_extension_and_the_delivery_deadline_moves_by_its_days,
    _row_key(Action.DECLINE_EXTENSION, W, None): test_buyer_declines_an_extension_with_an_optional_reason_and_the_deadline_stays,
    _row_key(Action.EXTENSION_ANSWER_OVERDUE, W, None): test_an_unanswered_extension_request_lapses_after_48_hours_as_declined_and_both_are_told,
    _row_key(Action.REQUEST_CANCELLATION, W, None): test_buyer_requests_cancellation_and_the_seller_has_48_hours_to_answer,
    _row_key(Action.WITHDRAW_CANCELLATION, W, None): test_buyer_withdraws_a_cancellation_request_and_the_order_goes_on,
    _row_key(Action.ACCEPT_CANCELLATION, W, Stage.CANCELLED): test_seller_accepts_a_cancellation_request_and_the_buyer_is_refunded_in_full,
    _row_key(Action.REFUSE_CANCELLATION, W, Stage.DISPUTED): test_second_refused_cancellation_before_any_delivery_opens_a_dispute,
    _row_key(Action.REFUSE_CANCELLATION, W, None): test_first_refused_cancellation_keeps_the_order_in_progress,
    _row_key(Action.CANCELLATION_ANSWER_OVERDUE, W, None): test_unanswered_cancellation_request_stays_open_and_the_buyer_gains_open_dispute,
    _row_key(Action.CANCEL, W, Stage.CANCELLED): test_seller_cancels_an_order_in_progress_and_the_buyer_is_refunded_in_full,
    _row_key(Action.DELIVERY_OVERDUE, W, None): test_order_not_delivered_by_its_deadline_is_marked_late_and_the_buyer_gains_cancel_late,
    _row_key(Action.CANCEL_LATE, W, Stage.CANCELLED): test_buyer_cancels_a_late_order_without_consent_and_is_refunded_in_full,
    _row_key(Action.DELIVER, W, Stage.DELIVERED): test_seller_delivers_and_the_seven_day_review_window_starts,
    _row_key(Action.PROPOSE_PARTIAL_REFUND, W, None): test_buyer_proposes_a_partial_refund_and_it_waits_for_the_seller,
    _row_key(Action.WITHDRAW_PARTIAL_REFUND, W, None): test_buyer_withdraws_a_partial_refund_proposal_before_the_seller_answers,
    _row_key(Action.ACCEPT_PARTIAL_REFUND, W, None): test_seller_accepts_a_partial_refund_it_is_paid_back_at_once_and_the_order_goes_on,
    _row_key(Action.DECLINE_PARTIAL_REFUND, W, None): test_seller_declines_a_partial_refund_and_nothing_is_refunded,
    _row_key(Action.COMPLETE, DLV, Stage.COMPLETED): test_buyer_completes_a_delivery_and_the_escrow_is_released_to_the_seller_minus_commission,
    _row_key(Action.REQUEST_REVISION, DLV, Stage.REVISION_REQUESTED): test_buyer_requests_a_revision_and_the_seller_has_48_hours_to_answer,
    _row_key(Action.REVIEW_WINDOW_CLOSE, DLV, Stage.COMPLETED): test_delivery_closes_and_pays_the_seller_without_a_review_after_seven_days,
    _row_key(Action.REPORT_DELIVERY, DLV, Stage.DISPUTED): test_buyer_reports_an_empty_or_fake_delivery_and_the_moderators_are_alerted,
    _row_key(Action.ACCEPT_REVISION, RQ, Stage.IN_PROGRESS): test_seller_accepts_a_revision_and_a_new_delivery_deadline_starts_from_the_offers_revision_time,
    _row_key(Action.REFUSE_REVISION, RQ, Stage.REVISION_REFUSED): test_seller_refuses_a_revision_and_the_buyer_has_seven_days_to_choose,
    _row_key(Action.REVISION_ANSWER_OVERDUE, RQ, None): test_unanswered_revision_request_reminds_both_and_the_buyer_gains_open_dispute,
    _row_key(Action.COMPLETE, RF, Stage.COMPLETED): test_buyer_completes_after_a_refused_revision_and_the_seller_is_paid,
    _row_key(Action.REVISION_CHOICE_TIMEOUT, RF, Stage.COMPLETED): test_order_closes_and_pays_the_seller_seven_days_after_a_refused_revision,
    _row_key(Action.CANCEL, RF, Stage.CANCELLED): test_seller_cancels_after_refusing_a_revision_and_the_buyer_is_refunded_in_full,
    _row_key(Action.OPEN_DISPUTE, _ANY_PARTY_STAGE, Stage.DISPUTED): test_either_party_opens_a_dispute_in_any_open_stage_but_pending_and_the_timers_freeze,
    _row_key(Action.TAKE_DISPUTE, DSP, None): test_a_moderator_takes_a_dispute_and_no_other_moderator_can_take_it_again,
    _row_key(Action.REFUND_ALL, DSP, Stage.CANCELLED): test_moderator_refunds_the_buyer_in_full_to_settle_a_dispute,
    _row_key(Action.PAY_SELLER, DSP, Stage.COMPLETED): test_moderator_pays_the_seller_to_settle_a_dispute,
    _row_key(Action.SPLIT, DSP, Stage.COMPLETED): test_moderator_splits_a_dispute_refunding_the_amount_to_the_buyer_and_releasing_the_rest,
    _row_key(Action.RESUME, DSP, Stage.IN_PROGRESS): test_moderator_resumes_a_dispute_with_a_new_delivery_deadline_of_the_given_days,
    _row_key(Action.FREEZE, _ANY_OPEN_BUT_DISPUTED, Stage.DISPUTED): test_freeze_then_unfreeze_restores_the_previous_stage_and_its_deadlines_with_the_same_time_left,
    _row_key(Action.UNFREEZE, DSP, None): test_freeze_then_unfreeze_restores_the_previous_stage_and_its_deadlines_with_the_same_time_left,
    _row_key(Action.EXPIRE, _ANY_OPEN_BUT_DISPUTED, Stage.EXPIRED): test_unfinished_order_expires_five_months_after_payment_and_the_funds_go_to_the_platform,
    _row_key(Action.REVIEW, {Stage.COMPLETED}, None): test_buyer_reviews_a_completed_order_once_within_six_months,
    _row_key(Action.REPLY_REVIEW, {Stage.COMPLETED}, None): test_seller_replies_once_to_a_review,
}


def test_every_row_of_the_transition_table_has_its_own_test():
    rows = [_row_key(row.action, set(row.sources), row.to) for row in TABLE]

    assert len(rows) == len(set(rows)), "two rows of the table share an action, sources and target"
    assert set(rows) - set(ROW_TESTS) == set(), "rows of core.table.TABLE without a test here"
    assert set(ROW_TESTS) - set(rows) == set(), "tests here for rows that are no longer in core.table.TABLE"


def test_a_free_offer_or_a_tip_that_is_not_a_number_is_refused_not_crashed():
    free = Offer("free", "sue", "Free", "", 0, "EUR", 1)
    assert place_order("F1", free, Viewer("bob"), T0, Settings(), paid=0).code is Refused.OFFER
    priced = Offer("p", "sue", "Priced", "", 1_000, "EUR", 1)
    assert place_order("F2", priced, Viewer("bob"), T0, Settings(), paid=1_001, tip=True).code is Refused.INPUT
