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
