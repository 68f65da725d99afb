"""What the database was asked while a test counted: transactions, statements, reads of the order."""

from __future__ import annotations

from sqlalchemy import event

from bench.taps_counts import ORDER_READ
from storage.database import READ_ONLY


class Counted:
    """What the database was asked while counting: transactions (and how many began as writers), statements,
    reads of the order."""

    def __init__(self, engine) -> None:
        self.engine = engine.sync_engine
        self.writers = self.transactions = self.statements = self.order_reads = 0

    def _begin(self, conn) -> None:
        self.transactions += 1
        self.writers += not conn.get_execution_options().get(READ_ONLY)

    def _statement(self, conn, cursor, statement, *rest) -> None:
        self.statements += 1
        self.order_reads += bool(ORDER_READ.match(statement))

    def __enter__(self) -> "Counted":
        event.listen(self.engine, "begin", self._begin)
        event.listen(self.engine, "before_cursor_execute", self._statement)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "begin", self._begin)
        event.remove(self.engine, "before_cursor_execute", self._statement)
