"""The use cases over the in-memory unit of work: what a chat adapter calls."""

from dataclasses import replace
from datetime import timedelta

import pytest

from core.discussion import CustomOfferState, open_discussion, send_custom_offer
from core.events import Outcome, Refusal, Refused
from core.ledger import escrow, seller
from core.i18n import Text
from core.model import SYSTEM, Action, Deadline, Offer, Option, Payload, Role, Stage, Viewer
from core.ports import Outgoing
from core.service import Service
from core.settings import Settings
from core.deadlines import Timer, TimerKind
from tests.fakes.memory import FakeClock, MemoryUnitOfWork, Store

BUYER, SELLER = Viewer("ben"), Viewer("ana")
OFFER = Offer("logo", "ana", "A logo", "Vector logo", 10_000, "EUR", 3,
              options=(Option("express", "Express", 2_000, 0), Option("source", "Source files", 1_000, 1)))


@pytest.fixture
def world():
    store = Store(offers={OFFER.id: OFFER})
    clock = FakeClock()
    ids = iter(f"O{i}" for i in range(1, 100))
    return store, clock, Service(lambda **kw: MemoryUnitOfWork(store, **kw), clock, Settings(), lambda: next(ids))


async def due_timers(store, service, clock):
    """What the scheduler does: fire every due timer, oldest first."""
    fired = []
    for (order_id, kind), due in sorted(store.timers.items(), key=lambda kv: kv[1]):
        if due <= clock.now():
            fired.append((kind, await service.fire(order_id, Timer(TimerKind.parse(kind), due))))
    return fired


async def test_a_paid_checkout_places_an_order_with_the_chosen_options_and_schedules_its_deadlines(world):
    store, clock, service = world
    result = await service.place("logo", BUYER, paid=12_000, options=("source",), tip=1_000,
                                 brief="A fox")
    assert isinstance(result, Outcome)
    order = store.orders["O1"]
    assert order.price == 11_000 and order.delivery_days == 4
    assert store.ledger.balance(escrow("O1")) == 11_000 + order.tip
    assert store.timers[("O1", "acceptance")] == clock.now() + timedelta(hours=48)
    assert store.timers[("O1", "acceptance@7200")] == clock.now() + timedelta(hours=46)
    assert [n.to.value for n in store.outbox] == ["seller"]


async def test_an_unknown_option_or_offer_is_refused_and_nothing_is_stored(world):
    store, _, service = world
    assert (await service.place("logo", BUYER, paid=10_000, options=("gold",))).code is Refused.INPUT
    assert (await service.place("nope", BUYER, paid=10_000)).code is Refused.UNKNOWN
    assert store.orders == {} and store.ledger.total() == 0


async def test_a_double_tap_succeeds_once_and_the_second_tap_is_told_it_is_already_done(world):
    store, _, service = world
    await service.place("logo", BUYER, paid=10_000, brief="A fox")
    first = await service.act("O1", Action.ACCEPT, SELLER, version=1)
    second = await service.act("O1", Action.ACCEPT, SELLER, version=1)
    assert isinstance(first, Outcome) and first.order.stage is Stage.IN_PROGRESS
    assert isinstance(second, Refusal) and second.code is Refused.VERSION
    assert second.order.version == 2 and Action.DELIVER in second.allowed
    assert [e.action for e in store.events] == [Action.PLACE_ORDER, Action.ACCEPT]


async def test_a_race_lost_between_reading_and_writing_changes_nothing(world):
    store, _, service = world
    await service.place("logo", BUYER, paid=10_000, brief="A fox")

    class Racing(MemoryUnitOfWork):
        async def save(self, before, outcome, plan):  # the buyer cancels while the seller's accept is in flight
            racing = await service.act("O1", Action.CANCEL, BUYER)
            assert isinstance(racing, Outcome)
            await super().save(before, outcome, plan)

    racing_service = Service(lambda **kw: Racing(store, **kw), service.clock, service.settings)
    lost = await racing_service.act("O1", Action.ACCEPT, SELLER)
    assert isinstance(lost, Refusal) and lost.code is Refused.VERSION
    assert store.orders["O1"].stage is Stage.CANCELLED and lost.order.stage is Stage.CANCELLED
    assert store.ledger.total() == 0 and store.ledger.resolved == {"O1": "refund"}


