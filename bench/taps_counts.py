"""What a press costs the database, counted: `comptoir run` with SQLAlchemy's engine events listened to, each
statement and transaction charged to the update being handled (or to the background: the relay, the scheduler).

Run as `python -m bench.taps_counts <comptoir arguments>`; when the process ends it writes, to the file named by
$BENCH_COUNTS, one JSON object: `updates`, a list with per handled update its kind and its counts, and
`background`, the counts of everything done outside an update. Counted, not timed: the figures are the same on
any machine. The events are SQLAlchemy's on the synchronous Engine class, which both the async engine
(PostgreSQL) and the inline SQLite connection (storage/inline.py) run their statements through.
"""

from __future__ import annotations

import json
import os
import re
import sys
from contextvars import ContextVar
from dataclasses import asdict, dataclass

from sqlalchemy import event
from sqlalchemy.engine import Engine

from storage.database import READ_ONLY

#: a read of the order: a SELECT whose FROM (or a JOIN) names the orders table
ORDER_READ = re.compile(r"^\s*SELECT\b.*\b(FROM|JOIN)\s+orders\b", re.IGNORECASE | re.DOTALL)


@dataclass
class Counts:
    transactions: int = 0  # every transaction begun
    write_transactions: int = 0  # begun as a writer (on SQLite: BEGIN IMMEDIATE, the write lock)
    order_reads: int = 0
    statements: int = 0  # every statement sent to the database (BEGIN and COMMIT aside)


_current: ContextVar[Counts | None] = ContextVar("bench_counts", default=None)
background = Counts()
updates: list[dict] = []


def _counts() -> Counts:
    return _current.get() or background


def _on_begin(conn) -> None:
    counts = _counts()
    counts.transactions += 1
    if not conn.get_execution_options().get(READ_ONLY):
        counts.write_transactions += 1


def _on_statement(conn, cursor, statement, parameters, context, executemany) -> None:
    counts = _counts()
    counts.statements += 1
    if ORDER_READ.match(statement):
        counts.order_reads += 1


def install() -> None:
    """Listens to every engine's statements and transactions; each Telegram update is counted on its own."""
    event.listen(Engine, "begin", _on_begin)
    event.listen(Engine, "before_cursor_execute", _on_statement)
    from telegram.ext import Application

    handle = Application.process_update

    async def counted(self, update):
        counts = Counts()
        _current.set(counts)  # this update's task has its own context: what it runs is charged to it
        try:
            return await handle(self, update)
        finally:
            kind = "press" if update.callback_query is not None else "other"
            updates.append({"kind": kind, "data": getattr(update.callback_query, "data", None), **asdict(counts)})

    Application.process_update = counted


def per_press(found: dict) -> dict:
    """The counts of the presses: per press the mean and the highest, and the background's totals."""
    presses = [u for u in found["updates"] if u["kind"] == "press"]
    figures: dict = {"presses_counted": len(presses)}
    for name in ("write_transactions", "transactions", "order_reads", "statements"):
        values = [p[name] for p in presses]
        figures[f"{name}_per_press"] = round(sum(values) / len(values), 2) if values else None
        figures[f"{name}_max"] = max(values) if values else None
    figures["background"] = found["background"]
    return figures


def main() -> int:
    install()
    from bots.command.cli import main as comptoir

    try:
        return comptoir(sys.argv[1:])
    finally:
        with open(os.environ["BENCH_COUNTS"], "w") as f:
            json.dump({"updates": updates, "background": asdict(background)}, f)


if __name__ == "__main__":
    sys.exit(main())
