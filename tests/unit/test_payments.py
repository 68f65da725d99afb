"""Payments in core: tips and totals, manual payments a moderator vouches for, Stars that must go back."""

from dataclasses import replace

import pytest

from core.checkout import check_provider, quote, tip_choices
from core.events import Outcome, Refused
from core.model import Action, Offer, Option, Payload, Role, Viewer
from core.refunds import Refund, refunds_of
from core.service import Service
from core.settings import Settings
from tests.fakes.memory import FakeClock, MemoryUnitOfWork, Store

BEN, ANA, MOD = Viewer("ben"), Viewer("ana"), Viewer("mod", moderator=True)
STARS = Offer("logo", "ana", "A logo", "Vector logo", 1_000, "XTR", 3, (Option("src", "Source files", 300, 1),))
EUROS = replace(STARS, id="euro", price=12_000, currency="EUR", options=())


@pytest.fixture
def world():
    store = Store(offers={STARS.id: STARS, EUROS.id: EUROS})
    ids = iter(f"K{i}" for i in range(1, 100))
    return store, Service(lambda **kw: MemoryUnitOfWork(store, **kw), FakeClock(), Settings(), lambda: next(ids))


def test_tips_are_whole_minor_units_never_above_the_cap():
    assert tip_choices(1_300, 20) == ((0, 0), (5, 65), (10, 130), (15, 195), (20, 260))
    assert tip_choices(999, 10) == ((0, 0), (5, 49), (10, 99))
    assert quote(STARS, ("src",), 130) == 1_430 and quote(STARS, ("gold",), 0) is None


def test_stars_pay_prices_in_stars_and_nothing_else():
    assert check_provider("stars", "XTR") is None and check_provider("manual", "EUR") is None
    assert check_provider("stars", "EUR").code is Refused.CONDITION
    assert check_provider("manual", "XTR").code is Refused.CONDITION


async def test_a_manual_checkout_asks_the_moderators_to_confirm_it(world):
    store, service = world
    checkout = await service.checkout(BEN, "manual", offer_id="euro", brief="Fox")
    notice, = store.outbox
    assert (notice.to, notice.order_id) == (Role.MODERATOR, None)
    assert [b.data for b in notice.buttons] == [f"p:ok:{checkout.id}", f"p:no:{checkout.id}"]
    assert "€120.00" in notice.text.render("en") and checkout.id in notice.text.render("en")
    assert (await service.checkout(BEN, "stars", offer_id="euro")).code is Refused.CONDITION


async def test_only_a_moderator_who_is_not_a_party_confirms_a_manual_payment(world):
    store, service = world
    checkout = await service.checkout(BEN, "manual", offer_id="euro", brief="Fox")
    assert (await service.confirm_payment(checkout.id, BEN)).code is Refused.ROLE
    assert (await service.confirm_payment(checkout.id, Viewer("ana", moderator=True))).code is Refused.ROLE
    assert store.orders == {}
    placed = await service.confirm_payment(checkout.id, MOD)
    assert isinstance(placed, Outcome) and placed.order.payment_ref == "manual:moderator:mod"
    told = [n for n in store.outbox if n.to is Role.BUYER]
    assert told and "is placed" in told[0].text.render("en") and told[0].order_id == placed.order.id
    assert await service.confirm_payment(checkout.id, MOD) == placed.order  # a double tap places nothing more
    by_telegram = await service.checkout(BEN, "stars", offer_id="logo")
    assert (await service.confirm_payment(by_telegram.id, MOD)).code is Refused.ROLE


async def test_a_rejected_manual_payment_is_told_to_the_buyer_and_can_never_be_confirmed(world):
    store, service = world
    checkout = await service.checkout(BEN, "manual", offer_id="euro", brief="Fox")
    assert (await service.reject_payment(checkout.id, BEN)).code is Refused.ROLE
    await service.reject_payment(checkout.id, MOD)
    assert store.outbox[-1].account == "ben" and "could not be confirmed" in store.outbox[-1].text.render("en")
    assert (await service.confirm_payment(checkout.id, MOD)).code is Refused.STAGE and store.orders == {}


