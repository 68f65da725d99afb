"""One winner for every paid thing: each read-check-write of the services that moves money, raced on a real database.

On PostgreSQL (COMPTOIR_TEST_DATABASE_URL) the two sides run on two connections at once, each reading before the
other writes: what makes one of them lose is a conditional write (a version, a state, a unique key), never the
read. On SQLite the single writer orders them; the tests hold there too. The races already covered elsewhere
(tests/integration/test_orders.py): a double tap, a cancellation against an acceptance, a deadline against an
acceptance, the same payment delivered twice.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from core.checkout import PaymentState
from core.discussion import CustomOfferState
from core.events import Outcome, Refusal
from core.model import Action, Offer, Payload, Viewer
from core.storefront import Storefront
from storage.tables import orders, refunds, settlements
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import people

pytestmark = pytest.mark.postgres  # raced for real there; see the module's note
RACES = 8  # each race run this many times: an interleaving that lets both win would show


async def count(engine, table, *where) -> int:
    async with engine.connect() as conn:
        return await conn.scalar(select(func.count()).select_from(table).where(*where))


async def in_stars(engine, clock, ids) -> str:
    """The seller's offer priced in Telegram Stars (what a Stars payment pays)."""
    async with SqlUnitOfWork(engine, clock) as uow:
        await uow.save_offer(Offer("logo-xtr", ids["seller"], "A logo", "Vector logo", 1_000, "XTR", 3))
        await uow.commit()
    return "logo-xtr"


async def custom_offer(engine, clock, settings, ids, offer_id: str = "logo") -> str:
    """The seller's custom offer to the buyer, from a discussion the buyer opened about that offer."""
    storefront = Storefront(lambda **kw: SqlUnitOfWork(engine, clock, **kw), clock, settings)
    discussion = await storefront.ask(offer_id, Viewer(ids["buyer"]), "Can you do a fox?")
    custom = await storefront.send_custom_offer(discussion.id, Viewer(ids["seller"]), title="A fox logo",
                                                description="Vector, two colours", price=8_000, delivery_days=4)
    return custom.id


async def second_moderator(engine, clock) -> str:
    async with SqlUnitOfWork(engine, clock) as uow:
        other = await uow.accounts.ensure("telegram", "901", name="Max", chat_id="901", moderator=True)
        await uow.commit()
    return other.id


async def test_a_custom_offer_confirmed_twice_at_once_by_two_moderators_places_one_order(
        engine, service, clock, settings):
    ids = await people(engine, clock)
    max_id = await second_moderator(engine, clock)
    for _ in range(RACES):
        custom_id = await custom_offer(engine, clock, settings, ids)
        first, second = [await service.checkout(Viewer(ids["buyer"]), "manual", custom_offer_id=custom_id)
                         for _ in range(2)]
        results = await asyncio.gather(service.confirm_payment(first.id, Viewer(ids["moderator"], moderator=True)),
                                       service.confirm_payment(second.id, Viewer(max_id, moderator=True)))
        assert sorted(type(r).__name__ for r in results) == ["Outcome", "Refusal"]
        [placed] = [r for r in results if isinstance(r, Outcome)]
        assert await count(engine, orders, orders.c.offer_id == custom_id) == 1
        async with SqlUnitOfWork(engine, clock) as uow:
            custom = await uow.custom_offer(custom_id)
            states = sorted([(await uow.checkout(c.id)).state.value for c in (first, second)])
        assert (custom.state, custom.order_id) == (CustomOfferState.PAID, placed.order.id)
        assert states == [PaymentState.AWAITING.value, PaymentState.PAID.value]  # the loser's money never came


async def test_a_custom_offer_paid_twice_at_once_with_stars_places_one_order_and_gives_the_other_back(
        engine, service, clock, settings):
    ids = await people(engine, clock)
    stars = await in_stars(engine, clock, ids)
    for n in range(RACES):
        custom_id = await custom_offer(engine, clock, settings, ids, stars)
        first, second = [await service.checkout(Viewer(ids["buyer"]), "stars", custom_offer_id=custom_id)
                         for _ in range(2)]
        results = await asyncio.gather(service.pay(first.id, first.amount, first.currency, f"star-a{n}"),
                                       service.pay(second.id, second.amount, second.currency, f"star-b{n}"))
        assert sorted(type(r).__name__ for r in results) == ["Outcome", "Refusal"]
        assert await count(engine, orders, orders.c.offer_id == custom_id) == 1
        loser = f"star-b{n}" if isinstance(results[0], Outcome) else f"star-a{n}"
        assert await count(engine, refunds, refunds.c.provider_ref == loser) == 1  # paid for nothing: given back
        assert "can no longer be paid" in next(r for r in results if isinstance(r, Refusal)).render("en")


