"""The chat policy, timers and reminders, the order card, button payloads and seller statistics."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from core.buttons import BadButton, ButtonData
from bots.render import money
from core.card import Money, order_card, progress_bar, render_text
from core.i18n import use_money_format
from core.chat import may_send, mask_contacts
from core.engine import apply, place_order
from core.model import SYSTEM, Action, Deadline, Offer, Payload, Stage, Viewer
from core.settings import Settings
from core.stats import seller_stats
from core.i18n import Moment, Text, from_json, to_json
from core.deadlines import CHAT_END, Timer, TimerKind, plan, reminder, timers

S = Settings()
T0 = datetime(2026, 2, 2, 8, 0, tzinfo=timezone.utc)
BUYER, SELLER, MOD = Viewer("ben"), Viewer("ana"), Viewer("mo", moderator=True)
OFFER = Offer("logo", "ana", "A logo", "", 10_000, "EUR", 3)


def placed(order_id="X1", now=T0):
    return place_order(order_id, OFFER, BUYER, now, S, paid=10_000, brief="A fox")


def run(order, *steps):
    """Applies (action, viewer, payload) steps, failing loudly on a refusal; returns outcomes."""
    outcomes = []
    for action, viewer, *rest in steps:
        result = apply(order, action, viewer, rest[1] if len(rest) > 1 else T0, S, rest[0] if rest else Payload())
        assert not hasattr(result, "code"), result.render("en")
        outcomes.append(result)
        order = result.order
    return order, outcomes


def delivered():
    order, _ = run(placed().order, (Action.ACCEPT, SELLER), (Action.DELIVER, SELLER, Payload(text="done")))
    return order


# chat

def test_the_chat_is_open_while_the_seller_works():
    order, _ = run(placed().order, (Action.ACCEPT, SELLER))
    assert may_send(order, BUYER, T0, S).allowed and may_send(order, SELLER, T0, S).allowed


def test_the_chat_is_blocked_both_ways_during_the_delivery_window_and_says_until_when_and_how_to_reopen_it():
    order = delivered()
    buyer, seller = may_send(order, BUYER, T0, S), may_send(order, SELLER, T0, S)
    assert not buyer.allowed and not seller.allowed
    assert buyer.until == T0 + S.review_window
    assert buyer.unblock == (Action.COMPLETE, Action.REQUEST_REVISION) and seller.unblock == ()
    assert "revision" in buyer.reason.render("en")


def test_a_revision_request_reopens_the_chat():
    order, _ = run(delivered(), (Action.REQUEST_REVISION, BUYER, Payload(text="bigger fox")))
    assert may_send(order, SELLER, T0, S).allowed


def test_a_dispute_chat_is_three_way_with_the_moderator_who_took_it():
    order, _ = run(delivered(), (Action.OPEN_DISPUTE, SELLER, Payload(text="no answer")))
    assert not may_send(order, MOD, T0, S).allowed
    order, _ = run(order, (Action.TAKE_DISPUTE, MOD))
    assert all(may_send(order, v, T0, S).allowed for v in (BUYER, SELLER, MOD))
    assert not may_send(order, Viewer("mo2", moderator=True), T0, S).allowed


def test_the_chat_stays_open_seven_days_after_closing_then_ends():
    order, _ = run(delivered(), (Action.COMPLETE, BUYER))
    assert may_send(order, BUYER, T0 + timedelta(days=6), S).allowed
    assert not may_send(order, BUYER, T0 + timedelta(days=7), S).allowed


def test_strangers_cannot_write_in_an_order_chat():
    assert not may_send(placed().order, Viewer("eve"), T0, S).allowed


@pytest.mark.parametrize("text", ["write me at ana.b@example.org", "call +33 6 12 34 56 78", "t.me/anabiz",
                                  "ping me @ana_design on insta", "discord.gg/abcdef"])
def test_contact_details_are_masked_and_flagged(text):
    masked, flagged = mask_contacts(text)
    assert flagged and masked != text and "[…]" in masked


def test_ordinary_messages_are_left_alone():
    assert mask_contacts("The logo is 300 px wide, version 2.1, ready at 14:30") == (
        "The logo is 300 px wide, version 2.1, ready at 14:30", False)


# timers

def test_each_deadline_gets_the_reminders_set_for_it():
    order = placed().order
    assert timers(order, S) == {
        TimerKind(Deadline.ACCEPTANCE): T0 + timedelta(hours=48),
        TimerKind(Deadline.ACCEPTANCE, timedelta(hours=24)): T0 + timedelta(hours=24),
        TimerKind(Deadline.ACCEPTANCE, timedelta(hours=2)): T0 + timedelta(hours=46),
        TimerKind(Deadline.EXPIRY): T0 + S.expiry,
    }


def test_a_move_cancels_the_old_stage_timers_and_schedules_the_new_ones_without_touching_the_rest():
    before = placed().order
    after, _ = run(before, (Action.ACCEPT, SELLER))
    change = plan(before, after, T0, S)
    assert [kind.format() for kind in change.cancel] == ["acceptance", "acceptance@7200", "acceptance@86400"]
    assert [t.kind.format() for t in change.schedule] == ["delivery", "delivery@86400"]


def test_reminders_already_in_the_past_are_not_scheduled_anew():
    short = Offer("x", "ana", "x", "", 100, "EUR", 1)
    order = place_order("X2", short, BUYER, T0, S, paid=100, brief="b").order
    accepted, _ = run(order, (Action.ACCEPT, SELLER))
    change = plan(order, accepted, T0 + timedelta(hours=1), S)
    assert TimerKind(Deadline.DELIVERY, timedelta(hours=24)) not in {t.kind for t in change.schedule}  # due at T0, already past


def test_the_buyer_is_reminded_to_answer_a_request_for_more_time_24_hours_before_it_lapses():
    order, _ = run(placed().order, (Action.ACCEPT, SELLER),
                   (Action.REQUEST_EXTENSION, SELLER, Payload(text="More fur", days=2)))
    due = T0 + S.extension_answer
    day_ahead = TimerKind(Deadline.EXTENSION_ANSWER, timedelta(hours=24))
    assert timers(order, S)[day_ahead] == due - timedelta(hours=24)
    day_before = due - timedelta(hours=24)
    role, text = reminder(order, Timer(day_ahead, day_before), day_before, S)
    assert role.value == "buyer" and "asked for more time" in text.render("en")
    answered, _ = run(order, (Action.DECLINE_EXTENSION, BUYER))
    assert day_ahead not in timers(answered, S)
    assert reminder(answered, Timer(day_ahead, day_before), day_before, S) is None


def test_timer_kinds_stored_in_todays_format_read_back_as_the_same_kinds():
    stored = {"acceptance": TimerKind(Deadline.ACCEPTANCE),
              "acceptance@86400": TimerKind(Deadline.ACCEPTANCE, timedelta(hours=24)),
              "review_window@172800": TimerKind(Deadline.REVIEW_WINDOW, timedelta(hours=48)),
              "chat_end": CHAT_END}
    for text, kind in stored.items():
        assert TimerKind.parse(text) == kind and kind.format() == text == str(kind)
    assert TimerKind.parse("acceptance@86400").action is None and TimerKind.parse("expiry").action is Action.EXPIRE
    assert CHAT_END.ends_chat and not CHAT_END.is_reminder and CHAT_END.action is None


def test_a_stored_kind_that_is_no_timer_is_refused_rather_than_guessed():
    for text in ("nothing", "acceptance@", "acceptance@1h", "chat_end@60", ""):
        with pytest.raises(ValueError):
            TimerKind.parse(text)


def test_a_reminder_is_kept_to_the_second_as_it_is_stored():
    kind = TimerKind.reminder(Deadline.DELIVERY, timedelta(hours=24, microseconds=500))
    assert kind == TimerKind.parse("delivery@86400")


def test_a_moment_travels_through_the_outbox_and_reads_in_the_readers_zone():
    text = Text.of("{at}", at=Moment(datetime(2026, 3, 6, 23, 30, tzinfo=timezone.utc)))
    again = from_json(to_json(text))
    assert again == text
    assert again.render("en") == "2026-03-06 23:30 UTC"
    assert again.render("fr", ZoneInfo("Europe/Paris")) == "07/03/2026 00:30"


# cards

def test_the_card_shows_the_progress_the_dates_and_exactly_the_allowed_buttons_in_french():
    order = delivered()
    card = order_card(order, BUYER, T0, S)
    assert card.step == 5
    assert [b.data for b in card.buttons] == ["o:X1:complete:3", "o:X1:request_revision:3",
                                              "o:X1:report_delivery:3", "o:X1:open_dispute:3"]
    text = render_text(card, "fr", ZoneInfo("Europe/Paris"), T0)
    assert "●●●●◉○○" in text and "100,00\xa0€" in text and "09:00" in text


def test_a_reader_who_never_chose_a_zone_is_told_which_zone_the_times_are_in_and_how_to_choose():
    card = order_card(delivered(), BUYER, T0, S)
    chosen = render_text(card, "en", ZoneInfo("Europe/Paris"), T0)
    guessed = render_text(card, "en", ZoneInfo("Europe/Paris"), T0, zone_note=True)
    assert "Times are in" not in chosen and "UTC+" not in chosen  # dates carry no offset once a zone is chosen
    assert guessed.endswith("Times are in Europe/Paris, UTC+01:00: /timezone to use yours.")


def test_the_card_that_ends_an_order_speaks_to_its_reader():
    completed, _ = run(delivered(), (Action.COMPLETE, BUYER))
    assert order_card(completed, SELLER, T0, S).next_step.render("en") == "Completed: you were paid."
    assert order_card(completed, MOD, T0, S).next_step.render("en") == "Completed: the seller was paid."


def test_a_stranger_sees_no_buttons_and_the_system_gets_none_either():
    assert order_card(placed().order, Viewer("eve"), T0, S).buttons == ()
    assert order_card(placed().order, SYSTEM, T0, S).buttons == ()


def test_a_cancelled_order_shows_a_crossed_last_step():
    assert progress_bar(7, Stage.CANCELLED) == "●●●●●●✕" and progress_bar(7, Stage.COMPLETED) == "●●●●●●●"


def test_money_is_shown_from_minor_units_in_the_readers_locale_with_the_currencys_symbol():
    assert Money(123456, "EUR").render("en") == "€1,234.56"
    assert Money(123456, "EUR").render("fr") == "1\u202f234,56\xa0€"
    assert Money(250, "XTR").render("en") == "⭐ 250" and Money(1_500, "XTR").render("fr") == "⭐ 1\u202f500"
    assert Money(1_500, "JPY").render("en") == "¥1,500"


def test_without_a_locale_library_core_writes_amounts_plainly():
    use_money_format(None)
    try:
        assert Money(123456, "EUR").render("fr") == "1\u202f234,56 EUR" and Money(250, "XTR").render("en") == "250 XTR"
    finally:
        use_money_format(money)


# buttons

def test_button_payloads_round_trip_and_fit_telegram():
    data = ButtonData("ABCDEFGHJKLMNPQRSTUV", Action.WITHDRAW_PARTIAL_REFUND, 999_999_999)
    assert ButtonData.decode(data.encode()) == data and len(data.encode().encode()) <= 64


@pytest.mark.parametrize("forged", ["", "o:X1:accept", "o:X1:steal:1", "x:X1:accept:1", "o:X 1:accept:1",
                                    "o:X1:accept:-1", "o:X1:accept:01", "o:X1:accept:1:2", "o:" + "A" * 21 + ":accept:1"])
def test_forged_button_payloads_are_rejected(forged):
    with pytest.raises(BadButton):
        ButtonData.decode(forged)


# statistics

def test_seller_statistics_come_from_events():
    a = placed("A")
    late_start = T0 + timedelta(hours=10)
    order_a, outs_a = run(a.order, (Action.ACCEPT, SELLER, Payload(), T0 + timedelta(hours=2)),
                          (Action.DELIVER, SELLER, Payload(text="x"), T0 + timedelta(days=1)),
                          (Action.COMPLETE, BUYER, Payload(positive=True), T0 + timedelta(days=2)))
    b = placed("B", late_start)
    _, outs_b = run(b.order, (Action.ACCEPT, SELLER, Payload(), late_start + timedelta(hours=4)),
                    (Action.CANCEL, SELLER, Payload(), late_start + timedelta(hours=5)))
    c = placed("C")
    _, outs_c = run(c.order, (Action.CANCEL, BUYER))  # the buyer's own choice: not the seller's failure
    events = [e for r in (a, *outs_a, b, *outs_b, c, *outs_c) for e in r.events]
    stats = seller_stats("ana", events)
    assert stats.orders == 3 and stats.deliveries == 1 and stats.on_time_rate == 1.0
    assert stats.completion_rate == 0.5
    assert stats.median_time_to_accept == timedelta(hours=3)
    assert stats.positive_reviews == 1
    assert seller_stats("someone else", events).orders == 0


def test_an_order_delivered_within_its_extended_deadline_is_on_time_extended_not_late():
    def delivered_after(order_id, days_late, extension_days=None):
        steps = [(Action.ACCEPT, SELLER, Payload(), T0)]
        if extension_days:
            steps += [(Action.REQUEST_EXTENSION, SELLER, Payload(text="More fur", days=extension_days), T0),
                      (Action.ACCEPT_EXTENSION, BUYER, Payload(), T0)]
        steps.append((Action.DELIVER, SELLER, Payload(text="x"), T0 + timedelta(days=3 + days_late)))
        start = placed(order_id)
        return [e for r in (start, *run(start.order, *steps)[1]) for e in r.events]

    events = delivered_after("A", 0) + delivered_after("B", 2, extension_days=2) + delivered_after("C", 1)
    stats = seller_stats("ana", events)
    assert stats.deliveries == 3
    assert stats.on_time_rate == 2 / 3  # the extended one was on time: its deadline was the extended one
    assert (stats.extended, stats.late) == (1, 1)


def test_an_extension_counts_only_for_the_delivery_it_extended():
    order, outcomes = run(placed("A").order, (Action.ACCEPT, SELLER),
                          (Action.REQUEST_EXTENSION, SELLER, Payload(text="More fur", days=1)),
                          (Action.ACCEPT_EXTENSION, BUYER),
                          (Action.DELIVER, SELLER, Payload(text="v1"), T0 + timedelta(days=4)),
                          (Action.REQUEST_REVISION, BUYER, Payload(text="Smile"), T0 + timedelta(days=4)),
                          (Action.ACCEPT_REVISION, SELLER, Payload(), T0 + timedelta(days=4)),
                          (Action.DELIVER, SELLER, Payload(text="v2"), T0 + timedelta(days=5)))
    stats = seller_stats("ana", [e for r in (placed("A"), *outcomes) for e in r.events])
    assert (stats.deliveries, stats.on_time_rate, stats.extended, stats.late) == (2, 1.0, 1, 0)
