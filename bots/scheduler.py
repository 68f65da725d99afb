"""Time: APScheduler only drives two polls; deadlines themselves are rows in our own tables.

One APScheduler job per deadline would drop late jobs, remove a job before running it, and
double-run jobs across processes. Instead, every `poll` seconds we claim the due timer rows (a
lease, SKIP LOCKED on PostgreSQL) and apply them through the service, and we drain the outbox.
A deadline that passed while the bot was down is due at the first poll, however late.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from bots.relay import Relay
from core.availability import Availability
from core.service import Service
from storage.claims import TimerQueue

log = logging.getLogger(__name__)


class Timekeeper:
    """Fires due timers: the system's deadline actions and the reminders; then tells the visitors waiting for an
    offer that reopened."""

    def __init__(self, queue: TimerQueue, service: Service, batch: int = 100,
                 lease: timedelta = timedelta(seconds=60), availability: Availability | None = None) -> None:
        self.queue = queue
        self.service = service
        self.batch = batch
        self.lease = lease
        #: the visitors waiting for a paused offer are deadline rows too, looked at with the timers
        self.availability = availability

    async def tick(self) -> int:
        """Claims one batch of due timers and fires them; returns how many were claimed."""
        claimed = await self.queue.claim(self.service.clock.now(), self.batch, self.lease)
        if not claimed:
            return 0
        try:  # the batch in one transaction: the common case, and ~10x faster than one transaction each
            await self.service.fire_all(claimed)
            return len(claimed)
        except Exception:  # noqa: BLE001 — undone as a whole; each timer then gets its own transaction
            log.info("a batch of %d timers was undone; firing them one by one", len(claimed), exc_info=True)
        for order_id, timer in claimed:
            try:
                await self.service.fire(order_id, timer)
            except Exception:  # noqa: BLE001 — one bad timer must not stop the others; its lease expires
                log.exception("timer %s of order %s failed; it will be retried", timer.kind, order_id)
        return len(claimed)

    async def drain(self) -> int:
        total = 0
        while True:
            claimed = await self.tick()
            total += claimed
            if claimed < self.batch:
                break
        while self.availability is not None:
            looked = await self.availability.reopen_due(self.batch)
            total += looked
            if looked < self.batch:
                break
        return total


class Polls(AsyncIOScheduler):
    """APScheduler driving our polls, which a stop lets finish: a notice the platform accepted is then
    marked sent too (a poll cancelled in between would send it again after a restart)."""

    def __init__(self) -> None:
        super().__init__(job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        self.under_way: set[asyncio.Task] = set()

    def add_poll(self, poll: Callable[[], Awaitable[int]], seconds: float, job_id: str) -> None:
        async def run() -> int:
            task = asyncio.current_task()
            self.under_way.add(task)
            try:
                return await poll()
            finally:
                self.under_way.discard(task)
        self.add_job(run, "interval", seconds=seconds, id=job_id, name=getattr(poll, "__qualname__", job_id),
                     next_run_time=_now())

    async def stop(self, grace: float = 10.0) -> None:
        """No new poll starts; those under way finish (within `grace` seconds, else they are cancelled)."""
        self.pause()
        if self.under_way:
            await asyncio.wait(set(self.under_way), timeout=grace)
        self.shutdown(wait=False)


def start_scheduler(timekeeper: Timekeeper, relay: Relay, poll_seconds: float, relay_seconds: float,
                    extra_jobs: Iterable[Callable[[], Awaitable[int]]] = ()) -> Polls:
    """Starts the polls on the running event loop. Polls never overlap themselves, and a poll
    that was late simply runs (no misfire is dropped: the work is in the tables, not in the job).
    Extra jobs (an adapter's queue, like Stars refunds) poll at the relay's pace, unless they say their own
    (`seconds`: the Today cards')."""
    scheduler = Polls()
    scheduler.add_poll(timekeeper.drain, poll_seconds, "timers")
    scheduler.add_poll(relay.drain, relay_seconds, "outbox")
    for number, job in enumerate(extra_jobs):
        scheduler.add_poll(job, getattr(job, "seconds", relay_seconds), f"extra-{number}")
    scheduler.start()
    return scheduler


def _now() -> datetime:
    return datetime.now(timezone.utc)  # APScheduler's own wall clock: when to poll, not what is due
