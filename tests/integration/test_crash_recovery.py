"""A runtime process killed at any moment loses no deadline, no notification and no cent.

Real processes (tests/integration/worker.py) fire the timers and drain the outbox of a real database;
the test SIGKILLs them mid-flight three times and lets a fourth finish. Leases are one second and
each restart's clock is two seconds later, so whatever a dead process held is taken over at once.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.model import Action, Stage, Viewer
from storage.tables import ledger_entries, order_events, orders, outbox, settlements, timers
from tests.integration.conftest import people
from tests.integration.fleet import Worker, place, read_notified, start_worker, stop_all, wait_until

ORDERS = 200
#: when each worker is killed: the share of the due timers fired, and what it should be holding then
#: (0: timers it is firing, 1: outbox rows it is sending), so that kills land in both halves of its loop
KILL_AT = ((0.2, 0), (0.45, 1), (0.7, 0))
LEASE = 1  # seconds
RESTART_STEP = timedelta(seconds=2 * LEASE)  # each restart's clock: past every lease the dead one took
#: the relay sends to different chats concurrently, one message in flight per chat; a kill can catch
#: each of them sent but not yet marked sent. Here: the buyer's chat, the seller's, the moderator's.
CHATS = 3


async def scalar(engine, query):
    async with engine.connect() as conn:
        return await conn.scalar(query)


async def rows(engine, query):
    async with engine.connect() as conn:
        return (await conn.execute(query)).all()


async def test_a_process_killed_mid_flight_loses_no_deadline_notification_or_cent(
        engine, database_url, service, clock, tmp_path):
    started = time.monotonic()
    ids = await people(engine, clock)
    pending, accepted = [], []
    for i in range(ORDERS):
        order_id = await place(service, ids, brief=f"Fox number {i}")
        if i % 2:
            assert (await service.act(order_id, Action.ACCEPT, Viewer(ids["seller"]))).order.stage is Stage.IN_PROGRESS
            accepted.append(order_id)
        else:
            pending.append(order_id)
        clock.advance(timedelta(minutes=1))
    run_at = clock.now() + timedelta(days=60)  # every acceptance and delivery deadline has passed
    due = timers.c.due_at <= run_at
    initial = await scalar(engine, select(func.count()).select_from(timers).where(due))
    # a pending order: the acceptance deadline and its two reminders; an accepted one: delivery and one
    assert initial == 3 * len(pending) + 2 * len(accepted)
    setup = time.monotonic() - started

    async def held(worker: Worker) -> tuple[int, int]:
        """Timers and outbox rows this worker leased and has not finished: what killing it now leaves behind
        (the leases of the workers killed before it ended before its clock starts)."""
        return (await scalar(engine, select(func.count()).select_from(timers).where(
                    due, timers.c.claimed_until > worker.now)),
                await scalar(engine, select(func.count()).select_from(outbox).where(
                    outbox.c.sent_at.is_(None), outbox.c.claimed_until > worker.now)))

    notified = tmp_path / "notified.jsonl"
    workers: list[Worker] = []
    progress = []
    try:
        for k, (share, holding) in enumerate(KILL_AT):
            worker = start_worker(database_url, run_at + k * RESTART_STEP, notified, tmp_path, forever=True,
                                  lease=LEASE)
            workers.append(worker)

            async def far_enough(worker=worker, share=share) -> bool:
                left = await scalar(engine, select(func.count()).select_from(timers).where(due))
                return left <= initial * (1 - share)

            async def mid_batch(worker=worker, holding=holding) -> bool:
                return await far_enough() and (await held(worker))[holding] > 0

            try:  # best: caught holding leased work; on a busy machine the moment may be missed
                await wait_until(mid_batch, 10, f"{share:.0%} of the timers to fire, mid-batch", (worker,), kill=False)
            except pytest.fail.Exception:
                await wait_until(far_enough, 30, f"{share:.0%} of the timers to fire", (worker,))
            worker.kill()
            progress.append((
                await scalar(engine, select(func.count()).select_from(timers).where(due)),
                await scalar(engine, select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))),
                len(read_notified(notified)),
                await held(worker),
            ))
        last = start_worker(database_url, run_at + len(KILL_AT) * RESTART_STEP, notified, tmp_path, lease=LEASE)
        workers.append(last)
        summary = await last.finish(timeout=45)
    finally:
        stop_all(workers)
    drain = time.monotonic() - started - setup
    for (left, unsent, sent, (timers_held, rows_held)), (share, _) in zip(progress, KILL_AT):
        print(f"\nkilled at >= {share:.0%}: {left} due timers left, {unsent} outbox rows unsent, {sent} sent; "
              f"the dead process held {timers_held} timers and {rows_held} outbox rows", end="")
    print(f"\nsetup {setup:.1f}s, {len(workers)} workers {drain:.1f}s, last one: {summary}")

    # every deadline fired exactly once, and nothing due is left
    assert await scalar(engine, select(func.count()).select_from(timers).where(due)) == 0
    events = Counter(await rows(engine, select(order_events.c.order_id, order_events.c.action)
                                .where(order_events.c.action.in_([Action.ACCEPTANCE_TIMEOUT.value,
                                                                  Action.DELIVERY_OVERDUE.value]))))
    assert {o: events[(o, Action.ACCEPTANCE_TIMEOUT.value)] for o in pending} == {o: 1 for o in pending}
    assert {o: events[(o, Action.DELIVERY_OVERDUE.value)] for o in accepted} == {o: 1 for o in accepted}
    assert sum(events.values()) == ORDERS
    stages = dict(await rows(engine, select(orders.c.id, orders.c.stage)))
    assert {stages[o] for o in pending} == {Stage.CANCELLED.value}
    assert {stages[o] for o in accepted} == {Stage.IN_PROGRESS.value}

    # no cent created, lost or moved twice: the refunds settled each cancelled order exactly once
    assert await scalar(engine, select(func.sum(ledger_entries.c.amount))) == 0
    settled = Counter(await rows(engine, select(settlements.c.order_id, settlements.c.kind)))
    assert settled == Counter({(o, "refund"): 1 for o in pending})
    refunds = Counter(o for _, o in await rows(engine, select(ledger_entries.c.tx_id, ledger_entries.c.order_id)
                                               .where(ledger_entries.c.kind == "refund").distinct()))
    assert refunds == Counter(pending)

    # the workers started after every deadline had passed: no reminder announces a deadline that is over
    reminders = Counter(await rows(engine, select(outbox.c.order_id, outbox.c.role)
                                   .where(outbox.c.dedupe_key.like("%@%"))))
    assert reminders == Counter()

    # every notification was sent and reached the platform; the deadlines' own notices among them
    sent = await rows(engine, select(outbox.c.dedupe_key, outbox.c.sent_at, outbox.c.failed_at))
    assert [key for key, at, failed in sent if at is None or failed is not None] == []
    keys = {key for key, _, _ in sent}
    deliveries = read_notified(notified)
    copies = Counter(key for key, _ in deliveries)
    assert keys - set(copies) == set(), "notifications marked sent that never reached the platform"
    assert set(copies) - keys == set()
    deadline_versions = await rows(engine, select(order_events.c.order_id, order_events.c.version).where(
        order_events.c.action.in_([Action.ACCEPTANCE_TIMEOUT.value, Action.DELIVERY_OVERDUE.value])))
    for order_id, version in deadline_versions:
        assert any(key.startswith(f"{order_id}:{version}:") for key in copies), (order_id, version)

    # at least once, and more only for what a kill caught between the platform's ack and the commit
    killed = {w.pid for w in workers if w.killed}
    senders = defaultdict(list)
    for key, pid in deliveries:
        senders[key].append(pid)
    duplicates = {key: pids for key, pids in senders.items() if len(pids) > 1}
    for key, pids in duplicates.items():
        assert len(set(pids)) == len(pids), f"one process sent {key} twice: {pids}"
        assert set(pids[:-1]) <= killed, f"{key} sent again although its sender was not killed: {pids}"
    duplicated = sum(len(p) - 1 for p in duplicates.values())
    print(f"{len(deliveries)} messages sent for {len(keys)} outbox rows: {duplicated} duplicates "
          f"after {len(killed)} kills")
    assert duplicated <= len(killed) * CHATS
    for pid in killed:  # per kill: at most one message per chat in flight
        assert sum(1 for pids in duplicates.values() if pids[0] == pid) <= CHATS