async def test_reminders_fire_before_the_acceptance_deadline_and_the_deadline_cancels_and_refunds(world):
    store, clock, service = world
    await service.place("logo", BUYER, paid=10_000, brief="A fox")
    clock.advance(timedelta(hours=24))
    [(kind, (notice,))] = await due_timers(store, service, clock)
    assert kind == "acceptance@86400" and notice.to.value == "seller"
    clock.advance(timedelta(hours=30))  # the bot was down past the 2 h reminder and the deadline
    fired = dict(await due_timers(store, service, clock))
    assert fired["acceptance"].order.stage is Stage.CANCELLED
    closed = store.orders["O1"]
    assert closed.resolution.value == "refunded"
    assert store.timers == {("O1", "chat_end"): closed.closed_at + Settings().chat_after_closing}  # only that left


async def test_a_reminder_about_something_already_done_is_dropped(world):
    store, clock, service = world
    await service.place("logo", BUYER, paid=10_000, brief="A fox")
    stale = Timer(TimerKind.parse("acceptance@86400"), store.timers[("O1", "acceptance@86400")])
    await service.act("O1", Action.ACCEPT, SELLER)
    clock.advance(timedelta(hours=24))
    outbox_before = len(store.outbox)
    assert await service.fire("O1", stale) is None
    assert len(store.outbox) == outbox_before


async def test_a_silent_buyer_is_reminded_of_the_extension_request_then_it_lapses_and_both_are_told(world):
    store, clock, service = world
    await service.place("logo", BUYER, paid=10_000, brief="A fox")
    await service.act("O1", Action.ACCEPT, SELLER)
    due = store.orders["O1"].deadline(Deadline.DELIVERY)
    await service.act("O1", Action.REQUEST_EXTENSION, SELLER, Payload(text="More fur", days=2))
    clock.advance(timedelta(hours=24))
    [(kind, (notice,))] = await due_timers(store, service, clock)
    assert kind == "extension_answer@86400" and notice.to.value == "buyer"
    clock.advance(timedelta(hours=24))
    fired = dict(await due_timers(store, service, clock))
    lapsed = fired["extension_answer"]
    assert lapsed.order.extension is None and lapsed.order.deadline(Deadline.DELIVERY) == due
    assert {n.to.value for n in lapsed.notices} == {"buyer", "seller"}
    assert ("O1", "extension_answer") not in store.timers


async def test_silence_after_delivery_completes_the_order_and_pays_the_seller(world):
    store, clock, service = world
    await service.place("logo", BUYER, paid=10_000, brief="A fox")
    await service.act("O1", Action.ACCEPT, SELLER)
    await service.act("O1", Action.DELIVER, SELLER, Payload(text="Here"))
    assert (await service.chat("O1", BUYER)).allowed is False
    clock.advance(timedelta(days=7))
    fired = dict(await due_timers(store, service, clock))
    assert fired["review_window"].order.stage is Stage.COMPLETED
    assert store.ledger.balance(seller("ana")) == 10_000
    assert (await service.chat("O1", BUYER)).allowed is True


