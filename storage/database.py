"""Connecting: one async engine per database URL, SQLite tuned for a single machine, PostgreSQL for many."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from storage.tables import metadata

#: execution option of a connection that only reads: on SQLite its transactions begin DEFERRED (no write lock)
READ_ONLY = "comptoir_read_only"


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def connect(url: str, **kwargs) -> AsyncEngine:
    """An engine for this URL. On SQLite: WAL, a busy timeout, and write transactions that take the
    write lock when they begin (BEGIN IMMEDIATE), so two writers queue instead of failing midway; a connection
    with the READ_ONLY execution option begins deferred instead (it must not write)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection):
        # a reader's BEGIN takes no lock: in WAL it reads a snapshot and neither waits for nor blocks writers
        connection.exec_driver_sql("BEGIN" if connection.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")

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
