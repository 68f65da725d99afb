"""Refunds and notices outside orders on a real database: queued with the transition, claimed once."""

from datetime import timedelta

from sqlalchemy import func, select

from core.events import Outcome
from core.model import Action, Offer, Option, Payload, Viewer
from core.refunds import Refund
from core.storefront import Storefront
from storage.outbox import Outbox
from storage.refunds import RefundQueue
from storage.tables import outbox, refunds
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import people

STARS = Offer("logo", "", "A logo", "Vector logo", 1_000, "XTR", 3, (Option("src", "Source files", 300, 1),))


async def rows(engine, table):
    async with engine.connect() as conn:
        return (await conn.execute(select(table))).all()


async def stars_order(service, ids, charge: str) -> str:
    placed = await service.place("logo", Viewer(ids["buyer"]), paid=1_000, brief="Fox", payment_ref=f"stars:{charge}")
    assert isinstance(placed, Outcome)
    return placed.order.id


async def test_a_cancelled_stars_order_queues_its_refund_with_the_cancellation_and_it_is_claimed_once(
        engine, service, clock):
    ids = await people(engine, clock, STARS)
    order_id = await stars_order(service, ids, "CH1")
    assert isinstance(await service.act(order_id, Action.CANCEL, Viewer(ids["buyer"])), Outcome)
    row, = await rows(engine, refunds)
    assert (row.order_id, row.provider_ref, row.amount, row.state, row.account_id) == (
        order_id, "CH1", 1_000, "pending", ids["buyer"])

    queue = RefundQueue(engine)
    first = await queue.claim("stars", "telegram", clock.now(), 10, timedelta(seconds=60))
    second = await queue.claim("stars", "telegram", clock.now(), 10, timedelta(seconds=60))
    assert [p.refund for p in first] == [Refund("stars", "CH1", ids["buyer"], 1_000, "XTR", order_id)]
    assert first[0].external_id == "100" and second == []
    await queue.done(first[0].id, clock.now())
    clock.advance(timedelta(minutes=5))
    assert await queue.claim("stars", "telegram", clock.now(), 10, timedelta(seconds=60)) == []
    assert await queue.state("CH1") == "done"


async def test_a_refund_is_queued_at_most_once_per_charge(engine, clock):
    ids = await people(engine, clock, STARS)
    for _ in range(2):
        async with SqlUnitOfWork(engine, clock) as uow:
            await uow.queue_refund(Refund("stars", "CH7", ids["buyer"], 500, "XTR"))
            await uow.commit()
    assert len(await rows(engine, refunds)) == 1


async def test_a_partial_refund_of_a_stars_order_asks_the_moderators_and_queues_nothing(engine, service, clock):
    ids = await people(engine, clock, STARS)
    order_id = await stars_order(service, ids, "CH2")
    buyer, seller = Viewer(ids["buyer"]), Viewer(ids["seller"])
    await service.act(order_id, Action.ACCEPT, seller)
    await service.act(order_id, Action.PROPOSE_PARTIAL_REFUND, buyer, Payload(amount=400, text="Less"))
    await service.act(order_id, Action.ACCEPT_PARTIAL_REFUND, seller)
    assert await rows(engine, refunds) == []
    asked = [r for r in await rows(engine, outbox) if r.role == "moderator"]
    assert [r.account_id for r in asked] == [ids["moderator"]] and "by hand" in asked[0].text["t"]


async def test_a_discussion_message_reaches_the_seller_with_its_buttons(engine, clock, settings):
    ids = await people(engine, clock, STARS)
    front = Storefront(lambda: SqlUnitOfWork(engine, clock), clock, settings)
    talk = await front.ask("logo", Viewer(ids["buyer"]), "A fox?")
    assert (await front.discussed_offer(talk.id, Viewer(ids["seller"]))).id == "logo"
    claimed = await Outbox(engine).claim(clock.now(), 10, timedelta(seconds=60))
    (_, _, message), = claimed
    assert (message.account_id, message.order_id, message.chat_id) == (ids["seller"], None, "200")
    assert [(b.label.render("en"), b.data) for b in message.buttons] == [
        ("Reply", f"d:reply:{talk.id}"), ("Send a custom offer", f"d:custom:{talk.id}")]
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(outbox)) == 1
