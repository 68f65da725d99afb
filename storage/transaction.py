"""What every part of a unit of work shares: the connection its one transaction runs on, the clock, the orders
it has seen, and the writes a read-only unit refuses."""

from __future__ import annotations

from functools import cache

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.model import Order
from storage.inline import many_rows


class InTransaction:
    """The state the parts of `SqlUnitOfWork` (orders, notices, catalog, payments, chat, views) work on."""

    conn: AsyncConnection
    clock: object
    read_only: bool
    #: orders this unit read or wrote, for the recipients of notices
    known: dict[str, Order]

    def writing(self) -> None:
        if self.read_only:  # raised, not asserted: it holds under python -O too
            raise AssertionError("a read-only unit of work never writes")

    async def upsert(self, table, row: dict) -> None:
        """Inserts the row, or overwrites every column of the row with its primary key (one statement)."""
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        key = [c.name for c in table.primary_key.columns]
        statement = dialect.insert(table).values(**row)
        await self.conn.execute(statement.on_conflict_do_update(
            index_elements=key, set_={name: statement.excluded[name] for name in row if name not in key}))


@cache
def skipping(dialect_name: str, table):
    """An INSERT of this table that skips a row whose key is taken (its rowcount says which happened); built once
    per table, so SQLAlchemy reuses its compiled form (and SQLite writes its many rows directly: `many_rows`)."""
    return many_rows((postgresql if dialect_name == "postgresql" else sqlite).insert(table).on_conflict_do_nothing())
