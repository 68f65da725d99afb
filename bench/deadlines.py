"""deadlines: draining overdue deadlines through the Timekeeper, start-up with a million pending ones,
and the same deadlines held as APScheduler 3 jobs in its SQLAlchemyJobStore (sync SQLAlchemy, SQLite file).

* drain: N overdue acceptance deadlines (the bot was down for the last hour; they fell due across it),
  one per pending order (each order also has its expiry timer, months ahead). Timekeeper.drain() claims them
  in batches and fires each through Service.fire: the engine applies ACCEPTANCE_TIMEOUT (refund to the
  buyer, ledger postings, settlement, event, the expiry timer cancelled, two outbox notices).
* raw replay: the floor under that drain. The same drain is run once more on a copy of the same database with
  every write statement recorded as the driver receives it (SQL and parameters, executemany kept), grouped by
  transaction; then, on a third copy, plain sqlite3 replays exactly those writes in those transactions (BEGIN
  IMMEDIATE ... COMMIT, the connection set up as Comptoir's: WAL, synchronous=NORMAL, foreign keys). What the
  replay leaves is checked to be what the drain left (table by table). `drain_vs_raw` is the drain's rate over
  the replay's: what Comptoir's reading, deciding and building of rows costs beyond SQLite's own writing.
* start-up: M pending (not due) timers (M/4 orders, each with its acceptance deadline, its two reminders and its
  expiry). Measured in a fresh subprocess: imports, then bots.runtime.build() plus the first Timekeeper poll
  finding nothing due; peak RSS of the process (getrusage maxrss).
* APScheduler: the same M deadlines as M date jobs (one per deadline, job state pickled like add_job does),
  start-up of an AsyncIOScheduler on that store (start() and its first processing of due jobs) in a
  subprocess; and the same N overdue deadlines as N jobs: with the default misfire_grace_time=1 it runs
  the ones less than 1 s late and DROPS the rest (EVENT_JOB_MISSED, job deleted: a date job does not come
  back). A second store with misfire_grace_time=None shows how fast its own bookkeeping can catch up at all
  (jobs are no-ops that count, so this is APScheduler's best case; capped in size, see figures).

Rows are bulk-inserted with executemany from one row captured from SQLAlchemy (so the stored formats are
exactly SQLAlchemy's), to keep the set-up quick.
"""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.common import REPO_ROOT, Stopwatch, cpu_seconds, maxrss_mb, parser, report, say, sqlite_url, workdir
from bench.world import fresh_schema, people

TEMPLATE_ID = "ZQTEMPLATEQZ"
#: how late the overdue deadlines are: spread over the last hour (the bot was down that long)
DOWNTIME = timedelta(hours=1)


def _capture_inserts(db_path: Path, order, timer_kinds: list[tuple[str, datetime]]):
    """(sql, params) of one order row and its timer rows, as SQLAlchemy's sqlite dialect writes them."""
    from sqlalchemy import create_engine, event

    from storage import mapping
    from storage.tables import orders, timers

    engine = create_engine(f"sqlite:///{db_path}")
    captured = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cur, sql, params, ctx, many: captured.append((sql, params)))
    with engine.begin() as conn:
        conn.execute(orders.insert().values(**mapping.order_row(order)))
        for kind, due in timer_kinds:
            conn.execute(timers.insert().values(order_id=order.id, kind=kind, due_at=due, claimed_until=None))
    with engine.begin() as conn:
        conn.execute(timers.delete().where(timers.c.order_id == order.id))
        conn.execute(orders.delete().where(orders.c.id == order.id))
    engine.dispose()
    inserts = [(sql, tuple(params)) for sql, params in captured if sql.startswith("INSERT")]
    return inserts[0], inserts[1:]


