"""A stand-alone runtime process for the multi-process tests: fires due timers and drains the outbox.

    python -m tests.integration.worker --url URL --now ISO --notified FILE [--forever] [--log FILE] [--no-relay]

It is wired by the real composition root (`bots.runtime.build`) with a clock frozen at --now and the
default core settings; its only platform is a Notifier that appends one JSON line per message sent
({"key": dedupe_key, "pid": ...}) to FILE and fsyncs it before the send counts as accepted, like a
chat platform that has received the message. With --log, every timer it claimed and fired is
appended to that file as "order_id kind".

The clock never moves inside one process, so a lease it takes never expires for itself or for a
sibling started with the same --now: a row is taken by someone else only once it was given back,
or by a process started with a --now past the lease (how the tests restart after a kill).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from bots.config import Config, RelayConfig, SchedulerConfig
from bots.runtime import build
from core.ports import ManualClock, Outgoing
from core.deadlines import Timer


class FileNotifier:
    """Telegram, as far as the relay can tell: a message counts as delivered once it is on disk."""

    def __init__(self, path: str, platform: str = "telegram") -> None:
        self.platform = platform
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.pid = os.getpid()
        self.sent = 0

    async def send(self, message: Outgoing) -> str:
        line = json.dumps({"key": message.dedupe_key, "pid": self.pid}) + "\n"
        os.write(self.fd, line.encode())  # one O_APPEND write: lines of two processes never interleave
        os.fsync(self.fd)
        self.sent += 1
        return f"{self.pid}-{uuid.uuid4().hex}"


class LoggedFiring:
    """The service as the timekeeper sees it, writing down every timer it fires."""

    def __init__(self, service, path: str | None) -> None:
        self.service = service
        self.clock = service.clock
        self.log = open(path, "a", buffering=1) if path else None  # line-buffered
        self.fired = 0

    async def fire(self, order_id: str, timer: Timer):
        result = await self.service.fire(order_id, timer)
        self.fired += 1
        if self.log is not None:
            self.log.write(f"{order_id} {timer.kind}\n")
        return result


class Problems(logging.Handler):
    """Counts what the timekeeper and the relay log as failures (they swallow them to keep going)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def run(args: argparse.Namespace) -> int:
    clock = ManualClock(datetime.fromisoformat(args.now))
    notifier = FileNotifier(args.notified)
    config = Config(database_url=args.url,
                    scheduler=SchedulerConfig(batch=args.timer_batch, lease_seconds=args.lease),
                    relay=RelayConfig(batch=args.relay_batch))
    runtime = build(config, clock, {notifier.platform: notifier})
    runtime.relay.policy = replace(runtime.relay.policy, lease=timedelta(seconds=args.lease))
    firing = LoggedFiring(runtime.service, args.log)
    runtime.timekeeper.service = firing
    problems = Problems()
    logging.getLogger().addHandler(problems)
    try:
        while True:
            claimed_timers = await runtime.timekeeper.tick()
            _, claimed_rows = (0, 0) if args.no_relay else await runtime.relay.tick()
            if claimed_timers == 0 and claimed_rows == 0:
                if not args.forever:
                    break
                await asyncio.sleep(0.005)
    finally:
        await runtime.store.close()
    print(json.dumps({"pid": os.getpid(), "fired": firing.fired, "sent": notifier.sent,
                      "problems": problems.count}), flush=True)
    return 1 if problems.count else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="database URL")
    parser.add_argument("--now", required=True, help="the frozen clock, ISO 8601 with a zone")
    parser.add_argument("--notified", required=True, help="file the notifier appends sent dedupe keys to")
    parser.add_argument("--forever", action="store_true", help="keep polling when nothing is due")
    parser.add_argument("--log", help="file to append 'order_id kind' to for every timer fired")
    parser.add_argument("--no-relay", action="store_true", help="only fire timers; leave the outbox alone")
    parser.add_argument("--timer-batch", type=int, default=5)
    parser.add_argument("--relay-batch", type=int, default=5)
    parser.add_argument("--lease", type=int, default=1, help="lease of claimed timers and outbox rows, seconds")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format=f"worker {os.getpid()} %(levelname)s %(name)s: %(message)s")
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
