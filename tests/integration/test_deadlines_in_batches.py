"""Due deadlines fire in batches, one transaction each: what a batch leaves is what firing the same timers one by
one leaves, and a timer that fails undoes only its batch, whose other timers then fire one by one."""

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from bots.scheduler import Timekeeper
from core.model import Action, Payload, Stage, Viewer
from core.service import Service
from core.settings import Settings
from core.deadlines import Timer, TimerKind
from storage.claims import TimerQueue
from storage.tables import outbox, settlements, timers
from storage.unit_of_work import SqlUnitOfWork
from tests.fakes.memory import FakeClock, MemoryUnitOfWork, Store
from tests.integration.conftest import OFFER, people


async def count(engine, query) -> int:
    async with engine.connect() as conn:
        return await conn.scalar(query)


async def a_week_of_orders(service: Service, buyer: str, seller: str) -> None:
    """Two orders left pending, two being worked on, two delivered: three kinds of deadline, with reminders."""
    for n in range(6):
        placed = await service.place("logo", Viewer(buyer), paid=11_000, options=("source",), brief=f"order {n}")
        order_id = placed.order.id
        if n >= 2:
            await service.act(order_id, Action.ACCEPT, Viewer(seller))
        if n >= 4:
            await service.act(order_id, Action.DELIVER, Viewer(seller), Payload(text="Here it is"))


def numbered():
    ids = iter(f"ORDER{i:03d}" for i in range(1000))
    return lambda: next(ids)


async def test_a_batch_leaves_what_firing_the_same_timers_one_by_one_leaves(engine, clock):
    sql = Service(lambda **kw: SqlUnitOfWork(engine, clock, **kw), clock, Settings(), numbered())
    ids = await people(engine, clock)
    memory_store, memory_clock = Store(), FakeClock(clock.now())
    memory_store.offers["logo"] = replace(OFFER, seller=ids["seller"])
    memory = Service(lambda **kw: MemoryUnitOfWork(memory_store, **kw), memory_clock, Settings(), numbered())
    for service in (sql, memory):
        await a_week_of_orders(service, ids["buyer"], ids["seller"])
    clock.advance(timedelta(days=30))
    memory_clock.advance(timedelta(days=30))

    fired = await Timekeeper(TimerQueue(engine), sql, batch=500).drain()  # all of them in one batch
    due = sorted(((order_id, kind), at) for (order_id, kind), at in memory_store.timers.items() if at <= clock.now())
    for (order_id, kind), at in sorted(due, key=lambda t: (t[1], t[0])):  # oldest first, as the queue claims them
        await memory.fire(order_id, Timer(TimerKind.parse(kind), at))

    assert fired == len(due) > 6
    for order_id, expected in memory_store.orders.items():
        got = await sql.order(order_id)
        assert (got.stage, got.version, got.flags) == (expected.stage, expected.version, expected.flags), order_id
    async with SqlUnitOfWork(engine, clock, read_only=True) as uow:
        balances = {account: amount for account, amount in (await uow.balances()).items() if amount}
    assert balances == {account: amount for account, amount in memory_store.ledger.balances.items() if amount}
    async with engine.connect() as conn:
        keys = {key.rsplit(":", 2)[0] for key in await conn.scalars(select(outbox.c.dedupe_key))}
    assert keys == {notice.key for notice in memory_store.outbox}
    assert await count(engine, select(func.count()).select_from(timers).where(timers.c.due_at <= clock.now())) == 0


async def test_a_failing_timer_undoes_its_batch_and_the_others_then_fire_one_by_one(engine, service, clock):
    ids = await people(engine, clock)
    order_ids = []
    for _ in range(5):
        placed = await service.place("logo", Viewer(ids["buyer"]), paid=11_000, options=("source",), brief="x")
        order_ids.append(placed.order.id)
    poisoned = order_ids[2]
    async with engine.begin() as conn:  # its escrow already settled: cancelling it now must not pay twice
        await conn.execute(settlements.insert().values(order_id=poisoned, tx_id="elsewhere", kind="refund",
                                                       at=clock.now()))
    clock.advance(timedelta(hours=49))

    await Timekeeper(TimerQueue(engine), service).drain()

    stages = {order_id: (await service.order(order_id)).stage for order_id in order_ids}
    assert stages.pop(poisoned) is Stage.PENDING
    assert set(stages.values()) == {Stage.CANCELLED}
    assert await count(engine, select(func.count()).select_from(settlements)) == 5  # four refunds and the old one
    # the poisoned deadline is still there, leased: it is retried after the lease, not lost
    assert await count(engine, select(func.count()).select_from(timers).where(
        timers.c.order_id == poisoned, timers.c.kind == "acceptance")) == 1
