"""SQLite's statements run inline on the event loop (storage/inline.py): writers of one process queue without
blocking the loop, readers never wait, and a failed or abandoned transaction gives its turn back."""

import asyncio

import pytest
from sqlalchemy import select

from storage.database import READ_ONLY
from storage.inline import InlineEngine, many_rows
from storage.tables import accounts, audit_log, outbox
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import POSTGRES_URL

pytestmark = pytest.mark.skipif(bool(POSTGRES_URL), reason="the inline engine is SQLite's")


async def entries(engine) -> list[str]:
    async with engine.connect() as conn:
        await conn.execution_options(**{READ_ONLY: True})
        return list(await conn.scalars(select(audit_log.c.action).order_by(audit_log.c.id)))


def entry(action: str, clock):
    return audit_log.insert().values(actor_id="someone", action=action, subject="o-1", reason="", at=clock.now())


async def write(engine, clock, action: str, pause: asyncio.Event | None = None) -> None:
    async with SqlUnitOfWork(engine, clock) as uow:
        await uow.conn.execute(entry(action, clock))
        if pause is not None:
            await pause.wait()  # a transaction open across a real await: another writer must queue, not block
        await uow.commit()


async def test_the_sqlite_engine_runs_inline(engine):
    assert isinstance(engine, InlineEngine)


async def test_a_second_writer_waits_its_turn_while_the_loop_keeps_running(engine, clock):
    release = asyncio.Event()
    first = asyncio.create_task(write(engine, clock, "first", release))
    await asyncio.sleep(0.01)
    second = asyncio.create_task(write(engine, clock, "second"))
    ticks = 0
    for _ in range(20):  # the loop is free while the second writer waits
        await asyncio.sleep(0.001)
        ticks += 1
    assert ticks == 20 and not second.done()
    release.set()
    await asyncio.wait_for(asyncio.gather(first, second), timeout=5)
    assert await entries(engine) == ["first", "second"]


async def test_a_reader_does_not_wait_for_an_open_writer(engine, clock):
    release = asyncio.Event()
    writer = asyncio.create_task(write(engine, clock, "pending", release))
    await asyncio.sleep(0.01)
    assert await asyncio.wait_for(entries(engine), timeout=1) == []  # the snapshot before the writer's commit
    release.set()
    await writer
    assert await entries(engine) == ["pending"]


async def test_a_failed_writer_gives_its_turn_back(engine, clock):
    with pytest.raises(RuntimeError):
        async with SqlUnitOfWork(engine, clock) as uow:
            await uow.conn.execute(entry("lost", clock))
            raise RuntimeError("the handler failed midway")
    await asyncio.wait_for(write(engine, clock, "next"), timeout=1)
    assert await entries(engine) == ["next"]


async def test_engine_begin_commits_on_success_and_rolls_back_on_error(engine, clock):
    async with engine.begin() as conn:
        await conn.execute(entry("kept", clock))
    with pytest.raises(ValueError):
        async with engine.begin() as conn:
            await conn.execute(entry("undone", clock))
            raise ValueError
    assert await entries(engine) == ["kept"]
    assert engine.writers.locked() is False


def stored(engine, table: str, columns: str) -> list[tuple]:
    """The rows as SQLite keeps them (JSON as its text, times as their text), not as SQLAlchemy reads them back."""
    with engine.sync_engine.connect() as conn:
        return conn.connection.driver_connection.execute(f"SELECT {columns} FROM {table} ORDER BY id").fetchall()


async def test_rows_written_many_at_a_time_are_stored_exactly_as_sqlalchemy_stores_them(engine, clock):
    columns = ("dedupe_key, order_id, account_id, role, platform, external_id, text, with_card, files, buttons, "
               "quotes, created_at, next_attempt_at, attempts, claimed_until")

    def rows(prefix: str) -> list[dict]:
        return [{"dedupe_key": f"{prefix}-{n}", "order_id": None if n == 1 else f"o-{n}", "account_id": "someone",
                 "role": "buyer", "platform": "telegram", "external_id": str(n), "text": {"msgid": "Hi", "n": n},
                 "with_card": n % 2 == 0, "files": [], "buttons": [["b", "o:1"]], "quotes": None if n else [],
                 "created_at": clock.now(), "next_attempt_at": clock.now(), "attempts": 0} for n in range(3)]

    async with engine.begin() as conn:
        await conn.execute(accounts.insert(), {"id": "someone", "created_at": clock.now()})
        await conn.execute(outbox.insert(), rows("by-sqlalchemy"))
        done = await conn.execute(many_rows(outbox.insert()), rows("directly"))
        assert done.rowcount == 3
    found = stored(engine, "outbox", columns)
    by_sqlalchemy, directly = found[:3], found[3:]
    assert [row[1:] for row in directly] == [row[1:] for row in by_sqlalchemy]
    assert [row[10] for row in directly] == ["[]", "null", "null"]  # a JSON None is JSON's null, as SQLAlchemy has it
    assert all(row[11] == by_sqlalchemy[0][11] for row in directly)  # times in SQLAlchemy's text form


async def test_a_statement_whose_rows_need_a_computed_value_is_left_to_sqlalchemy(engine):
    # accounts.language has a default: SQLAlchemy computes it for a row without one, so it is not written directly
    assert engine.prepared(many_rows(accounts.insert()), ("id", "created_at")) is None
    assert engine.prepared(many_rows(outbox.insert().returning(outbox.c.id)), ("dedupe_key",)) is None
    assert engine.prepared(many_rows(audit_log.insert()), ("actor_id", "action", "subject", "reason", "at")) is not None