async def test_the_chat_of_a_closed_order_ends_on_time_both_parties_are_told_once_and_it_names_no_past_date(world):
    store, clock, service = world
    await service.place("logo", BUYER, paid=10_000, brief="A fox")
    await service.act("O1", Action.ACCEPT, SELLER)
    await service.act("O1", Action.DELIVER, SELLER, Payload(text="Here"))
    done = await service.act("O1", Action.COMPLETE, BUYER)
    ends = done.order.closed_at + service.settings.chat_after_closing
    assert store.timers == {("O1", "chat_end"): ends}
    clock.advance(service.settings.chat_after_closing - timedelta(minutes=1))
    assert await due_timers(store, service, clock) == [] and (await service.chat("O1", BUYER)).until == ends
    told = len(store.outbox)

    clock.advance(timedelta(minutes=1))
    [(kind, notices)] = await due_timers(store, service, clock)
    assert kind == "chat_end" and [n.to.value for n in notices] == ["buyer", "seller"]
    assert [n.text.render("en") for n in notices] == ["The chat of order #O1 has ended: messages about it are no "
                                                      "longer passed on."] * 2
    assert not any(n.with_card for n in notices) and store.outbox[told:] == list(notices)
    ended = await service.chat("O1", SELLER)
    assert not ended.allowed and ended.until is None  # over: no "until" in the past to show
    assert ended.reason.render("en") == "This order is closed and its chat has ended."

    await service.act("O1", Action.REVIEW, BUYER, Payload(positive=True))  # the order moves on after the end:
    assert store.timers == {}  # its chat ended once, it does not end again


async def test_a_custom_offer_is_paid_once_within_its_validity(world):
    store, clock, service = world
    talk = open_discussion("D1", OFFER, BUYER, clock.now())
    custom = send_custom_offer("C1", talk, SELLER, clock.now(), service.settings, title="Logo + card",
                               description="Both", price=15_000, currency="EUR", delivery_days=5)
    store.custom_offers["C1"] = custom
    first = await service.place("", BUYER, paid=15_000, custom_offer_id="C1", brief="Fox")
    again = await service.place("", BUYER, paid=15_000, custom_offer_id="C1", brief="Fox")
    assert isinstance(first, Outcome) and first.order.delivery_days == 5
    assert isinstance(again, Refusal) and again.code is Refused.STAGE
    assert store.custom_offers["C1"].state is CustomOfferState.PAID and store.custom_offers["C1"].order_id == "O1"


async def test_an_expired_custom_offer_cannot_be_paid(world):
    store, clock, service = world
    talk = open_discussion("D1", OFFER, BUYER, clock.now())
    store.custom_offers["C1"] = send_custom_offer("C1", talk, SELLER, clock.now(), service.settings, title="X",
                                                  description="", price=5_000, currency="EUR", delivery_days=2)
    clock.advance(timedelta(days=7))
    refusal = await service.place("", BUYER, paid=5_000, custom_offer_id="C1")
    assert refusal.code is Refused.STAGE and "expired" in refusal.render("en")


async def test_cards_are_shown_to_parties_and_moderators_only(world):
    store, _, service = world
    await service.place("logo", BUYER, paid=10_000, brief="A fox")
    card = await service.card("O1", SELLER)
    assert [b.data for b in card.buttons] == ["o:O1:accept:1", "o:O1:decline:1"]
    assert isinstance(await service.card("O1", Viewer("eve")), Refusal)
    assert (await service.card("O1", Viewer("mod", moderator=True))).buttons[0].data == "o:O1:freeze:1"


async def test_a_notices_card_is_drawn_from_the_order_it_carries_for_its_reader_without_reading_it(world):
    store, _, service = world
    placed = await service.place("logo", BUYER, paid=10_000, brief="A fox")
    store.orders.clear()  # nothing to read: the card comes from the order the notice carries
    notice = Outgoing("k", "telegram", "1", SELLER.account, "en", "UTC", "O1", Role.SELLER, Text.of("New order"),
                      order=placed.order)
    assert [b.data for b in service.notice_card(notice).buttons] == ["o:O1:accept:1", "o:O1:decline:1"]
    to_moderator = replace(notice, account_id="mod", role=Role.MODERATOR)
    assert service.notice_card(to_moderator).buttons[0].data == "o:O1:freeze:1"
    assert service.notice_card(replace(notice, account_id="eve")) is None
    assert service.notice_card(replace(notice, with_card=False)) is None
    assert service.notice_card(replace(notice, order=None)) is None


