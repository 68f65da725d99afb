"""What every benchmark shares: options, the JSON line, timing, the machine, a scratch directory."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
#: a fixed "now" for benchmarks that use a frozen clock
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def parser(name: str, doc: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"python -m bench {name}", description=doc.strip().splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes: runs in under a minute")
    p.add_argument("--json", action="store_true", help="print one JSON object of the figures as the last line")
    p.add_argument("--workdir", help="scratch directory (default: a fresh temporary one, deleted afterwards)")
    return p


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model or platform.processor(), "ram_gib": round(ram / 2**30, 1),
            "python": sys.version.split()[0], "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            # other work on the machine skews every wall-clock figure: the load when the figures were taken
            "loadavg_1m": round(os.getloadavg()[0], 2)}


def cpu_seconds() -> float:
    """CPU time of this process so far (all threads), user + system: less sensitive to a busy machine."""
    t = os.times()
    return t.user + t.system


def report(figures: dict, as_json: bool) -> None:
    """Prints the figures: readable lines, and with --json one JSON object as the very last line."""
    figures = {"machine": machine(), **figures}
    if as_json:
        print(json.dumps(figures, default=str), flush=True)
    else:
        print(json.dumps(figures, indent=2, default=str), flush=True)


def say(*args) -> None:
    """Progress goes to stderr so that stdout's last line stays the JSON."""
    print(*args, file=sys.stderr, flush=True)


@contextmanager
def workdir(given: str | None):
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix="comptoir-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


class Stopwatch:
    def __enter__(self) -> Stopwatch:
        self.start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start


def maxrss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Current resident memory of this process."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def pg_url(given: str | None) -> str | None:
    return given or os.environ.get("COMPTOIR_BENCH_DATABASE_URL")


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"
