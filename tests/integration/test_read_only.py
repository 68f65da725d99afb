"""Read-only units of work: they never wait for a writer (no SQLite write lock) and refuse to write."""

import asyncio

import pytest

from core.deadlines import Timer, TimerKind
from core.events import Notice
from core.i18n import Text
from core.model import Deadline, Role, Viewer
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import people
from tests.integration.test_orders import placed


async def test_reading_an_order_does_not_wait_for_a_writer(engine, service, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    async with SqlUnitOfWork(engine, clock) as writer:  # holds SQLite's write lock until it ends
        await writer.finish_timer(order_id, Timer(TimerKind(Deadline.DELIVERY), clock.now()))
        order = await asyncio.wait_for(service.order(order_id), timeout=5)
        card = await asyncio.wait_for(service.card(order_id, Viewer(ids["buyer"])), timeout=5)
        assert order.id == order_id and card is not None
        async with SqlUnitOfWork(engine, clock, read_only=True) as reader:
            assert (await asyncio.wait_for(reader.order(order_id), timeout=5)).version == order.version


async def test_a_read_only_unit_refuses_to_write(engine, service, clock):
    ids = await people(engine, clock)
    order_id = await placed(service, ids)
    async with SqlUnitOfWork(engine, clock, read_only=True) as uow:
        order = await uow.order(order_id)
        with pytest.raises(AssertionError):
            await uow.notify(Notice(order_id, Role.BUYER, Text.of("hello"), "read-only-test"))
        with pytest.raises(AssertionError):
            await uow.finish_timer(order_id, Timer(TimerKind(Deadline.DELIVERY), clock.now()))
        with pytest.raises(AssertionError):
            await uow.save(order, None, None)
