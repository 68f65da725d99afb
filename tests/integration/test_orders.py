"""Orders through the service on a real database: saved whole, raced, timed, notified."""

import asyncio
from datetime import timedelta, timezone

from sqlalchemy import func, select

from bots.scheduler import Timekeeper
from core.events import Outcome, Refusal, Refused
from core.ledger import escrow, seller
from core.model import SYSTEM, Action, Deadline, Payload, Stage, Viewer
from core.people import People
from core.service import Service
from storage.claims import TimerQueue
from storage.tables import order_events, orders, outbox, settlements, timers
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import people


async def count(engine, query):
    async with engine.connect() as conn:
        return await conn.scalar(query)


async def placed(service, ids, brief="A fox") -> str:
    result = await service.place("logo", Viewer(ids["buyer"]), paid=11_000, options=("source",), brief=brief)
    assert isinstance(result, Outcome), result
    return result.order.id


async def test_an_order_reads_back_exactly_as_the_engine_left_it(engine, service, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    buyer, sell = Viewer(ids["buyer"]), Viewer(ids["seller"])
    await service.act(order_id, Action.ACCEPT, sell)
    await service.act(order_id, Action.PROPOSE_PARTIAL_REFUND, buyer, Payload(text="less", amount=1_000))
    await service.act(order_id, Action.REQUEST_CANCELLATION, buyer, Payload(text="changed my mind"))
    await service.act(order_id, Action.DELIVER, sell, Payload(text="Here", files=("fox.svg",)))
    await service.act(order_id, Action.OPEN_DISPUTE, sell, Payload(text="no answer"))
    last = await service.act(order_id, Action.TAKE_DISPUTE, Viewer(ids["moderator"], moderator=True))
    assert await service.order(order_id) == last.order
    done = await service.act(order_id, Action.SPLIT, Viewer(ids["moderator"], moderator=True),
                             Payload(text="fair", amount=4_000))
    await service.act(order_id, Action.REVIEW, buyer, Payload(positive=False, text="meh"))
    final = await service.act(order_id, Action.REPLY_REVIEW, sell, Payload(text="sorry"))
    assert done.order.stage is Stage.COMPLETED
    assert await service.order(order_id) == final.order
    async with SqlUnitOfWork(engine, clock) as uow:
        events = await uow.events(order_id)
        balances = await uow.balances()
    assert [e.version for e in events] == list(range(1, len(events) + 1))
    assert balances[escrow(order_id)] == 0 and balances[seller(ids["seller"])] == 7_000
    assert sum(balances.values()) == 0


async def timer_rows(engine, order_id: str) -> dict:
    async with engine.connect() as conn:
        rows = await conn.execute(select(timers.c.kind, timers.c.due_at).where(timers.c.order_id == order_id))
        return {kind: due.replace(tzinfo=due.tzinfo or timezone.utc) for kind, due in rows}


async def test_an_extension_request_is_kept_through_a_freeze_and_its_answer_moves_the_delivery_timer(
        engine, service, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    buyer, sell, mod = Viewer(ids["buyer"]), Viewer(ids["seller"]), Viewer(ids["moderator"], moderator=True)
    await service.act(order_id, Action.ACCEPT, sell)
    asked = await service.act(order_id, Action.REQUEST_EXTENSION, sell, Payload(text="More fur", days=2))
    assert await service.order(order_id) == asked.order
    answer_due = asked.order.deadline(Deadline.EXTENSION_ANSWER)
    assert (await timer_rows(engine, order_id))["extension_answer"] == answer_due
    frozen = await service.act(order_id, Action.FREEZE, mod, Payload(text="Checking"))
    assert await service.order(order_id) == frozen.order and frozen.order.extension == asked.order.extension
    assert await timer_rows(engine, order_id) == {}
    clock.advance(timedelta(days=1))
    await service.act(order_id, Action.UNFREEZE, mod, Payload(text="Fine"))
    assert (await timer_rows(engine, order_id))["extension_answer"] == answer_due + timedelta(days=1)
    accepted = await service.act(order_id, Action.ACCEPT_EXTENSION, buyer)
    rows = await timer_rows(engine, order_id)
    assert await service.order(order_id) == accepted.order and accepted.order.extension is None
    assert rows["delivery"] == accepted.order.deadline(Deadline.DELIVERY)
    assert not [kind for kind in rows if kind.startswith("extension_answer")]


async def test_a_refusal_writes_nothing(engine, service, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids, brief="")
    refusal = await service.act(order_id, Action.ACCEPT, Viewer(ids["seller"]))
    assert refusal.code is Refused.CONDITION
    assert await count(engine, select(func.count()).select_from(order_events)) == 1


async def race(service, order_id, *moves):
    return await asyncio.gather(*(service.act(order_id, action, viewer, payload, version)
                                  for action, viewer, payload, version in moves))


async def test_a_double_tap_has_exactly_one_winner(engine, service, clock):
    ids = await people(engine, clock)
    for _ in range(10):
        order_id = await placed(service, ids)
        tap = (Action.ACCEPT, Viewer(ids["seller"]), Payload(), 1)
        results = await race(service, order_id, tap, tap)
        assert sorted(type(r).__name__ for r in results) == ["Outcome", "Refusal"]
        loser = next(r for r in results if isinstance(r, Refusal))
        assert loser.code is Refused.VERSION and loser.order.stage is Stage.IN_PROGRESS


async def test_buyer_cancelling_as_the_seller_accepts_has_exactly_one_winner_and_one_money_movement(
        engine, service, clock):
    ids = await people(engine, clock)
    for _ in range(10):
        order_id = await placed(service, ids)
        results = await race(service, order_id, (Action.ACCEPT, Viewer(ids["seller"]), Payload(), None),
                             (Action.CANCEL, Viewer(ids["buyer"]), Payload(), None))
        winners = [r for r in results if isinstance(r, Outcome)]
        assert len(winners) == 1
        stage = (await service.order(order_id)).stage
        assert stage is winners[0].order.stage
    assert await count(engine, select(func.count()).select_from(settlements)) <= 10


async def test_a_deadline_firing_as_the_seller_accepts_has_exactly_one_winner(engine, service, clock):
    ids = await people(engine, clock)
    queue = TimerQueue(engine)
    keeper = Timekeeper(queue, service)
    order_ids = [await placed(service, ids) for _ in range(10)]
    clock.advance(timedelta(hours=48))
    results = await asyncio.gather(keeper.drain(), *(service.act(o, Action.ACCEPT, Viewer(ids["seller"]))
                                                    for o in order_ids))
    for order_id, accepted in zip(order_ids, results[1:]):
        order = await service.order(order_id)
        if isinstance(accepted, Outcome):
            assert order.stage is Stage.IN_PROGRESS
        else:
            assert order.stage is Stage.CANCELLED and accepted.code in (Refused.VERSION, Refused.STAGE)
    await keeper.drain()
    async with SqlUnitOfWork(engine, clock) as uow:
        assert sum((await uow.balances()).values()) == 0


async def test_deadlines_that_passed_while_the_bot_was_down_fire_on_the_first_poll(engine, service, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    clock.advance(timedelta(days=30))  # down for a month: reminders and the deadline are all overdue
    fired = await Timekeeper(TimerQueue(engine), service).drain()
    order = await service.order(order_id)
    assert order.stage is Stage.CANCELLED and fired == 3
    async with engine.connect() as conn:  # what is left: the end of the closed order's chat, days ahead
        left = (await conn.execute(select(timers.c.kind, timers.c.due_at))).all()
    assert [(kind, due.replace(tzinfo=None)) for kind, due in left] == [
        ("chat_end", (order.closed_at + service.settings.chat_after_closing).replace(tzinfo=None))]
    # the reminders came due before the deadline, but it is over now: none announces it
    reminders = await count(engine, select(func.count()).select_from(outbox).where(outbox.c.dedupe_key.like("%@%")))
    assert reminders == 0


async def test_a_reminder_is_dropped_when_the_thing_was_done(engine, service, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    await service.act(order_id, Action.ACCEPT, Viewer(ids["seller"]))
    clock.advance(timedelta(hours=25))
    await Timekeeper(TimerQueue(engine), service).drain()
    assert await count(engine, select(func.count()).select_from(outbox).where(outbox.c.dedupe_key.like("%acceptance@%"))) == 0


async def test_notifications_are_written_with_the_transition_for_every_identity_of_the_recipient(
        engine, service, clock):
    ids = await people(engine, clock)
    linking = People(lambda **kw: SqlUnitOfWork(engine, clock, **kw))  # the seller also uses Discord
    code = await linking.new_link_code(ids["seller"], "telegram", timedelta(minutes=10), 3)
    await linking.link(code, "discord", "D200", chat_id="dm-200")
    order_id = await placed(service, ids)
    async with engine.connect() as conn:
        rows = (await conn.execute(select(outbox.c.platform, outbox.c.role).where(outbox.c.order_id == order_id))).all()
    assert sorted(rows) == [("discord", "seller"), ("telegram", "seller")]


async def test_the_system_acts_only_through_due_timers(engine, service, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    refusal = await service.act(order_id, Action.ACCEPTANCE_TIMEOUT, SYSTEM)
    assert refusal.code is Refused.CONDITION


async def test_two_services_on_one_database_see_each_others_work(engine, clock, settings):
    first = Service(lambda **kw: SqlUnitOfWork(engine, clock, **kw), clock, settings)
    second = Service(lambda **kw: SqlUnitOfWork(engine, clock, **kw), clock, settings)
    ids = await people(engine, clock)
    order_id = await placed(first, ids)
    assert isinstance(await second.act(order_id, Action.ACCEPT, Viewer(ids["seller"]), version=1), Outcome)
    assert (await first.act(order_id, Action.ACCEPT, Viewer(ids["seller"]), version=1)).code is Refused.VERSION


async def test_the_same_payment_delivered_twice_at_once_places_one_order(engine, service, clock):
    ids = await people(engine, clock)
    checkout = await service.checkout(Viewer(ids["buyer"]), "manual", offer_id="logo", brief="Fox")
    results = await asyncio.gather(*(service.pay(checkout.id, 10_000, "EUR", "charge-9") for _ in range(2)))
    placed_ids = {r.order.id if isinstance(r, Outcome) else r.id for r in results}
    assert len(placed_ids) == 1
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(orders)) == 1


async def test_an_identity_seen_again_unchanged_is_recognised_by_a_read_alone(engine, clock):
    ids = await people(engine, clock)
    async with SqlUnitOfWork(engine, clock, read_only=True) as uow:
        same = await uow.accounts.unchanged("telegram", "100", chat_id="100", moderator=False)
        moved = await uow.accounts.unchanged("telegram", "100", chat_id="555")
        unknown = await uow.accounts.unchanged("telegram", "404")
    assert same.id == ids["buyer"] and moved is None and unknown is None


async def test_every_listing_of_orders_carries_each_order_with_its_review(engine, service, clock):
    ids = await people(engine, clock)
    buyer, sell = Viewer(ids["buyer"]), Viewer(ids["seller"])
    reviewed, silent = await placed(service, ids), await placed(service, ids)
    for order_id in (reviewed, silent):
        await service.act(order_id, Action.ACCEPT, sell)
        await service.act(order_id, Action.DELIVER, sell, Payload(text="Here"))
        await service.act(order_id, Action.COMPLETE, buyer)
    await service.act(reviewed, Action.REVIEW, buyer, Payload(positive=True, text="Lovely"))
    await service.act(reviewed, Action.REPLY_REVIEW, sell, Payload(text="Thanks"))
    async with SqlUnitOfWork(engine, clock, read_only=True) as uow:
        listings = {"orders_of": await uow.orders_of(ids["buyer"], (Stage.COMPLETED,)),
                    "orders_in": await uow.orders_in((Stage.COMPLETED,))}
        one_by_one = {order_id: await uow.order(order_id) for order_id in (reviewed, silent)}
    for name, listed in listings.items():
        assert {o.id: o for o in listed} == one_by_one, name  # the same orders as read one by one, reviews included
    assert one_by_one[reviewed].review.comment == "Lovely" and one_by_one[reviewed].review.reply == "Thanks"
    assert one_by_one[silent].review is None


async def test_a_persons_order_lists_show_what_they_can_act_on_what_runs_and_what_closed(engine, service, clock):
    ids = await people(engine, clock)
    waiting = await placed(service, ids)
    declined = await placed(service, ids)
    await service.act(declined, Action.DECLINE, Viewer(ids["seller"]), Payload(text="Too busy"))
    seller, buyer = Viewer(ids["seller"]), Viewer(ids["buyer"])
    assert [o.id for o in await service.listed(seller, "act")] == [waiting]  # she may accept it
    assert [o.id for o in await service.listed(seller, "open")] == [waiting]
    assert [o.id for o in await service.listed(seller, "closed")] == [declined]
    assert [o.id for o in await service.listed(buyer, "open")] == [waiting]
