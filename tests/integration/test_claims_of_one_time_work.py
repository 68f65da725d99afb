"""One-time work claimed in the database (opening an order's Discord room): of several processes asking at
once, one gets it; a claim its process left unfinished is taken over after its lease, a finished one never."""

import asyncio
from datetime import timedelta

from storage.database import connect
from storage.unit_of_work import SqlUnitOfWork

LEASE = timedelta(minutes=2)
ROOM = "room:AB12CD34"


async def claim(engine, clock, key: str = ROOM) -> bool:
    async with SqlUnitOfWork(engine, clock) as uow:
        won = await uow.conversations.claim("discord", key, "AB12CD34", LEASE)
        await uow.commit()
    return won


async def settle(engine, clock, done: bool) -> None:
    async with SqlUnitOfWork(engine, clock) as uow:
        if done:
            await uow.conversations.claim_done("discord", ROOM)
        else:
            await uow.conversations.release("discord", ROOM)
        await uow.commit()


async def test_of_four_processes_claiming_at_once_exactly_one_gets_it(engine, database_url, clock):
    processes = [connect(database_url) for _ in range(4)]  # an engine (a pool) each, as separate processes
    try:
        won = await asyncio.gather(*(claim(process, clock) for process in processes))
    finally:
        await asyncio.gather(*(process.dispose() for process in processes))
    assert sorted(won) == [False, False, False, True]


async def test_another_claim_is_its_own(engine, clock):
    assert await claim(engine, clock)
    assert await claim(engine, clock, "room:ZZ99ZZ99")


async def test_a_claim_left_unfinished_is_taken_over_after_its_lease_and_not_before(engine, clock):
    assert await claim(engine, clock)
    clock.advance(LEASE - timedelta(seconds=1))
    assert not await claim(engine, clock)  # still being done, maybe slowly
    clock.advance(timedelta(seconds=2))
    assert await claim(engine, clock)  # its process died midway: someone must do it
    assert not await claim(engine, clock)  # and the new claim holds in turn


async def test_a_finished_claim_is_never_taken_over(engine, clock):
    assert await claim(engine, clock)
    await settle(engine, clock, done=True)
    clock.advance(100 * LEASE)
    assert not await claim(engine, clock)


async def test_a_released_claim_can_be_claimed_again_at_once(engine, clock):
    assert await claim(engine, clock)
    await settle(engine, clock, done=False)  # opening the room failed
    assert await claim(engine, clock)
