"""transitions: order transitions per second through the Service, against a raw-driver replay of its SQL.

Each worker (an asyncio task) takes its own orders through a whole life: place (paid checkout), accept,
deliver, complete -- four transitions, each one Service call in one transaction that writes the order,
its event, ledger postings, timer changes and outbox rows. Run on a SQLite file and, when a URL is given
(--pg-url or COMPTOIR_BENCH_DATABASE_URL), on PostgreSQL, with 1 and 4 workers.

The raw replay: the SQL the service issued for one order's life is captured with SQLAlchemy's
before_cursor_execute event (statement and driver-level parameters), then replayed for as many orders
with the bare driver (sqlite3 in threads / asyncpg), the order id swapped in, one transaction per
transition. service / raw is the overhead of the ORM layer, the engine and the service.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event

from bench.common import T0, Stopwatch, cpu_seconds, parser, pg_url, report, say, sqlite_url, workdir
from bench.world import OPTION_PRICE, PRICE, fresh_schema, people
from core.events import Outcome
from core.model import Action, Payload, Viewer
from core.ports import ManualClock
from core.service import Service
from core.settings import Settings
from storage.database import connect
from storage.unit_of_work import SqlUnitOfWork

CAPTURE_ID = "ZQCAPTUREQZ"
STEPS = ("place", "accept", "deliver", "complete")


@dataclass
class Statement:
    sql: str
    params: object
    many: bool


class Lifecycle:
    """One order's life through the service."""

    def __init__(self, service: Service, ids: dict, worker: int) -> None:
        self.service = service
        self.buyer = Viewer(ids["buyers"][worker])
        self.seller = Viewer(ids["sellers"][0])
        self.offer = ids["offers"][0]

    async def step(self, name: str, order_id: str) -> None:
        s = self.service
        if name == "place":
            s.ids = lambda: order_id
            result = await s.place(self.offer, self.buyer, paid=PRICE + OPTION_PRICE, options=("source",),
                                   brief="A logo for my bakery", payment_ref=f"manual:{order_id}")
        elif name == "accept":
            result = await s.act(order_id, Action.ACCEPT, self.seller)
        elif name == "deliver":
            result = await s.act(order_id, Action.DELIVER, self.seller, Payload(text="Here it is"))
        else:
            result = await s.act(order_id, Action.COMPLETE, self.buyer)
        if not isinstance(result, Outcome):
            raise RuntimeError(f"{name} of {order_id} refused: {result}")


def order_id(worker: int, n: int) -> str:
    return f"W{worker}N{n:07d}"


async def prepare(url: str, workers: int) -> tuple[dict, dict[str, list[Statement]]]:
    """A fresh schema with the people, and the statements one order's life issues (captured)."""
    await fresh_schema(url)
    clock = ManualClock(T0)
    engine = connect(url)
    ids = await people(engine, clock, buyers=workers)
    captured: dict[str, list[Statement]] = {}
    current: list[Statement] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        current.append(Statement(statement, parameters, executemany))

    service = Service(lambda **kw: SqlUnitOfWork(engine, clock, **kw), clock, Settings())
    life = Lifecycle(service, ids, 0)
    await life.step("place", "warmup")  # first use: connections opened, statements compiled and cached
    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    for name in STEPS:
        # on SQLite the BEGIN IMMEDIATE goes straight to the driver, unseen by the event: replayed all the same
        current = [Statement("BEGIN IMMEDIATE", (), False)] if engine.dialect.name == "sqlite" else []
        await life.step(name, CAPTURE_ID)
        captured[name] = current
    event.remove(engine.sync_engine, "before_cursor_execute", capture)
    await engine.dispose()
    return ids, captured


async def run_service(url: str, ids: dict, workers: int, orders: int) -> dict:
    clock = ManualClock(T0)
    engine = connect(url, pool_size=max(5, workers + 1)) if not url.startswith("sqlite") else connect(url)
    service_of = [Service(lambda **kw: SqlUnitOfWork(engine, clock, **kw), clock, Settings()) for _ in range(workers)]
    lives = [Lifecycle(service_of[w], ids, w) for w in range(workers)]

    async def worker(w: int) -> None:
        for n in range(orders):
            oid = order_id(w, n)
            for name in STEPS:
                await lives[w].step(name, oid)

    cpu = cpu_seconds()
    try:
        with Stopwatch() as sw:
            await asyncio.gather(*(worker(w) for w in range(workers)))
    finally:
        await engine.dispose()
    cpu = cpu_seconds() - cpu
    count = workers * orders * len(STEPS)
    return {"transitions": count, "seconds": round(sw.seconds, 3), "per_second": round(count / sw.seconds, 1),
            "cpu_seconds": round(cpu, 3), "per_cpu_second": round(count / cpu, 1)}


def _swap(value, new: str):
    if isinstance(value, str):
        return value.replace(CAPTURE_ID, new) if CAPTURE_ID in value else value
    if isinstance(value, (list, tuple)):
        return type(value)(_swap(v, new) for v in value)
    if isinstance(value, dict):
        return {k: _swap(v, new) for k, v in value.items()}
    return value


