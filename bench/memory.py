"""memory: memory per open order, with N open orders held as the engine's Order values.

Each order is placed (engine.place_order) and accepted (engine.apply ACCEPT): an in-progress order with its
delivery and expiry deadlines, a short brief, distinct ids. Held in a list, as a process would hold them.
Two measures: the Python heap allocated for them (tracemalloc, the exact figure) divided by N, and the
process's resident memory (RSS) before and after building them (what the OS sees; includes allocator slack).
The runtime itself keeps no orders in memory -- they live in the database and are read per action --
so this is the cost of a cache or a batch job holding all of them at once.
"""

from __future__ import annotations

import gc
import time
import tracemalloc

from bench.common import T0, parser, report, rss_mb
from core import engine
from core.events import Outcome
from core.model import Action, Offer, Option, Viewer
from core.settings import Settings


def build_orders(n: int) -> list:
    settings = Settings()
    offer = Offer("bench-offer", "SELLER0001", "A logo", "A vector logo", 10_000, "EUR", 3,
                  options=(Option("source", "Source files", 1_000, 1),))
    seller = Viewer("SELLER0001")
    out = []
    for i in range(n):
        placed = engine.place_order(f"O{i:09d}", offer, Viewer(f"B{i % 5000:09d}"), T0, settings, paid=11_000,
                                    options=offer.options, brief=f"A logo for my bakery number {i}")
        assert isinstance(placed, Outcome)
        accepted = engine.apply(placed.order, Action.ACCEPT, seller, T0, settings)
        assert isinstance(accepted, Outcome)
        out.append(accepted.order)
    return out


def run(args) -> dict:
    n = args.orders or (20_000 if args.quick else 100_000)
    gc.collect()
    rss_before = rss_mb()
    t0 = time.perf_counter()
    orders = build_orders(n)
    seconds = time.perf_counter() - t0
    gc.collect()
    rss_after = rss_mb()
    stage, deadlines = orders[0].stage.value, len(orders[0].deadlines)
    del orders
    gc.collect()
    # the exact heap figure, on a second pass (tracemalloc slows allocation down a lot)
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    orders = build_orders(n)
    gc.collect()
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "benchmark": "memory", "quick": args.quick, "orders": n, "stage": stage, "deadlines_per_order": deadlines,
        "heap_bytes_per_order": round((after - before) / n), "heap_mb_total": round((after - before) / 2**20, 1),
        "rss_mb_before": round(rss_before, 1), "rss_mb_after": round(rss_after, 1),
        "rss_bytes_per_order": round((rss_after - rss_before) * 2**20 / n), "build_seconds": round(seconds, 2),
    }


def main(argv: list[str]) -> int:
    p = parser("memory", __doc__)
    p.add_argument("--orders", type=int, help="open orders (default 100,000; quick 20,000)")
    args = p.parse_args(argv)
    report(run(args), args.json)
    return 0
