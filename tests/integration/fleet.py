"""Helpers for the tests that run the runtime as real processes (tests/integration/worker.py).

Every wait here is bounded: a process that hangs is killed and the test fails, it never hangs.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from core.events import Outcome
from core.model import Viewer

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Worker:
    """One `python -m tests.integration.worker` process and the files it writes."""

    process: subprocess.Popen
    now: datetime
    out: Path
    err: Path
    log: Path | None = None
    killed: bool = field(default=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return (f"--- worker {self.pid} stdout:\n{self.out.read_text(errors='replace')}"
                f"--- worker {self.pid} stderr:\n{self.err.read_text(errors='replace')}")

    def kill(self, timeout: float = 10) -> None:
        """SIGKILL: no cleanup, no finally, open transactions and leases left as they are."""
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout)
        self.killed = True

    def alive(self) -> bool:
        return self.process.poll() is None

    async def finish(self, timeout: float) -> dict:
        """Waits for the worker to exit on its own; returns its summary line."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                self.process.kill()
                self.process.wait(10)
                pytest.fail(f"worker {self.pid} still running after {timeout}s\n{self.output()}")
            await asyncio.sleep(0.05)
        assert self.process.returncode == 0, f"worker {self.pid} exited with {self.process.returncode}\n{self.output()}"
        return json.loads(self.out.read_text().strip().splitlines()[-1])


def start_worker(url: str, now: datetime, notified: Path, workdir: Path, *, forever: bool = False,
                 log: Path | None = None, relay: bool = True, timer_batch: int = 5, relay_batch: int = 5,
                 lease: int = 1) -> Worker:
    n = len(list(workdir.glob("worker-*.out")))
    out, err = workdir / f"worker-{n}.out", workdir / f"worker-{n}.err"
    command = [sys.executable, "-m", "tests.integration.worker", "--url", url, "--now", now.isoformat(),
               "--notified", str(notified), "--timer-batch", str(timer_batch), "--relay-batch", str(relay_batch),
               "--lease", str(lease)]
    if forever:
        command.append("--forever")
    if log is not None:
        command += ["--log", str(log)]
    if not relay:
        command.append("--no-relay")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=stdout, stderr=stderr,
                                   stdin=subprocess.DEVNULL)
    return Worker(process, now, out, err, log)


async def wait_until(condition: Callable[[], Awaitable[bool]], timeout: float, what: str,
                     workers: tuple[Worker, ...] = (), every: float = 0.01, kill: bool = True) -> None:
    """Polls until the condition holds; fails (never hangs) after the timeout, killing the workers unless
    told not to (the caller will go on with them), or if a worker died."""
    deadline = time.monotonic() + timeout
    while not await condition():
        for worker in workers:
            if not worker.alive():
                pytest.fail(f"worker {worker.pid} exited ({worker.process.returncode}) while waiting for {what}\n"
                            f"{worker.output()}")
        if time.monotonic() > deadline:
            for worker in workers if kill else ():
                if worker.alive():
                    worker.kill()
            pytest.fail(f"timed out after {timeout}s waiting for {what}\n"
                        + "\n".join(w.output() for w in workers))
        await asyncio.sleep(every)


def read_notified(path: Path) -> list[tuple[str, int]]:
    """(dedupe key, pid of the sender) for every message the notifiers accepted, in order."""
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    return [(entry["key"], entry["pid"]) for entry in map(json.loads, lines)]


def stop_all(workers: list[Worker]) -> None:
    """Cleanup after a failure: no worker process outlives its test."""
    for worker in workers:
        if worker.alive():
            worker.process.kill()
            worker.process.wait(10)


async def place(service, ids: dict[str, str], brief: str) -> str:
    """One paid order of the conftest's offer, with its option, placed through the service."""
    result = await service.place("logo", Viewer(ids["buyer"]), paid=11_000, options=("source",), brief=brief)
    assert isinstance(result, Outcome), result
    return result.order.id
