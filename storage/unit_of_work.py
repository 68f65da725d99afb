"""The unit of work: one database transaction in which an action's every consequence is saved, or none.

It is composed of parts, each keeping one kind of data (storage.orders, storage.notices, storage.catalog,
storage.payments, storage.chat, storage.views, storage.availability, storage.today) on the unit's one connection; people and conversation state are
`accounts` and `conversations`."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.model import Order
from core.ports import Conflict
from storage.accounts import Accounts
from storage.availability import AvailabilityRows
from storage.audit import Audit
from storage.catalog import CatalogRows
from storage.chat import ChatRows
from storage.conversations import Conversations
from storage.database import READ_ONLY
from storage.notices import NoticeRows
from storage.orders import OrderRows
from storage.payments import PaymentRows
from storage.views import OrderViews


class SqlUnitOfWork(OrderRows, NoticeRows, PaymentRows, CatalogRows, ChatRows, OrderViews, AvailabilityRows):
    """With `read_only=True` the unit only reads: on SQLite its transaction is a deferred BEGIN, so it does not
    take the write lock (WAL readers see a consistent snapshot and never wait for writers); its writes are refused."""

    def __init__(self, engine: AsyncEngine, clock, read_only: bool = False) -> None:
        self.engine = engine
        self.clock = clock
        self.read_only = read_only
        self.known: dict[str, Order] = {}

    async def __aenter__(self) -> SqlUnitOfWork:
        self.conn = await self.engine.connect()
        if self.read_only:
            await self.conn.execution_options(**{READ_ONLY: True})
        await self.conn.begin()
        self.accounts = Accounts(self.conn, self.clock)
        self.conversations = Conversations(self.conn, self.clock)
        self.audit = Audit(self.conn)
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self.conn.in_transaction():
                await self.conn.rollback()
        finally:
            await self.conn.close()

    async def commit(self) -> None:
        try:
            await self.conn.commit()
        except IntegrityError as error:  # a unique key another transaction took first
            raise Conflict(str(error)) from error

    async def names(self, account_ids) -> dict[str, str]:
        return await self.accounts.names(account_ids)
