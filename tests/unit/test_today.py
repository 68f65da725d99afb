"""The Today card: what needs each party now, late first then by deadline, capped, and the morning digest's clock."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.i18n import from_json, to_json
from core.model import SYSTEM, Action, Payload, Role, Stage
from core.today import (
    Digest, Need, TodayRules, TodayState, digest_decision, need_of, next_digest, today_of,
)
from tests.unit.orders import DAY, HOUR, SELLER, at_stage, ordered

RULES = TodayRules()
PARIS = ZoneInfo("Europe/Paris")


def needs(card):
    return [(line.order_id, line.need) for line in card.lines]


def test_a_seller_sees_an_order_to_accept_and_its_buyer_nothing_once_the_brief_is_written():
    story = ordered()
    order, now = story.order, story.now
    assert need_of(order, Role.SELLER, now, RULES) == (Need.TO_ACCEPT, order.deadline(order.deadlines[0][0]))
    assert need_of(order, Role.BUYER, now, RULES) is None


def test_a_buyer_who_has_not_written_the_brief_sees_it_and_the_seller_does_not_see_it_to_accept():
    order = ordered(brief="").order
    assert need_of(order, Role.BUYER, order.paid_at, RULES)[0] is Need.WRITE_BRIEF
    assert need_of(order, Role.SELLER, order.paid_at, RULES) is None


def test_an_order_in_progress_is_due_soon_within_24_hours_of_its_deadline_and_late_after_it():
    story = at_stage(Stage.IN_PROGRESS)  # five days to deliver
    assert need_of(story.order, Role.SELLER, story.now, RULES) is None
    assert need_of(story.order, Role.SELLER, story.now + 4 * DAY + HOUR, RULES)[0] is Need.DUE_SOON
    story.do(Action.DELIVERY_OVERDUE, SYSTEM, after=6 * DAY)
    assert need_of(story.order, Role.SELLER, story.now, RULES)[0] is Need.LATE


def test_each_party_sees_what_is_theirs_at_each_stage():
    cases = [
        (Stage.DELIVERED, Role.BUYER, Need.CHECK_DELIVERY),
        (Stage.DELIVERED, Role.SELLER, None),
        (Stage.REVISION_REQUESTED, Role.SELLER, Need.REVISION),
        (Stage.REVISION_REQUESTED, Role.BUYER, None),
        (Stage.REVISION_REFUSED, Role.BUYER, Need.REVISION_REFUSED),
        (Stage.DISPUTED, Role.BUYER, Need.DISPUTE),
        (Stage.DISPUTED, Role.SELLER, Need.DISPUTE),
        (Stage.COMPLETED, Role.SELLER, None),
    ]
    for stage, role, need in cases:
        story = at_stage(stage)
        found = need_of(story.order, role, story.now, RULES)
        assert (found[0] if found else None) is need, (stage, role)


def test_a_cancellation_request_is_for_the_seller_to_answer_and_an_extension_for_the_buyer():
    story = at_stage(Stage.IN_PROGRESS).cancellation_requested()
    assert need_of(story.order, Role.SELLER, story.now, RULES)[0] is Need.CANCELLATION
    story = at_stage(Stage.IN_PROGRESS)
    story.do(Action.REQUEST_EXTENSION, SELLER, Payload(text="The printer broke.", days=2), after=HOUR)
    assert need_of(story.order, Role.BUYER, story.now, RULES)[0] is Need.EXTENSION


def test_late_comes_first_then_the_nearest_deadline_and_disputes_without_one_last():
    late = at_stage(Stage.IN_PROGRESS, order_id="LATE")
    late.order = replace(late.order, late=True)
    accept_later = ordered(order_id="B", at=late.now)  # accepted within 48 h
    accept_sooner = ordered(order_id="C", at=late.now - DAY)  # within 24 h
    dispute = at_stage(Stage.DISPUTED, order_id="D")
    orders = [dispute.order, accept_later.order, late.order, accept_sooner.order]
    card = today_of(SELLER.account, orders, late.now, RULES)
    assert needs(card) == [("LATE", Need.LATE), ("C", Need.TO_ACCEPT), ("B", Need.TO_ACCEPT), ("D", Need.DISPUTE)]
    assert [b.data for b in card.buttons] == ["x:card:LATE", "x:card:C", "x:card:B", "x:card:D"]


def test_nothing_to_do_says_so_and_offers_to_turn_the_digest_off():
    card = today_of(SELLER.account, [at_stage(Stage.COMPLETED).order], datetime(2025, 3, 20, tzinfo=UTC), RULES)
    text = card.text("en", UTC, datetime(2025, 3, 20, tzinfo=UTC))
    assert card.empty and text == ("📌 Today\nNothing needs you today.\n"
                                   "A summary comes every morning at 08:00, your time.")
    assert card.toggle.data == "x:digest:off" and card.toggle.label.render("en") == "Turn off the morning digest"
    off = today_of(SELLER.account, [], datetime(2025, 3, 20, tzinfo=UTC), RULES, digest=False)
    assert off.toggle.data == "x:digest:on" and "summary" not in off.text("en", UTC, datetime(2025, 3, 20, tzinfo=UTC))


def test_a_long_list_shows_the_first_lines_and_counts_the_rest():
    orders = [ordered(order_id=f"O{n}", at=datetime(2025, 3, 3, n, tzinfo=UTC)).order for n in range(12)]
    card = today_of(SELLER.account, orders, datetime(2025, 3, 3, 12, tzinfo=UTC), replace(RULES, lines=5))
    assert [line.order_id for line in card.lines] == ["O0", "O1", "O2", "O3", "O4"] and card.more == 7
    text = card.text("fr", PARIS, datetime(2025, 3, 3, 12, tzinfo=UTC))
    assert text.splitlines()[-2] == "…et 7 de plus : /orders".replace(" :", "\u00a0:")


def test_a_line_says_what_and_by_when_in_the_readers_language_and_zone():
    story = ordered(order_id="AB12CD34")
    card = today_of(SELLER.account, [story.order], story.now, RULES)
    assert card.text("en", PARIS, story.now).splitlines()[1] == (
        "🆕 To accept: #AB12CD34 “A logo for your shop”, by 2025-03-05 10:00, in 2 d")
    assert card.text("fr", PARIS, story.now).splitlines()[1] == (
        "🆕 À accepter\u00a0: #AB12CD34 «\u00a0A logo for your shop\u00a0», avant le 05/03/2025 10:00, dans 2 j")


def test_the_digest_is_a_notice_to_the_person_with_each_lines_button_and_survives_the_outbox():
    story = ordered(order_id="AB12CD34")
    card = today_of(SELLER.account, [story.order], story.now, RULES)
    notice = card.digest_notice(date(2025, 3, 3))
    assert notice.account == SELLER.account and notice.key == f"today:{SELLER.account}:2025-03-03"
    assert [b.data for b in notice.buttons] == ["x:card:AB12CD34", "x:digest:off"]
    again = from_json(to_json(notice.text))
    assert again == notice.text
    assert again.render("en", UTC, story.now).startswith("☀️ Good morning! Here is what needs you today:\n🆕 To")


def test_the_next_digest_is_at_8_local_today_if_still_ahead_else_tomorrow_across_a_dst_change():
    at = time(8, 0)
    assert next_digest(datetime(2026, 3, 28, 6, 0, tzinfo=UTC), PARIS, at) == datetime(2026, 3, 28, 7, 0, tzinfo=UTC)
    assert next_digest(datetime(2026, 3, 28, 7, 0, tzinfo=UTC), PARIS, at) == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    montreal = ZoneInfo("America/Montreal")
    assert next_digest(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), montreal, at) == datetime(2026, 3, 2, 13, 0,
                                                                                         tzinfo=UTC)


def test_a_digest_is_sent_once_per_local_day_and_never_when_turned_off():
    now = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Paris
    due = TodayState("ana", digest_due=now)
    assert digest_decision(TodayState("ana"), PARIS, now, RULES) is Digest.PLAN
    assert digest_decision(due, PARIS, now, RULES) is Digest.SEND
    assert digest_decision(replace(due, last_digest=date(2026, 3, 2)), PARIS, now, RULES) is Digest.SKIP
    assert digest_decision(replace(due, digest_off=True), PARIS, now, RULES) is Digest.SKIP
    assert digest_decision(due, ZoneInfo("America/Montreal"), now, RULES) is Digest.SKIP  # 02:00 there
