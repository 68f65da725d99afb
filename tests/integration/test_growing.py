"""Growing a desk: `comptoir backup` copies the SQLite file safely while it is written to, and `comptoir copy-to`
moves a SQLite desk with orders in every stage to PostgreSQL, where a runtime carries on with the same orders,
balances and pending deadlines."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from bots.config import Config
from bots.runtime import Runtime, build
from core.model import Action, Payload, Stage, Viewer
from storage.tables import metadata
from tests.fakes.memory import FakeClock
from tests.integration.conftest import POSTGRES_URL, people, reset
from tests.integration.fleet import place

ROOT = Path(__file__).resolve().parents[2]


def comptoir(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    environ["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "bots.command.cli", *args, "--config", str(tmp_path / "config.toml")],
                          env=environ, capture_output=True, text=True, timeout=300, cwd=tmp_path)


async def sqlite_desk(tmp_path: Path, clock: FakeClock) -> tuple[Runtime, dict[str, str], dict[Stage, str]]:
    """A desk on a SQLite file beside its config, with an order in every stage (and chat, reviews, refunds)."""
    (tmp_path / "config.toml").write_text('database_url = "sqlite+aiosqlite:///desk.sqlite3"\n')
    rt = build(Config(database_url=f"sqlite+aiosqlite:///{tmp_path / 'desk.sqlite3'}"), clock)
    await rt.store.migrate()
    ids = await people(rt.store.engine, clock)
    buyer, seller, moderator = Viewer(ids["buyer"]), Viewer(ids["seller"]), Viewer(ids["moderator"], moderator=True)

    async def order(*steps: tuple[Viewer, Action, Payload]) -> str:
        order_id = await place(rt.service, ids, brief="A fox")
        for who, action, payload in steps:
            outcome = await rt.service.act(order_id, action, who, payload)
            assert hasattr(outcome, "order"), outcome
        return order_id

    accept = (seller, Action.ACCEPT, Payload())
    deliver = (seller, Action.DELIVER, Payload(text="Here it is", files=("fox.svg",)))
    revise = (buyer, Action.REQUEST_REVISION, Payload(text="Bigger ears"))
    stages = {Stage.EXPIRED: await order(accept)}
    clock.advance(timedelta(days=151))  # five months: it expires (its other deadlines pass first)
    await rt.timekeeper.drain()
    stages[Stage.PENDING] = await order()
    stages[Stage.IN_PROGRESS] = await order(accept)
    stages[Stage.DELIVERED] = await order(accept, deliver)
    stages[Stage.REVISION_REQUESTED] = await order(accept, deliver, revise)
    stages[Stage.REVISION_REFUSED] = await order(accept, deliver, revise,
                                                 (seller, Action.REFUSE_REVISION, Payload(text="As agreed")))
    stages[Stage.DISPUTED] = await order(accept, (buyer, Action.OPEN_DISPUTE, Payload(text="No news")),
                                         (moderator, Action.TAKE_DISPUTE, Payload()))
    stages[Stage.COMPLETED] = await order(accept, deliver, (buyer, Action.COMPLETE, Payload(positive=True,
                                                                                           text="Lovely")))
    stages[Stage.CANCELLED] = await order((seller, Action.DECLINE, Payload(text="Too busy")))
    await rt.service.say(stages[Stage.IN_PROGRESS], buyer, "How is it going?", "telegram")
    await rt.service.say(stages[Stage.IN_PROGRESS], seller, "Nearly there", "telegram")
    for stage, order_id in stages.items():
        assert (await rt.service.order(order_id)).stage is stage
    return rt, ids, stages


async def seen_by(rt: Runtime, order_ids) -> tuple[dict, dict, dict]:
    """What a runtime sees: each order, the balances, each order's pending timers."""
    async with rt.store.unit_of_work(read_only=True) as uow:
        return ({order_id: await uow.order(order_id) for order_id in order_ids}, await uow.balances(),
                {order_id: await uow.pending_timers(order_id) for order_id in order_ids})