async def test_a_manual_payment_confirmed_and_rejected_at_once_is_one_or_the_other(engine, service, clock):
    ids = await people(engine, clock)
    max_id = await second_moderator(engine, clock)
    before = 0
    for _ in range(RACES):
        checkout = await service.checkout(Viewer(ids["buyer"]), "manual", offer_id="logo", brief="A fox")
        confirmed, rejected = await asyncio.gather(
            service.confirm_payment(checkout.id, Viewer(ids["moderator"], moderator=True)),
            service.reject_payment(checkout.id, Viewer(max_id, moderator=True)))
        async with SqlUnitOfWork(engine, clock) as uow:
            state = (await uow.checkout(checkout.id)).state
        if isinstance(confirmed, Outcome):
            assert isinstance(rejected, Refusal) and state is PaymentState.PAID
        else:
            assert isinstance(confirmed, Refusal) and state is PaymentState.REJECTED
        placed = confirmed.order.id if isinstance(confirmed, Outcome) else None
        assert await count(engine, orders, orders.c.buyer_id == ids["buyer"]) == before + (placed is not None)
        before += placed is not None


async def test_one_manual_payment_confirmed_by_two_moderators_at_once_places_one_order(engine, service, clock):
    ids = await people(engine, clock)
    max_id = await second_moderator(engine, clock)
    for _ in range(RACES):
        checkout = await service.checkout(Viewer(ids["buyer"]), "manual", offer_id="logo", brief="A fox")
        before = await count(engine, orders)
        results = await asyncio.gather(service.confirm_payment(checkout.id, Viewer(ids["moderator"], moderator=True)),
                                       service.confirm_payment(checkout.id, Viewer(max_id, moderator=True)))
        assert await count(engine, orders) == before + 1
        assert any(isinstance(r, Outcome) for r in results)


async def test_a_refused_payment_delivered_twice_at_once_is_given_back_once(engine, service, clock):
    ids = await people(engine, clock)
    stars = await in_stars(engine, clock, ids)
    for n in range(RACES):
        checkout = await service.checkout(Viewer(ids["buyer"]), "stars", offer_id=stars, brief="A fox")
        wrong = checkout.amount - 1  # not what was asked: refused, and the money goes back
        results = await asyncio.gather(*(service.pay(checkout.id, wrong, checkout.currency, f"star-x{n}")
                                         for _ in range(2)))
        assert all(isinstance(r, Refusal) for r in results)
        assert await count(engine, refunds, refunds.c.provider_ref == f"star-x{n}") == 1


async def test_a_dispute_taken_by_two_moderators_at_once_then_refunded_and_paid_out_at_once_moves_money_once(
        engine, service, clock):
    ids = await people(engine, clock)
    max_id = await second_moderator(engine, clock)
    mod, other = Viewer(ids["moderator"], moderator=True), Viewer(max_id, moderator=True)
    for _ in range(RACES):
        checkout = await service.checkout(Viewer(ids["buyer"]), "manual", offer_id="logo", brief="A fox")
        order_id = (await service.confirm_payment(checkout.id, mod)).order.id
        await service.act(order_id, Action.ACCEPT, Viewer(ids["seller"]))
        await service.act(order_id, Action.OPEN_DISPUTE, Viewer(ids["buyer"]), Payload(text="Nothing came"))
        taken = await asyncio.gather(service.act(order_id, Action.TAKE_DISPUTE, mod),
                                     service.act(order_id, Action.TAKE_DISPUTE, other))
        assert sum(isinstance(r, Outcome) for r in taken) == 1
        judge = mod if isinstance(taken[0], Outcome) else other
        assert (await service.order(order_id)).dispute.moderator == judge.account
        decided = await asyncio.gather(service.act(order_id, Action.REFUND_ALL, judge, Payload(text="Refund")),
                                       service.act(order_id, Action.PAY_SELLER, judge, Payload(text="Pay")))
        assert sum(isinstance(r, Outcome) for r in decided) == 1
        assert await count(engine, settlements, settlements.c.order_id == order_id) == 1
    async with SqlUnitOfWork(engine, clock) as uow:
        assert sum((await uow.balances()).values()) == 0  # every cent accounted for