def _sa_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def bulk_orders(db_path: Path, ids: dict, count: int, first_due: datetime, spacing: timedelta, now: datetime,
                settings, reminders: bool, prefix: str) -> int:
    """`count` pending orders, order i's acceptance due at first_due + i*spacing; their timers
    (acceptance, expiry, and with `reminders` the two acceptance reminders). Returns timer rows written."""
    from core.model import Deadline, Order
    from core.deadlines import timers as timers_of

    def order_at(oid: str, buyer: str, seller: str, due: datetime) -> Order:
        return Order(id=oid, buyer=buyer, seller=seller, offer_id=ids["offers"][0], title="A logo", price=10_000,
                     tip=0, currency="EUR", delivery_days=3, revision_days=3, revisions_allowed=None,
                     paid_at=due - settings.acceptance, brief="A logo for my bakery",
                     deadlines=((Deadline.ACCEPTANCE, due), (Deadline.EXPIRY, due - settings.acceptance + settings.expiry)))

    template_due = first_due
    template = order_at(TEMPLATE_ID, ids["buyers"][0], ids["sellers"][0], template_due)
    kinds = [(k.format(), d) for k, d in sorted(timers_of(template, settings).items(), key=lambda kd: kd[0].format())
             if reminders or not k.is_reminder]
    (order_sql, order_params), timer_inserts = _capture_inserts(db_path, template, kinds)
    id_at = order_params.index(TEMPLATE_ID)
    buyer_at = order_params.index(ids["buyers"][0])
    seller_at = order_params.index(ids["sellers"][0])
    paid_at = order_params.index(_sa_time(template.paid_at))
    deadlines_at = next(i for i, v in enumerate(order_params) if isinstance(v, str) and "acceptance" in v)
    offsets = {kind: due - template_due for kind, due in kinds}  # each timer, relative to the acceptance due
    timer_sql = timer_inserts[0][0]
    assert all(t[0] == timer_sql for t in timer_inserts)
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    written = 0
    chunk = 20_000
    buyers, sellers = ids["buyers"], ids["sellers"]
    for start in range(0, count, chunk):
        order_rows, timer_rows = [], []
        for i in range(start, min(count, start + chunk)):
            oid = f"{prefix}{i:07d}"
            due = first_due + i * spacing
            row = list(order_params)
            row[id_at] = oid
            row[buyer_at] = buyers[i % len(buyers)]
            row[seller_at] = sellers[i % len(sellers)]
            row[paid_at] = _sa_time(due - settings.acceptance)
            row[deadlines_at] = json.dumps({"acceptance": due.isoformat(),
                                            "expiry": (due - settings.acceptance + settings.expiry).isoformat()})
            order_rows.append(row)
            for kind, offset in offsets.items():
                timer_rows.append((oid, kind, _sa_time(due + offset), None))
        db.execute("BEGIN")
        db.executemany(order_sql, order_rows)
        db.executemany(timer_sql, timer_rows)
        db.execute("COMMIT")
        written += len(timer_rows)
    db.close()
    return written


async def setup_db(db_path: Path, now: datetime, overdue: int, pending_timers: int, sellers: int = 50):
    from core.ports import ManualClock
    from core.settings import Settings
    from storage.database import connect

    url = sqlite_url(db_path)
    await fresh_schema(url)
    engine = connect(url)
    ids = await people(engine, ManualClock(now), buyers=sellers, sellers=sellers)
    await engine.dispose()
    settings = Settings()
    timers_written = 0
    if overdue:
        spacing = DOWNTIME / overdue
        timers_written += bulk_orders(db_path, ids, overdue, now - DOWNTIME, spacing, now, settings, False, "D")
    if pending_timers:
        orders = pending_timers // 4
        timers_written += bulk_orders(db_path, ids, orders, now + timedelta(days=3), timedelta(milliseconds=10),
                                      now, settings, True, "P")
    return ids, timers_written


# ----------------------------------------------------------------------------------------------- Comptoir


