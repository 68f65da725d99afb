"""The voucher promised to the buyer of an expired order: what it is worth, how it is used, and that its money
never leaves the books nor comes back as money."""

from datetime import timedelta

import pytest

from core.events import Outcome, Refused
from core.ledger import EXPIRED, buyer, escrow
from core.model import Action, Deadline, Offer, Role, Stage, Viewer
from core.deadlines import Timer, TimerKind
from core.service import Service
from core.settings import Settings
from tests.fakes.memory import FakeClock, MemoryUnitOfWork, Store

BEN, ANA = Viewer("ben"), Viewer("ana")
LOGO = Offer("logo", "ana", "A logo", "Vector logo", 10_000, "EUR", 3)
FLYER = Offer("flyer", "ana", "A flyer", "A5", 4_000, "EUR", 1)
BANNER = Offer("banner", "ana", "A banner", "Big", 25_000, "EUR", 5)


def world(settings: Settings = Settings()):
    store = Store(offers={o.id: o for o in (LOGO, FLYER, BANNER)})
    clock = FakeClock()
    ids = iter(f"O{i}" for i in range(1, 100))
    return store, clock, Service(lambda **kw: MemoryUnitOfWork(store, **kw), clock, settings, lambda: next(ids))


async def expired(store, clock, service) -> str:
    """Ben's paid order for the logo, left unaccepted until it expires (the acceptance deadline is far off)."""
    order_id = (await service.place("logo", BEN, paid=10_000, brief="A fox")).order.id
    due = clock.now() + service.settings.expiry
    clock.advance(service.settings.expiry)
    assert isinstance(await service.fire(order_id, Timer(TimerKind(Deadline.EXPIRY), due)), Outcome)
    return order_id


@pytest.fixture
def far_acceptance():
    return Settings(acceptance=timedelta(days=200), reminders={})


async def test_the_buyer_of_an_expired_order_is_offered_a_voucher_worth_what_it_held(far_acceptance):
    store, clock, service = world(far_acceptance)
    order_id = await expired(store, clock, service)
    [voucher] = store.vouchers.values()
    assert (voucher.account, voucher.amount, voucher.currency, voucher.order_id) == ("ben", 10_000, "EUR", order_id)
    assert voucher.expires_at == clock.now() + far_acceptance.voucher_validity
    [told] = [n for n in store.outbox if n.to is Role.BUYER and n.order_id == order_id]
    text = told.text.render("en")
    assert "You are offered a voucher instead: €100.00, taken off the price of your next orders at checkout" in text
    assert store.ledger.balance(EXPIRED) == 10_000


async def test_no_voucher_is_offered_when_the_marketplace_does_not_offer_them():
    settings = Settings(acceptance=timedelta(days=200), reminders={}, expiry_voucher=False)
    store, clock, service = world(settings)
    await expired(store, clock, service)
    assert store.vouchers == {}
    assert all("voucher" not in n.text.render("en") for n in store.outbox)


async def test_a_voucher_is_taken_off_the_next_order_and_only_the_rest_is_paid(far_acceptance):
    store, clock, service = world(far_acceptance)
    await expired(store, clock, service)
    checkout = await service.checkout(BEN, "manual", offer_id="banner", brief="Big fox")
    assert (checkout.amount, checkout.credit) == (15_000, 10_000)
    placed = await service.pay(checkout.id, 15_000, "EUR", "bank-1")
    order = placed.order
    assert (order.total, order.credit) == (25_000, 10_000)
    assert store.ledger.balance(escrow(order.id)) == 25_000 and store.ledger.balance(EXPIRED) == 0
    assert store.vouchers[next(iter(store.vouchers))].amount == 0 and store.ledger.total() == 0


async def test_an_order_the_voucher_pays_in_full_is_placed_at_once_and_the_rest_stays_on_it(far_acceptance):
    store, clock, service = world(far_acceptance)
    await expired(store, clock, service)
    placed = await service.checkout(BEN, "manual", offer_id="flyer", brief="A5 fox")
    assert isinstance(placed, Outcome) and placed.order.stage is Stage.PENDING and placed.order.credit == 4_000
    assert not [n for n in store.outbox if n.to is Role.MODERATOR]  # no payment to confirm
    [voucher] = store.vouchers.values()
    assert voucher.amount == 6_000
    again = await service.checkout(BEN, "manual", offer_id="logo", brief="A second fox")
    assert (again.amount, again.credit) == (4_000, 6_000)


async def test_refunding_an_order_paid_with_a_voucher_gives_back_money_as_money_and_the_rest_as_a_voucher(
        far_acceptance):
    store, clock, service = world(far_acceptance)
    await expired(store, clock, service)
    checkout = await service.checkout(BEN, "manual", offer_id="banner", brief="Big fox")
    order_id = (await service.pay(checkout.id, 15_000, "EUR", "bank-1")).order.id
    declined = await service.act(order_id, Action.DECLINE, ANA)
    assert store.ledger.balance(buyer("ben")) == 15_000 and store.ledger.balance(EXPIRED) == 10_000
    back = [v for v in store.vouchers.values() if v.order_id == order_id]
    assert [v.amount for v in back] == [10_000]
    [told] = [n for n in declined.notices if n.to is Role.BUYER]
    assert told.text.render("en").endswith("You are refunded in full: €150.00, and €100.00 back on a voucher.")
    assert store.ledger.total() == 0


async def test_a_voucher_used_meanwhile_by_another_checkout_places_nothing(far_acceptance):
    store, clock, service = world(far_acceptance)
    await expired(store, clock, service)
    first = await service.checkout(BEN, "manual", offer_id="banner", brief="Big fox")
    second = await service.checkout(BEN, "manual", offer_id="banner", brief="Another big fox")
    assert isinstance(await service.pay(first.id, 15_000, "EUR", "bank-1"), Outcome)
    refused = await service.pay(second.id, 15_000, "EUR", "bank-2")
    assert refused.code is Refused.CONDITION and "voucher was used by another order" in refused.render("en")
    assert len(store.orders) == 2 and store.ledger.total() == 0  # the expired order and the first one only


async def test_an_expired_voucher_is_not_taken_off_anything(far_acceptance):
    store, clock, service = world(far_acceptance)
    await expired(store, clock, service)
    clock.advance(far_acceptance.voucher_validity)
    checkout = await service.checkout(BEN, "manual", offer_id="flyer", brief="A5 fox")
    assert (checkout.amount, checkout.credit) == (4_000, 0)