async def test_a_second_stars_payment_of_a_checkout_goes_back_to_the_buyer(world):
    store, service = world
    checkout = await service.checkout(BEN, "stars", offer_id="logo", options=("src",), tip=130)
    assert isinstance(await service.pay(checkout.id, 1_430, "XTR", "CH1"), Outcome)
    assert (await service.pay(checkout.id, 1_430, "XTR", "CH2")).code is Refused.STAGE
    assert list(store.refunds.values()) == [Refund("stars", "CH2", "ben", 1_430, "XTR")]
    assert store.outbox[-1].account == "ben" and "refunded in full" in store.outbox[-1].text.render("en")
    assert len(store.orders) == 1


async def test_the_pre_checkout_refuses_an_offer_whose_price_changed_since(world):
    store, service = world
    checkout = await service.checkout(BEN, "stars", offer_id="logo")
    store.offers["logo"] = replace(STARS, price=1_200)
    assert (await service.precheck(checkout.id, 1_000, "XTR")).code is Refused.OFFER


async def test_a_whole_stars_refund_is_queued_and_a_partial_one_is_handed_to_a_moderator(world):
    store, service = world
    placed = await service.place("logo", BEN, paid=1_000, brief="Fox", payment_ref="stars:CH1")
    order_id = placed.order.id
    cancelled = await service.act(order_id, Action.CANCEL, BEN)
    assert refunds_of(cancelled) == ((Refund("stars", "CH1", "ben", 1_000, "XTR", order_id),), ())

    placed = await service.place("logo", BEN, paid=1_000, brief="Fox", payment_ref="stars:CH2")
    order_id = placed.order.id
    await service.act(order_id, Action.ACCEPT, ANA)
    await service.act(order_id, Action.PROPOSE_PARTIAL_REFUND, BEN, Payload(amount=400, text="Less"))
    partly = await service.act(order_id, Action.ACCEPT_PARTIAL_REFUND, ANA)
    refunds, notices = refunds_of(partly)
    assert refunds == () and notices[0].to is Role.MODERATOR and "⭐ 400" in notices[0].text.render("en")
    rest = await service.act(order_id, Action.CANCEL, ANA)  # what is left can no longer go back whole
    refunds, notices = refunds_of(rest)
    assert refunds == () and "⭐ 600" in notices[0].text.render("en")


async def test_an_order_paid_by_hand_is_refunded_by_hand(world):
    _, service = world
    placed = await service.place("euro", BEN, paid=12_000, brief="Fox", payment_ref="manual:moderator:mod")
    assert refunds_of(await service.act(placed.order.id, Action.CANCEL, BEN)) == ((), ())


async def test_the_outcome_of_a_cancelled_stars_order_carries_its_refund_and_a_partial_one_its_moderator_notice(world):
    _, service = world
    placed = await service.place("logo", BEN, paid=1_000, brief="Fox", payment_ref="stars:CH3")
    cancelled = await service.act(placed.order.id, Action.CANCEL, BEN)
    assert cancelled.refunds == (Refund("stars", "CH3", "ben", 1_000, "XTR", placed.order.id),)
    assert cancelled.by_hand == () and cancelled.told == cancelled.notices

    placed = await service.place("logo", BEN, paid=1_000, brief="Fox", payment_ref="stars:CH4")
    await service.act(placed.order.id, Action.ACCEPT, ANA)
    await service.act(placed.order.id, Action.PROPOSE_PARTIAL_REFUND, BEN, Payload(amount=400, text="Less"))
    partly = await service.act(placed.order.id, Action.ACCEPT_PARTIAL_REFUND, ANA)
    assert partly.refunds == () and [n.to for n in partly.by_hand] == [Role.MODERATOR]
    assert partly.told == partly.notices + partly.by_hand
