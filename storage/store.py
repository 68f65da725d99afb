"""One database as the runtime sees it: units of work, the timer queue, the outbox, migrations."""

from __future__ import annotations

from core.ports import Clock
from storage.claims import TimerQueue
from storage.database import connect, create_schema
from storage.migrate import upgrade_async
from storage.outbox import Outbox
from storage.refunds import RefundQueue
from storage.unit_of_work import SqlUnitOfWork


class Store:
    def __init__(self, url: str, clock: Clock) -> None:
        self.url = url
        self.clock = clock
        self.engine = connect(url)
        self.timers = TimerQueue(self.engine)
        self.outbox = Outbox(self.engine)
        self.refunds = RefundQueue(self.engine)

    def unit_of_work(self, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.clock, read_only)

    async def answers(self) -> None:
        """A real read through this store's own engine and units of work (the operator's health check): raises
        whatever keeps the database from answering."""
        async with self.unit_of_work(read_only=True) as uow:
            await uow.order("-")

    async def migrate(self) -> None:
        await upgrade_async(self.url)

    async def create_schema(self) -> None:
        await create_schema(self.engine)

    async def close(self) -> None:
        await self.engine.dispose()