def test_copy_to_refuses_a_target_that_is_not_postgresql_in_one_line(tmp_path):
    (tmp_path / "config.toml").write_text('database_url = "sqlite+aiosqlite:///desk.sqlite3"\n')
    done = comptoir(tmp_path, "copy-to", f"sqlite+aiosqlite:///{tmp_path / 'other.sqlite3'}")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("comptoir: copy-to: the target must be PostgreSQL")


async def test_backup_copies_a_consistent_snapshot_while_the_desk_is_written_to(tmp_path):
    rt, ids, stages = await sqlite_desk(tmp_path, FakeClock())
    await rt.store.close()
    database = tmp_path / "desk.sqlite3"
    writing, written = threading.Event(), []

    def writer() -> None:  # another process's writes, as `comptoir run` would make them, all through the backup
        with sqlite3.connect(database, timeout=30) as conn:
            while not writing.is_set():
                conn.execute("INSERT INTO audit_log (actor_id, action, subject, reason, at) "
                             "VALUES ('ops', 'note', 'backup', 'busy', '2026-01-05 09:00:00.000000')")
                conn.commit()
                written.append(1)
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        done = comptoir(tmp_path, "backup", "copy.sqlite3")
    finally:
        writing.set()
        thread.join()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Backed up {database} to {tmp_path / 'copy.sqlite3'}: ")
    assert done.stdout.strip().endswith(f"{len(stages) * 1} orders, integrity ok.")
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        notes = copy.execute("SELECT count(*) FROM audit_log WHERE reason = 'busy'").fetchone()[0]
        assert copy.execute("SELECT count(*) FROM orders").fetchone()[0] == len(stages)
    assert 0 <= notes <= len(written) and len(written) > 0
    assert not (tmp_path / ".copy.sqlite3.partial").exists()


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="copies to PostgreSQL: set COMPTOIR_TEST_DATABASE_URL")
async def test_a_sqlite_desk_with_orders_in_every_stage_moves_to_postgresql_and_carries_on_there(tmp_path):
    clock = FakeClock()
    rt, ids, stages = await sqlite_desk(tmp_path, clock)
    before = await seen_by(rt, stages.values())
    await rt.store.close()
    await reset(POSTGRES_URL)

    done = comptoir(tmp_path, "copy-to", POSTGRES_URL)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert {line.split(":")[0] for line in lines[:-1]} == {table.name for table in metadata.sorted_tables}
    assert f"orders: {len(stages)} rows, checksum " in done.stdout
    assert lines[-1].startswith("Copied ") and "counts and checksums match" in lines[-1]
    assert "comptoir:comptoir@" not in done.stdout  # the target shown without its password

    again = comptoir(tmp_path, "copy-to", POSTGRES_URL)
    assert again.returncode == 2 and again.stderr.count("\n") == 1
    assert "the target already holds data" in again.stderr

    on_postgres = build(Config(database_url=POSTGRES_URL), clock)
    try:
        assert await seen_by(on_postgres, stages.values()) == before  # the same orders, balances, deadlines
        buyer, seller = Viewer(ids["buyer"]), Viewer(ids["seller"])
        said = await on_postgres.service.say(stages[Stage.IN_PROGRESS], seller, "Done tomorrow", "telegram")
        assert said is not None  # new rows get new ids: the sequences go on after the copied ones
        clock.advance(timedelta(days=5))  # acceptance (2 days) and delivery (4) pass, on PostgreSQL
        await on_postgres.timekeeper.drain()
        assert (await on_postgres.service.order(stages[Stage.PENDING])).stage is Stage.CANCELLED
        late = await on_postgres.service.order(stages[Stage.IN_PROGRESS])
        assert late.late and (await on_postgres.service.act(late.id, Action.CANCEL_LATE, buyer)).order.stage \
            is Stage.CANCELLED
    finally:
        await on_postgres.store.close()
