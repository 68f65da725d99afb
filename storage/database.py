"""Connecting: one async engine per database URL, SQLite tuned for a single machine, PostgreSQL for many."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from storage.inline import READ_ONLY, InlineEngine
from storage.tables import metadata

__all__ = ["READ_ONLY", "connect", "create_schema", "insert_ignoring_duplicates", "insert_or_skip", "is_sqlite"]


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def connect(url: str, **kwargs) -> AsyncEngine | InlineEngine:
    """An engine for this URL. On SQLite: statements run inline on the event loop (storage/inline.py says why),
    WAL, a busy timeout, and write transactions that take the write lock when they begin (BEGIN IMMEDIATE), so two
    writers queue instead of failing midway; a connection with the READ_ONLY execution option begins deferred
    instead (it must not write)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # the standard library's sqlite3 whatever driver the URL names; a pool that never makes the loop wait
    sync_url = parsed.set(drivername="sqlite")
    on_file = bool(parsed.database) and parsed.database != ":memory:"
    # every unit ends its transaction itself: no rollback at check-in
    options = {"pool_size": 8, "max_overflow": -1, "pool_reset_on_return": None} if on_file else {}
    options.update(kwargs)
    engine = InlineEngine(create_engine(sync_url, connect_args={"timeout": 30, "check_same_thread": False},
                                        **options))

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


async def create_schema(engine: AsyncEngine) -> None:
    """Creates every table directly (tests); deployments run the Alembic migrations instead."""
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)


def insert_or_skip(conn: AsyncConnection, table):
    """An INSERT that does nothing when the row's key exists (its rowcount says which happened)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


async def insert_ignoring_duplicates(conn: AsyncConnection, table, rows: list[dict]) -> None:
    """Inserts rows, skipping those whose unique key is already there (the outbox's dedupe keys)."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    await conn.execute(dialect.insert(table).on_conflict_do_nothing(), rows)
