"""The scheduler's polls: an adapter's own queue (Stars refunds) runs beside the timers and the outbox."""

import asyncio

from bots.scheduler import start_scheduler


class Idle:
    async def drain(self) -> int:
        return 0


async def test_an_adapters_extra_job_is_polled_at_once_and_then_with_the_relay():
    ran = asyncio.Event()

    async def refunds() -> int:
        ran.set()
        return 0

    scheduler = start_scheduler(Idle(), Idle(), 60, 60, [refunds])
    try:
        await asyncio.wait_for(ran.wait(), timeout=5)
        assert scheduler.get_job("extra-0").trigger.interval.total_seconds() == 60
    finally:
        scheduler.shutdown(wait=False)


async def test_a_stop_lets_the_poll_under_way_finish_and_starts_no_new_one():
    started, release, finished = asyncio.Event(), asyncio.Event(), []

    class Relay:
        async def drain(self) -> int:
            started.set()
            await release.wait()  # a notice being sent when the stop comes
            finished.append(True)
            return 1

    scheduler = start_scheduler(Idle(), Relay(), 60, 0.01)
    await asyncio.wait_for(started.wait(), timeout=5)
    stopping = asyncio.create_task(scheduler.stop())
    await asyncio.sleep(0.05)
    assert not stopping.done()  # waiting for the poll, not cancelling it
    release.set()
    await asyncio.wait_for(stopping, timeout=5)
    assert finished == [True] and not scheduler.under_way


async def test_a_poll_that_outlasts_the_grace_is_cancelled():
    started, cancelled = asyncio.Event(), []

    class Stuck:
        async def drain(self) -> int:
            started.set()
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                cancelled.append(True)
                raise
            return 0

    scheduler = start_scheduler(Stuck(), Idle(), 60, 60)
    await asyncio.wait_for(started.wait(), timeout=5)
    await asyncio.wait_for(scheduler.stop(grace=0.05), timeout=5)
    await asyncio.sleep(0)  # the cancellation reaches the poll
    assert cancelled == [True]
