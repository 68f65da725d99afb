"""Each benchmark (bench/) runs end to end at a tiny size and prints its JSON figures last.

Not a timed test: it checks only that the benchmarks still run and report what bench/README.md says.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

TINY = {
    "transitions": (["--orders", "3"], ["sqlite", "postgresql", "targets"]),
    "deadlines": (["--overdue", "40", "--pending", "400", "--no-grace-cap", "20"],
                  ["comptoir_drain", "raw_replay", "drain_vs_raw", "comptoir_startup", "apscheduler_startup", "apscheduler_catchup_default",
                   "apscheduler_catchup_no_grace", "targets"]),
    "relay": (["--chats", "3", "--messages", "1"], ["per_second", "rate_limited_429", "lost", "doubled", "targets"]),
    "taps": (["--users", "3", "--rounds", "1"], ["p50_ms", "p99_ms", "answered", "counts", "targets"]),
    "memory": (["--orders", "200"], ["heap_bytes_per_order", "rss_bytes_per_order"]),
    "masking": (["--repeat", "2", "--sizes", "200", "1000"],
                ["innocent", "contacts", "adversarial", "worst_adversarial", "cpu_ms_per_1000_chars", "old_expression",
                 "targets"]),
    "flood": (["--flood", "5", "--size", "50", "--rounds", "1"], ["quiet", "limited", "unlimited", "targets"]),
}


@pytest.mark.parametrize("name", sorted(TINY))
def test_benchmark_runs_and_reports_its_figures(name, tmp_path):
    args, keys = TINY[name]
    env = {k: v for k, v in os.environ.items() if k != "COMPTOIR_BENCH_DATABASE_URL"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-m", "bench", name, *args, "--json", "--workdir", str(tmp_path)],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["benchmark"] == name
    assert {"nproc", "cpu", "date"} <= figures["machine"].keys()
    missing = [k for k in keys if k not in figures]
    assert missing == [], missing
    if name == "deadlines":  # the replay wrote what the drain wrote, or its rate would say nothing
        assert figures["raw_replay"]["same_rows_as_the_drain"] is True