async def drain(db_path: Path, now: datetime) -> dict:
    from bots.config import Config
    from bots.runtime import build
    from core.ports import ManualClock
    from storage.tables import outbox, settlements, timers
    from sqlalchemy import func, select

    runtime = build(Config(database_url=sqlite_url(db_path)), ManualClock(now))
    try:
        cpu = cpu_seconds()
        with Stopwatch() as sw:
            fired = await runtime.timekeeper.drain()
        cpu = cpu_seconds() - cpu
        async with runtime.store.engine.connect() as conn:
            left = await conn.scalar(select(func.count()).select_from(timers).where(timers.c.due_at <= now))
            settled = await conn.scalar(select(func.count()).select_from(settlements))
            notices = await conn.scalar(select(func.count()).select_from(outbox))
    finally:
        await runtime.store.close()
    return {"fired": fired, "seconds": round(sw.seconds, 3), "per_second": round(fired / sw.seconds, 1),
            "cpu_seconds": round(cpu, 3), "per_cpu_second": round(fired / cpu, 1),
            "overdue_left": left, "orders_refunded": settled, "outbox_rows": notices,
            "batch": runtime.config.scheduler.batch}


#: the connection as storage.database.connect sets it up (the writes are replayed under the same conditions)
PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=30000",
           "PRAGMA foreign_keys=ON")
#: the tables a drain writes, compared after the replay
WRITTEN = ("orders", "order_events", "ledger_entries", "settlements", "timers", "outbox", "refunds", "vouchers")