async def test_the_system_cannot_be_impersonated_by_a_person_pressing_a_deadline_action(world):
    store, _, service = world
    await service.place("logo", BUYER, paid=10_000, brief="A fox")
    refusal = await service.act("O1", Action.ACCEPTANCE_TIMEOUT, BUYER)
    assert refusal.code is Refused.ROLE and store.orders["O1"].stage is Stage.PENDING
    assert (await service.act("O1", Action.ACCEPTANCE_TIMEOUT, SYSTEM)).code is Refused.CONDITION


async def test_a_checkout_is_paid_once_even_if_the_payment_arrives_twice(world):
    store, _, service = world
    checkout = await service.checkout(BUYER, "manual", offer_id="logo", options=("source",), tip=500, brief="Fox")
    assert checkout.amount == 11_500 and store.orders == {}
    first = await service.pay(checkout.id, 11_500, "EUR", "charge-1")
    again = await service.pay(checkout.id, 11_500, "EUR", "charge-1")
    assert isinstance(first, Outcome) and again == first.order
    assert len(store.orders) == 1 and store.checkouts[checkout.id].order_id == first.order.id


async def test_a_payment_for_the_wrong_amount_places_nothing(world):
    store, _, service = world
    checkout = await service.checkout(BUYER, "manual", offer_id="logo", brief="Fox")
    refusal = await service.pay(checkout.id, 9_999, "EUR", "charge-1")
    assert refusal.code is Refused.CONDITION and store.orders == {}


async def test_the_pre_checkout_refuses_when_the_offer_was_paused_meanwhile(world):
    store, _, service = world
    checkout = await service.checkout(BUYER, "manual", offer_id="logo", brief="Fox")
    assert await service.precheck(checkout.id, 10_000, "EUR") is None
    store.offers["logo"] = Offer(**{**OFFER.__dict__, "active": False})
    assert (await service.precheck(checkout.id, 10_000, "EUR")).code is Refused.OFFER


async def test_a_checkout_is_refused_like_the_order_would_be(world):
    _, _, service = world
    assert (await service.checkout(SELLER, "stars", offer_id="logo")).code is Refused.ROLE
    assert (await service.checkout(BUYER, "stars", offer_id="logo", tip=5_000)).code is Refused.INPUT


async def test_a_rejected_manual_payment_cannot_be_paid_later(world):
    store, _, service = world
    checkout = await service.checkout(BUYER, "manual", offer_id="logo", brief="Fox")
    await service.reject_payment(checkout.id)
    assert (await service.pay(checkout.id, 10_000, "EUR", "mod")).code is Refused.STAGE


async def test_a_disguised_contact_in_the_chat_is_masked_flagged_and_relayed_masked(world):
    store, _, service = world
    await service.place("logo", BUYER, paid=10_000, brief="A fox")
    said = await service.say("O1", BUYER, "Blue, please. ben dot private at gmail dot com, or zéro six douze "
                             "trente-quatre cinquante-six soixante-dix-huit", "telegram")
    assert said.text == "Blue, please. […], or […]" and said.flagged
    assert store.messages[-1].text == said.text
    relayed = [n for n in store.outbox if n.key.startswith("O1:chat:")]
    assert [dict(n.text.params)["text"] for n in relayed] == [said.text]


async def test_an_ordinary_chat_message_with_a_date_and_an_invoice_number_is_relayed_as_written(world):
    store, _, service = world
    await service.place("logo", BUYER, paid=10_000, brief="A fox")
    said = await service.say("O1", BUYER, "Meeting at 2026-03-02 12:30, invoice 2026-00123", "telegram")
    assert said.text == "Meeting at 2026-03-02 12:30, invoice 2026-00123" and not said.flagged
