"""python -m sim --seeds N [--first F] [--seed S] [--orders K] [--steps M] [--jobs J] [--trace]

Runs seeds F .. F+N-1 (or the one seed S), each on its own SQLite file, several at a time. A failing seed
prints what broke and the exact command that replays it; the exit status is 1 if any seed failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path

from sim.checks import SimFailure
from sim.world import Params, Simulation


def run_one(params: Params) -> tuple[Params, dict | None, str | None]:
    """(params, figures, failure): one seed, in this process."""
    sim = Simulation(params)
    try:
        figures = asyncio.run(sim.run())
    except SimFailure as failure:
        return params, None, f"step {sim.step_no}: {failure}"
    except Exception:  # noqa: BLE001 — an exception escaping the service is a finding too
        return params, None, f"step {sim.step_no}: unexpected exception\n{traceback.format_exc()}"
    sim.path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{sim.path}{suffix}").unlink(missing_ok=True)
    return params, asdict(figures), None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="how many seeds to run (default 20)")
    parser.add_argument("--first", type=int, default=1, help="the first seed (default 1)")
    parser.add_argument("--seed", type=int, help="run this one seed (replaying a failure)")
    parser.add_argument("--orders", type=int, default=200, help="orders per seed (default 200)")
    parser.add_argument("--steps", type=int, help="steps per seed (default 10 per order)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="seeds run at once")
    parser.add_argument("--check-every", type=int, default=50, help="full invariant check every N steps")
    parser.add_argument("--trace", action="store_true", help="print every step (with --seed)")
    parser.add_argument("--workdir", help="where the SQLite files go (default: a temporary directory)")
    args = parser.parse_args(argv)
    steps = args.steps or 10 * args.orders
    seeds = [args.seed] if args.seed is not None else list(range(args.first, args.first + args.seeds))
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="comptoir-sim-"))
    workdir.mkdir(parents=True, exist_ok=True)
    plans = [Params(seed, args.orders, steps, workdir, args.check_every, args.trace) for seed in seeds]
    print(f"simulating {len(seeds)} seed(s) x {args.orders} orders, {steps} steps each, {min(args.jobs, len(seeds))} "
          f"at a time, in {workdir}", flush=True)
    started = time.monotonic()
    results: list[tuple[Params, dict | None, str | None]] = []
    if len(plans) == 1 or args.jobs <= 1:
        for plan in plans:
            results.append(run_one(plan))
            report(results[-1])
    else:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            for future in as_completed([pool.submit(run_one, plan) for plan in plans]):
                results.append(future.result())
                report(results[-1])
    elapsed = time.monotonic() - started
    passed = [figures for _, figures, failure in results if failure is None]
    failed = [(params, failure) for params, _, failure in results if failure is not None]
    total = {key: sum(f[key] for f in passed) for key in
             ("orders", "steps", "acts", "refused", "forged", "stale", "duplicates", "said", "chat_blocked",
              "crashes", "restarts", "timers_fired", "notifications", "resent_after_crash", "undeliverable",
              "crashes_in_window", "extensions", "extensions_accepted", "extensions_declined", "extensions_lapsed")}
    print(f"\n{len(passed)}/{len(results)} seeds passed in {elapsed:.1f}s: " +
          ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in total.items()))
    if passed:
        print(window(total))
    for params, failure in sorted(failed, key=lambda f: f[0].seed):
        print(f"\nFAILED seed {params.seed}: {failure}\n  replay: {params.replay()}"
              f"\n  database kept at {params.workdir / f'sim-{params.seed}.sqlite3'}")
    if not failed and args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


def window(total: dict) -> str:
    """The notification promise, measured: at least once; twice only across a crash in the window between the
    platform accepting a message and its outbox row being marked sent."""
    def share(part: int, whole: int) -> str:
        return f"{part / whole:.2%}" if whole else "n/a"
    return (f"notifications: every one delivered at least once; {total['resent_after_crash']} of "
            f"{total['notifications']} ({share(total['resent_after_crash'], total['notifications'])}) twice, each "
            f"after a crash in the window between the platform's acceptance and the row marked sent, which "
            f"{total['crashes_in_window']} of {total['crashes']} crashes "
            f"({share(total['crashes_in_window'], total['crashes'])}) struck")


def report(result: tuple[Params, dict | None, str | None]) -> None:
    params, figures, failure = result
    if failure is not None:
        print(f"seed {params.seed}: FAILED — replay: {params.replay()}", flush=True)
        return
    f = figures
    print(f"seed {params.seed}: ok — {f['orders']} orders, {f['acts']} acts, {f['refused']} refused, "
          f"{f['crashes']} crashes, {f['timers_fired']} system actions, {f['notifications']} notifications "
          f"({f['resent_after_crash']} resent after a crash), {f['clock_days']} days, digest {f['digest']}",
          flush=True)


if __name__ == "__main__":
    sys.exit(main())
