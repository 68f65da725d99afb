"""Two runtime processes on one PostgreSQL database share the due timers without firing one twice.

Claims take rows FOR UPDATE SKIP LOCKED under a lease; both processes run with the same frozen
clock, so no lease ever expires during the test: a timer fired twice could only be a claim that let
two processes take the same row. PostgreSQL only: on SQLite one writer at a time is the design.

The workers only fire timers (--no-relay): sending the ~16,700 notifications this causes would double
the run time, and the relay's at-least-once behaviour is what test_crash_recovery.py covers.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.model import Action, Stage
from storage.tables import ledger_entries, order_events, orders, outbox, settlements, timers
from tests.integration.conftest import POSTGRES_URL, people
from tests.integration.fleet import place, start_worker, stop_all

ORDERS = 3_334  # three due timers each: the acceptance deadline and its two reminders
REMINDERS = ("acceptance@86400", "acceptance@7200")
DRAIN_LIMIT = 100  # seconds; about 35 s on an idle 2-core machine

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="several processes on one database: set COMPTOIR_TEST_DATABASE_URL"),
]


async def scalar(engine, query):
    async with engine.connect() as conn:
        return await conn.scalar(query)


async def rows(engine, query):
    async with engine.connect() as conn:
        return (await conn.execute(query)).all()


async def test_two_processes_on_one_postgres_fire_ten_thousand_timers_without_a_duplicate(
        engine, database_url, service, clock, tmp_path):
    started = time.monotonic()
    ids = await people(engine, clock)
    order_ids = []
    for i in range(ORDERS):  # one a second, so each order's timers come due in their own order
        order_ids.append(await place(service, ids, brief=f"Fox number {i}"))
        clock.advance(timedelta(seconds=1))
    run_at = clock.now() - timedelta(seconds=ORDERS) + timedelta(hours=49)
    due = timers.c.due_at <= run_at
    initial = await scalar(engine, select(func.count()).select_from(timers).where(due))
    assert initial == 3 * ORDERS >= 10_000
    setup = time.monotonic() - started
    print(f"\nsetup: {ORDERS} orders, {initial} due timers in {setup:.1f}s")

    notified = tmp_path / "notified.jsonl"
    logs = [tmp_path / "fired-a.log", tmp_path / "fired-b.log"]
    begun = time.monotonic()
    workers = [start_worker(database_url, run_at, notified, tmp_path, log=log, relay=False, timer_batch=10,
                            lease=60) for log in logs]
    try:  # one deadline for both: they run side by side
        summaries = [await w.finish(timeout=max(1.0, begun + DRAIN_LIMIT - time.monotonic())) for w in workers]
    finally:
        stop_all(workers)
    drain = time.monotonic() - begun
    print(f"drain: {drain:.1f}s by two processes: {summaries}")

    # no timer fired twice, none missed, and the work was shared
    fired = [tuple(line.split()) for log in logs for line in log.read_text().splitlines()]
    twice = {timer: n for timer, n in Counter(fired).items() if n > 1}
    assert twice == {}, f"{len(twice)} timers fired more than once, e.g. {list(twice.items())[:5]}"
    assert len(fired) == initial
    assert set(fired) == {(o, kind) for o in order_ids for kind in ("acceptance", *REMINDERS)}
    shares = [len(log.read_text().splitlines()) for log in logs]
    assert min(shares) > initial // 10, f"one process did almost nothing: {shares}"
    assert await scalar(engine, select(func.count()).select_from(timers).where(due)) == 0

    # each deadline acted exactly once, each reminder was queued exactly once, and the money adds up
    timeouts = Counter(o for (o,) in await rows(engine, select(order_events.c.order_id).where(
        order_events.c.action == Action.ACCEPTANCE_TIMEOUT.value)))
    assert timeouts == Counter(order_ids)
    assert set(await rows(engine, select(orders.c.stage).distinct())) == {(Stage.CANCELLED.value,)}
    # every reminder fired once, and none announced a deadline already over
    reminders = Counter(await rows(engine, select(outbox.c.order_id, outbox.c.role)
                                   .where(outbox.c.dedupe_key.like("%@%"))))
    assert reminders == Counter()
    assert await scalar(engine, select(func.sum(ledger_entries.c.amount))) == 0
    assert await scalar(engine, select(func.count()).select_from(settlements)) == ORDERS
