"""taps: from a button press (the callback query queued at the fake Bot API) to its answer
(answerCallbackQuery received by the fake), through the real `comptoir run` process long-polling the fake.

USERS sellers each have pending orders; in every round all of them press "Accept" on an order card at the
same instant (a burst: the hard case for one process on SQLite, whose writes queue). Each press goes the
production path: the duplicate-update guard, the person lookup/refresh, the service's act (one write
transaction), then the answer. The card edit that follows is not in the measure. Latency p50/p90/p99/max.

Beside the latencies, what each press cost the database, counted in the bot's process by SQLAlchemy's engine
events (bench/taps_counts.py): its transactions, its write transactions, its reads of the order and its
statements, from the update's arrival to the end of its handling (the card edit included), so the figures are
the same on any machine.

The bot is its own process, as in production: the fake Bot API (threads of this process) then does not take
the bot's interpreter lock, as Telegram's servers would not. The notices of the set-up are marked sent before
it starts, so the measure is the presses alone.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import update

from bench.common import parser, percentile, report, say, sqlite_url, workdir
from bench.taps_counts import per_press
from bench.world import OPTION_PRICE, PRICE, fresh_schema, people
from core.buttons import ButtonData
from core.events import Outcome
from core.model import Action, Viewer
from core.ports import SystemClock
from core.service import Service
from core.settings import Settings
from storage.database import connect
from storage.tables import outbox
from storage.unit_of_work import SqlUnitOfWork
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]


class TimedFake(FakeTelegram):
    """The fake, noting when each callback query was answered."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.answered_at: dict[str, float] = {}

    def _m_answerCallbackQuery(self, p: dict) -> bool:
        result = super()._m_answerCallbackQuery(p)
        self.answered_at[str(p.get("callback_query_id"))] = time.perf_counter()
        return result


async def run(args) -> dict:
    users = args.users
    rounds = args.rounds or (4 if args.quick else 20)
    clock = SystemClock()
    figures: dict = {"benchmark": "taps", "quick": args.quick, "users": users, "rounds": rounds}
    latencies: list[float] = []
    with workdir(args.workdir) as work:
        async with TimedFake() as fake:
            url = sqlite_url(work / "taps.sqlite3")
            await fresh_schema(url, migrated=True)
            engine = connect(url)
            service = Service(lambda **kw: SqlUnitOfWork(engine, clock, **kw), clock, Settings())
            ids = await people(engine, clock, buyers=1, sellers=users)
            buyer = Viewer(ids["buyers"][0])
            say(f"placing {users * rounds} orders ...")
            orders: list[list[str]] = []
            for s in range(users):
                mine = []
                for _ in range(rounds):
                    placed = await service.place(ids["offers"][s], buyer, paid=PRICE + OPTION_PRICE,
                                                 options=("source",), brief="A logo for my bakery")
                    assert isinstance(placed, Outcome), placed
                    mine.append(placed.order.id)
                orders.append(mine)
            async with engine.begin() as conn:
                await conn.execute(update(outbox).values(sent_at=clock.now()))
            await engine.dispose()
            sims, cards = [], []
            for uid in ids["seller_users"]:
                sim = fake.user(uid, f"Seller {uid}")
                fake.start_chat(uid)
                with fake._lock:  # an order card the bot sent earlier, to press on
                    card = fake._new_message(fake._private_chat(uid), fake.bot_user, {"text": "Order card"})
                sims.append(sim)
                cards.append(card)
            counted = work / "taps-counts.json"
            bot = await start_bot(fake, url, work, counts=counted)
            try:
                for r in range(rounds):
                    pressed = {}
                    for s in range(users):
                        data = ButtonData(orders[s][r], Action.ACCEPT, 1).encode()
                        pressed[sims[s].press(cards[s], data, check=False)] = time.perf_counter()
                    deadline = time.perf_counter() + 30
                    while not all(q in fake.answered_at for q in pressed) and time.perf_counter() < deadline:
                        await asyncio.sleep(0.005)
                    latencies += [(fake.answered_at[q] - t) * 1000 for q, t in pressed.items() if q in fake.answered_at]
                    await asyncio.sleep(0.2)  # the card edits after the answers settle
                answers = list(fake.answers)
            finally:
                bot.send_signal(signal.SIGTERM)
                bot.wait(timeout=30)
                if bot.returncode != 0 or os.environ.get("BENCH_VERBOSE"):
                    say((work / "taps-bot.log").read_text())
            found = json.loads(counted.read_text())
    done = [a for a in answers if a.text]
    figures.update({
        "presses": users * rounds, "answered": len(latencies),
        "answered_done": sum(1 for a in done if "Done" in a.text),
        "p50_ms": round(percentile(latencies, 50), 1), "p90_ms": round(percentile(latencies, 90), 1),
        "p99_ms": round(percentile(latencies, 99), 1), "max_ms": round(max(latencies), 1) if latencies else None,
        "min_ms": round(min(latencies), 1) if latencies else None,
    })
    figures["counts"] = per_press(found)
    figures["targets"] = {"p99_max_50ms": figures["p99_ms"] <= 50,
                          "write_transactions_max_2": figures["counts"]["write_transactions_max"] <= 2,
                          "order_reads_max_1": figures["counts"]["order_reads_max"] <= 1}
    return figures


async def start_bot(fake: FakeTelegram, url: str, work: Path, name: str = "taps", more: str = "",
                    counts: Path | None = None) -> subprocess.Popen:
    """`comptoir run` on the bench's database, long-polling the fake; back once it asked for updates. `more`: more
    of its config file (tables after [telegram]); its log is `<name>-bot.log` in the work directory. `counts`: the
    file where it writes, when it ends, what each update cost the database (bench/taps_counts.py)."""
    config = work / f"{name}.toml"
    config.write_text(f'database_url = "{url}"\n[telegram]\nbase_url = "{fake.base_url}"\n{more}')
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    env.update(COMPTOIR_TELEGRAM_TOKEN=fake.token, PYTHONPATH=str(ROOT))
    entry = ["-m", "bots.command.cli"]
    if counts is not None:
        env["BENCH_COUNTS"] = str(counts)
        entry = ["-m", "bench.taps_counts"]
    profile = ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]] if os.environ.get("BENCH_PROFILE") else []
    log = (work / f"{name}-bot.log").open("w")  # a file, not a pipe nobody reads while the bot runs: that one fills
    bot = subprocess.Popen([sys.executable, *profile, *entry, "run", "--config", str(config)], cwd=work,
                           env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        await fake.wait_for(lambda: bot.poll() is not None or any(r.method == "getUpdates" for r in fake.requests),
                            timeout=60, what="the bot polling")
    except AssertionError:
        bot.kill()
    if bot.poll() is not None:
        raise RuntimeError(f"the bot did not start:\n{(work / f'{name}-bot.log').read_text()}")
    await asyncio.sleep(0.5)  # its first poll answered, it is waiting in the next one
    return bot


def main(argv: list[str]) -> int:
    p = parser("taps", __doc__)
    p.add_argument("--users", type=int, default=50, help="users pressing at once (default 50)")
    p.add_argument("--rounds", type=int, help="rounds of presses (default 20; quick 4)")
    args = p.parse_args(argv)
    report(asyncio.run(run(args)), args.json)
    return 0