def run_raw_sqlite(path: Path, captured: dict[str, list[Statement]], workers: int, orders: int) -> dict:
    """The captured statements, through sqlite3 itself: one connection and thread per worker."""
    errors: list[BaseException] = []

    def worker(w: int, start: threading.Barrier) -> None:
        db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000", "foreign_keys=ON"):
            db.execute(f"PRAGMA {pragma}")
        start.wait()
        try:
            for n in range(orders):
                oid = f"R{order_id(w, n)}"
                for name in STEPS:
                    for st in captured[name]:
                        params = _swap(st.params, oid)
                        if st.many:
                            db.executemany(st.sql, params)
                        else:
                            db.execute(st.sql, params).fetchall()
                    db.execute("COMMIT")
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            db.close()

    start = threading.Barrier(workers + 1)
    threads = [threading.Thread(target=worker, args=(w, start)) for w in range(workers)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    if errors:
        raise errors[0]
    count = workers * orders * len(STEPS)
    return {"transitions": count, "seconds": round(seconds, 3), "per_second": round(count / seconds, 1)}


async def run_raw_aiosqlite(path: Path, captured: dict[str, list[Statement]], workers: int, orders: int) -> dict:
    """The same replay through aiosqlite (the driver the service uses): what the driver's thread hop costs."""
    import aiosqlite

    conns = []
    for _ in range(workers):
        db = await aiosqlite.connect(path, timeout=30, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000", "foreign_keys=ON"):
            await db.execute(f"PRAGMA {pragma}")
        conns.append(db)

    async def worker(w: int) -> None:
        db = conns[w]
        for n in range(orders):
            oid = f"A{order_id(w, n)}"
            for name in STEPS:
                for st in captured[name]:
                    params = _swap(st.params, oid)
                    if st.many:
                        await db.executemany(st.sql, params)
                    else:
                        async with db.execute(st.sql, params) as cursor:
                            await cursor.fetchall()
                await db.execute("COMMIT")

    try:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(workers)))
        seconds = time.perf_counter() - t0
    finally:
        for c in conns:
            await c.close()
    count = workers * orders * len(STEPS)
    return {"transitions": count, "seconds": round(seconds, 3), "per_second": round(count / seconds, 1)}


async def run_raw_asyncpg(url: str, captured: dict[str, list[Statement]], workers: int, orders: int) -> dict:
    """The captured statements through asyncpg itself: one connection per worker, one transaction per step."""
    import asyncpg

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    conns = [await asyncpg.connect(dsn) for _ in range(workers)]

    async def worker(w: int) -> None:
        db = conns[w]
        for n in range(orders):
            oid = f"R{order_id(w, n)}"
            for name in STEPS:
                async with db.transaction():
                    for st in captured[name]:
                        params = _swap(st.params, oid)
                        if st.many:
                            await db.executemany(st.sql, params)
                        else:
                            await db.fetch(st.sql, *params)

    try:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(workers)))
        seconds = time.perf_counter() - t0
    finally:
        for c in conns:
            await c.close()
    count = workers * orders * len(STEPS)
    return {"transitions": count, "seconds": round(seconds, 3), "per_second": round(count / seconds, 1)}


def _statements(captured: dict[str, list[Statement]]) -> dict:
    return {name: len(sts) for name, sts in captured.items()}


async def bench_sqlite(work: Path, workers: int, orders: int) -> dict:
    path = work / f"service-{workers}.sqlite3"
    url = sqlite_url(path)
    ids, captured = await prepare(url, workers)
    raw_path = work / f"raw-{workers}.sqlite3"
    shutil.copy(path, raw_path)  # the same people and offer; WAL was checkpointed when the engine closed
    say(f"sqlite, {workers} worker(s): service ...")
    service = await run_service(url, ids, workers, orders)
    say(f"sqlite, {workers} worker(s): raw sqlite3 replay ...")
    raw = await asyncio.to_thread(run_raw_sqlite, raw_path, captured, workers, orders)
    say(f"sqlite, {workers} worker(s): raw aiosqlite replay ...")
    raw_async = await run_raw_aiosqlite(raw_path, captured, workers, orders)
    return {"service": service, "raw": raw, "raw_aiosqlite": raw_async,
            "driver_share": round(raw["per_second"] / raw_async["per_second"], 2), "overhead": round(raw["per_second"] / service["per_second"], 2),
            "statements_per_order": _statements(captured)}


async def bench_pg(url: str, workers: int, orders: int) -> dict:
    ids, captured = await prepare(url, workers)
    say(f"postgresql, {workers} worker(s): service ...")
    service = await run_service(url, ids, workers, orders)
    say(f"postgresql, {workers} worker(s): raw asyncpg replay ...")
    raw = await run_raw_asyncpg(url, captured, workers, orders)
    return {"service": service, "raw": raw, "overhead": round(raw["per_second"] / service["per_second"], 2),
            "statements_per_order": _statements(captured)}


async def run(args) -> dict:
    orders = args.orders or (150 if args.quick else 1000)
    url = pg_url(args.pg_url)
    figures: dict = {"benchmark": "transitions", "quick": args.quick, "orders_per_worker": orders,
                     "transitions_per_order": len(STEPS), "steps": list(STEPS), "sqlite": {}, "postgresql": {}}
    with workdir(args.workdir) as work:
        for workers in (1, 4):
            figures["sqlite"][f"workers_{workers}"] = await bench_sqlite(work, workers, orders)
    if url:
        for workers in (1, 4):
            figures["postgresql"][f"workers_{workers}"] = await bench_pg(url, workers, orders)
    else:
        figures["postgresql"] = {"skipped": "no URL: give --pg-url or COMPTOIR_BENCH_DATABASE_URL"}
    best = max(v["service"]["per_second"] for v in figures["sqlite"].values())
    figures["targets"] = {
        "sqlite_per_second_min_2000": best >= 2000,
        "sqlite_within_3x_of_raw": all(v["overhead"] <= 3 for v in figures["sqlite"].values()),
    }
    return figures


def main(argv: list[str]) -> int:
    p = parser("transitions", __doc__)
    p.add_argument("--orders", type=int, help="orders per worker (4 transitions each)")
    p.add_argument("--pg-url", help="PostgreSQL URL (postgresql+asyncpg://...); else COMPTOIR_BENCH_DATABASE_URL")
    args = p.parse_args(argv)
    report(asyncio.run(run(args)), args.json)
    return 0