def copy_db(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


async def record_writes(db_path: Path, now: datetime) -> list[list[tuple[str, object, bool]]]:
    """The same drain as `drain`, recording every write statement (SQL, parameters as the driver gets them,
    executemany or not), one list per committed transaction (a rolled-back one wrote nothing)."""
    from sqlalchemy import event

    from bots.config import Config
    from bots.runtime import build
    from core.ports import ManualClock

    runtime = build(Config(database_url=sqlite_url(db_path)), ManualClock(now))
    transactions: list[list[tuple[str, object, bool]]] = []
    current: list[tuple[str, object, bool]] = []
    sync_engine = runtime.store.engine.sync_engine

    @event.listens_for(sync_engine, "before_cursor_execute")
    def statement(conn, cursor, sql, parameters, context, executemany):
        if sql.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            # (a multi-row INSERT of "insertmanyvalues" is flagged executemany but runs once, its rows' values flat)
            many = executemany and bool(parameters) and isinstance(parameters[0], (tuple, list))
            current.append((sql, parameters, many))

    @event.listens_for(sync_engine, "commit")
    def commit(conn):
        if current:
            transactions.append(list(current))
        current.clear()

    @event.listens_for(sync_engine, "rollback")
    def rollback(conn):
        current.clear()

    try:
        await runtime.timekeeper.drain()
    finally:
        await runtime.store.close()
    return transactions


def replay(db_path: Path, transactions: list[list[tuple[str, object, bool]]]) -> tuple[float, float]:
    """Plain sqlite3 writing exactly these statements in these transactions; the seconds it took (wall clock,
    CPU)."""
    db = sqlite3.connect(db_path, isolation_level=None)
    for pragma in PRAGMAS:
        db.execute(pragma)
    cpu = cpu_seconds()
    started = time.perf_counter()
    for statements in transactions:
        db.execute("BEGIN IMMEDIATE")
        for sql, parameters, many in statements:
            if many:
                db.executemany(sql, parameters)
            else:
                db.execute(sql, parameters).fetchall()  # (an INSERT ... RETURNING hands rows back)
        db.execute("COMMIT")
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    db.close()
    return seconds, cpu


def table_digest(db_path: Path) -> dict[str, int]:
    """Each written table's rows, hashed whole: two databases with equal digests hold the same rows."""
    db = sqlite3.connect(db_path)
    try:
        return {table: hash(frozenset(db.execute(f"SELECT * FROM {table}").fetchall())) for table in WRITTEN}
    finally:
        db.close()


async def raw_replay(pristine: Path, drained: Path, work: Path, now: datetime, fired: int) -> dict:
    recorded, replayed = work / "recorded.sqlite3", work / "replayed.sqlite3"
    copy_db(pristine, recorded)
    copy_db(pristine, replayed)
    transactions = await record_writes(recorded, now)
    seconds, cpu = replay(replayed, transactions)
    same = table_digest(replayed) == table_digest(recorded) == table_digest(drained)
    for path in (recorded, replayed):
        path.unlink()
    return {"transactions": len(transactions), "statements": sum(len(t) for t in transactions),
            "seconds": round(seconds, 3), "per_second": round(fired / seconds, 1),
            "cpu_seconds": round(cpu, 3), "per_cpu_second": round(fired / cpu, 1) if cpu else None,  # (a tiny run may take no measurable CPU)
            "same_rows_as_the_drain": same}


def child_comptoir(db_path: str, now: str) -> dict:
    t0 = time.perf_counter()
    import bots.runtime  # noqa: F401 — what `comptoir run` imports before it builds
    from bots.config import Config
    from core.ports import ManualClock
    imports = time.perf_counter() - t0

    async def go() -> tuple[float, int]:
        start = time.perf_counter()
        runtime = bots.runtime.build(Config(database_url=sqlite_url(Path(db_path))),
                                     ManualClock(datetime.fromisoformat(now)))
        claimed = await runtime.timekeeper.tick()
        seconds = time.perf_counter() - start
        await runtime.store.close()
        return seconds, claimed

    seconds, claimed = asyncio.run(go())
    return {"startup_seconds": round(seconds, 4), "imports_seconds": round(imports, 3),
            "first_poll_claimed": claimed, "peak_rss_mb": round(maxrss_mb(), 1)}


# ---------------------------------------------------------------------------------------------- APScheduler

async def apscheduler_job(order_id: str, kind: str) -> None:
    """The job each deadline becomes: here it does nothing (APScheduler's best case); runs are counted
    from EVENT_JOB_EXECUTED."""


def bulk_jobs(store_path: Path, now: datetime, count: int, first_due: datetime, spacing: timedelta,
              grace: int | None, prefix: str) -> None:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.triggers.date import DateTrigger
    from apscheduler.util import datetime_to_utc_timestamp

    store = SQLAlchemyJobStore(url=f"sqlite:///{store_path}")
    store.jobs_t.create(store.engine, True)
    store.engine.dispose()
    db = sqlite3.connect(store_path, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    chunk = 20_000
    for start in range(0, count, chunk):
        rows = []
        for i in range(start, min(count, start + chunk)):
            due = first_due + i * spacing
            job_id = f"{prefix}{i:07d}:acceptance"
            state = {"version": 1, "id": job_id, "func": "bench.deadlines:apscheduler_job",
                     "trigger": DateTrigger(due, timezone.utc), "executor": "default",
                     "args": (f"{prefix}{i:07d}", "acceptance"), "kwargs": {}, "name": "apscheduler_job",
                     "misfire_grace_time": grace, "coalesce": True, "max_instances": 1, "next_run_time": due}
            rows.append((job_id, datetime_to_utc_timestamp(due), pickle.dumps(state, pickle.HIGHEST_PROTOCOL)))
        db.execute("BEGIN")
        db.executemany("INSERT INTO apscheduler_jobs (id, next_run_time, job_state) VALUES (?, ?, ?)", rows)
        db.execute("COMMIT")
    db.close()


def _scheduler(store_path: str):
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    class Timed(AsyncIOScheduler):
        processed_at: float | None = None

        def _process_jobs(self):
            wait = super()._process_jobs()
            if self.processed_at is None:
                self.processed_at = time.perf_counter()
            return wait

    return Timed(jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{store_path}")})


def child_apscheduler_startup(store_path: str) -> dict:
    t0 = time.perf_counter()
    from apscheduler.schedulers.asyncio import AsyncIOScheduler  # noqa: F401
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore  # noqa: F401
    imports = time.perf_counter() - t0

    async def go() -> float:
        start = time.perf_counter()
        scheduler = _scheduler(store_path)
        scheduler.start()
        while scheduler.processed_at is None:
            await asyncio.sleep(0)
        seconds = scheduler.processed_at - start
        scheduler.shutdown(wait=False)
        return seconds

    seconds = asyncio.run(go())
    return {"startup_seconds": round(seconds, 4), "imports_seconds": round(imports, 3),
            "peak_rss_mb": round(maxrss_mb(), 1)}


def child_apscheduler_catchup(store_path: str, expected: int, limit_seconds: float) -> dict:
    from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED

    counts = {"missed": 0, "executed": 0}

    def listen(event) -> None:
        counts["executed" if event.code == EVENT_JOB_EXECUTED else "missed"] += 1

    async def go() -> dict:
        start = time.perf_counter()
        scheduler = _scheduler(store_path)
        scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
        scheduler.start()
        while counts["missed"] + counts["executed"] < expected and time.perf_counter() - start < limit_seconds:
            await asyncio.sleep(0.01)
        seconds = time.perf_counter() - start
        left = len(scheduler.get_jobs())
        scheduler.shutdown(wait=False)
        return {"seconds": round(seconds, 3), "left_in_store": left}

    out = asyncio.run(go())
    out.update(jobs=expected, ran=counts["executed"], dropped=counts["missed"],
               ran_per_second=round(counts["executed"] / out["seconds"], 1), peak_rss_mb=round(maxrss_mb(), 1))
    return out


def in_child(*args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bench.deadlines", "--child", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    # the whole process, as an operator waits for it: interpreter start, every import, the work, the exit
    return {**json.loads(done.stdout.strip().splitlines()[-1]),
            "process_seconds": round(time.perf_counter() - started, 3)}


async def run(args) -> dict:
    overdue = args.overdue or (10_000 if args.quick else 100_000)
    pending = args.pending or (100_000 if args.quick else 1_000_000)
    no_grace = min(overdue, args.no_grace_cap)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    figures: dict = {"benchmark": "deadlines", "quick": args.quick, "overdue": overdue, "pending": pending,
                     "note": "quick: scaled down to 10,000 overdue / 100,000 pending" if args.quick else "full size"}
    with workdir(args.workdir) as work:
        say(f"setting up {overdue:,} overdue deadlines ...")
        with Stopwatch() as sw:
            await setup_db(work / "pristine.sqlite3", now, overdue, 0)
            copy_db(work / "pristine.sqlite3", work / "drain.sqlite3")
        figures["setup_overdue_seconds"] = round(sw.seconds, 1)
        say("draining them through the Timekeeper ...")
        figures["comptoir_drain"] = await drain(work / "drain.sqlite3", now)
        say("the same writes replayed by plain sqlite3 ...")
        figures["raw_replay"] = await raw_replay(work / "pristine.sqlite3", work / "drain.sqlite3", work, now,
                                                 figures["comptoir_drain"]["fired"])
        figures["drain_vs_raw"] = round(figures["comptoir_drain"]["per_second"]
                                        / figures["raw_replay"]["per_second"], 3)
        # the same per CPU second: on a shared machine it moves less than the wall clock
        raw_cpu = figures["raw_replay"]["per_cpu_second"]
        figures["drain_vs_raw_cpu"] = round(figures["comptoir_drain"]["per_cpu_second"] / raw_cpu, 3) if raw_cpu else None
        for path in (work / "pristine.sqlite3", work / "drain.sqlite3"):
            path.unlink()
        if args.drain_only:
            return figures

        say(f"setting up {pending:,} pending timers ...")
        with Stopwatch() as sw:
            _, written = await setup_db(work / "pending.sqlite3", now, 0, pending)
        figures["setup_pending_seconds"] = round(sw.seconds, 1)
        figures["pending_timers_written"] = written
        say("start-up with them (subprocess) ...")
        figures["comptoir_startup"] = in_child("startup-comptoir", str(work / "pending.sqlite3"), now.isoformat())
        figures["comptoir_startup"]["database_mb"] = round((work / "pending.sqlite3").stat().st_size / 2**20, 1)
        (work / "pending.sqlite3").unlink()

        say(f"APScheduler: {pending:,} pending jobs ...")
        bulk_jobs(work / "aps-pending.sqlite3", now, pending, now + timedelta(days=1), timedelta(milliseconds=10) / 4,
                  1, "P")
        figures["apscheduler_startup"] = in_child("startup-apscheduler", str(work / "aps-pending.sqlite3"))
        figures["apscheduler_startup"]["database_mb"] = round((work / "aps-pending.sqlite3").stat().st_size / 2**20, 1)
        (work / "aps-pending.sqlite3").unlink()

        now = datetime.now(timezone.utc)  # APScheduler's own wall clock decides what is late
        say(f"APScheduler: {overdue:,} overdue jobs, default misfire_grace_time=1 ...")
        bulk_jobs(work / "aps-overdue.sqlite3", now, overdue, now - DOWNTIME, DOWNTIME / overdue, 1, "D")
        figures["apscheduler_catchup_default"] = in_child("catchup-apscheduler", str(work / "aps-overdue.sqlite3"),
                                                          str(overdue), str(args.limit))
        now = datetime.now(timezone.utc)
        say(f"APScheduler: {no_grace:,} overdue jobs, misfire_grace_time=None ...")
        bulk_jobs(work / "aps-nograce.sqlite3", now, no_grace, now - DOWNTIME, DOWNTIME / no_grace, None, "N")
        figures["apscheduler_catchup_no_grace"] = in_child("catchup-apscheduler", str(work / "aps-nograce.sqlite3"),
                                                           str(no_grace), str(args.limit))

    ours = figures["comptoir_drain"]["per_second"]
    theirs = figures["apscheduler_catchup_default"]["ran_per_second"]
    figures["catchup_ratio_vs_default"] = round(ours / theirs, 1) if theirs else "inf (APScheduler ran none)"
    best = figures["apscheduler_catchup_no_grace"]["ran_per_second"]
    figures["catchup_ratio_vs_no_grace"] = round(ours / best, 2) if best else None
    st = figures["comptoir_startup"]
    figures["targets"] = {
        "drain_per_second_min_20000": ours >= 20_000,
        "drain_at_least_a_third_of_raw": figures["drain_vs_raw"] >= 1 / 3,
        "raw_replay_same_rows": figures["raw_replay"]["same_rows_as_the_drain"],
        "startup_under_1s": st["startup_seconds"] < 1.0,
        "startup_peak_rss_under_150mb": st["peak_rss_mb"] < 150,
        "catchup_10x_apscheduler_default": (not theirs) or ours / theirs >= 10,
        "drained_everything": figures["comptoir_drain"]["overdue_left"] == 0
                              and figures["comptoir_drain"]["fired"] == overdue,
    }
    return figures


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--child":
        what, rest = argv[1], argv[2:]
        if what == "startup-comptoir":
            out = child_comptoir(*rest)
        elif what == "startup-apscheduler":
            out = child_apscheduler_startup(*rest)
        else:
            out = child_apscheduler_catchup(rest[0], int(rest[1]), float(rest[2]))
        print(json.dumps(out), flush=True)
        return 0
    p = parser("deadlines", __doc__)
    p.add_argument("--overdue", type=int, help="overdue deadlines to drain (default 100,000; quick 10,000)")
    p.add_argument("--pending", type=int, help="pending timers at start-up (default 1,000,000; quick 100,000)")
    p.add_argument("--no-grace-cap", type=int, default=10_000,
                   help="at most this many jobs in the misfire_grace_time=None APScheduler run (default 10,000)")
    p.add_argument("--limit", type=float, default=300.0, help="give up waiting on an APScheduler catch-up after this")
    p.add_argument("--drain-only", action="store_true",
                   help="only the drain and its raw replay (no start-up, no APScheduler)")
    args = p.parse_args(argv)
    report(asyncio.run(run(args)), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
