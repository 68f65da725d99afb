"""Is the desk working: the database answers, each platform is connected, the polls keep running."""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

from storage.probe import why

#: seconds each check may take
CHECK_TIMEOUT = 5.0
#: a poll that has not finished for this many of its intervals (and at least STALE_FLOOR seconds) is stuck
STALE_INTERVALS, STALE_FLOOR = 20, 120.0
#: seconds a Telegram getMe answer is trusted (the endpoint may be scraped often; Telegram need not be)
TELEGRAM_RECHECK = 30.0


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


class PollWatch:
    """When each scheduler poll last finished: an APScheduler listener on the polls `comptoir run` starts."""

    def __init__(self, intervals: dict[str, float], on_finish=None) -> None:
        self.intervals = intervals  # poll id -> seconds between runs
        self.started = time.monotonic()
        self.finished: dict[str, float] = {}
        self.on_finish = on_finish

    def attach(self, scheduler) -> None:
        scheduler.add_listener(self._event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def _event(self, event) -> None:
        self.finished[event.job_id] = time.monotonic()
        if self.on_finish is not None:
            self.on_finish(event.job_id)

    def check(self) -> Check:
        now = time.monotonic()
        late = []
        for poll, every in self.intervals.items():
            since = now - self.finished.get(poll, self.started)
            if since > max(STALE_INTERVALS * every, STALE_FLOOR):
                late.append(f"{poll} last finished {since:.0f} s ago")
        return Check(not late, "; ".join(late) or "the timers and outbox polls run")


class Health:
    def __init__(self, runtime, apps: dict[str, object], polls: PollWatch) -> None:
        self.runtime = runtime
        self.apps = apps
        self.polls = polls
        self._telegram: tuple[float, Check] | None = None

    async def checks(self) -> dict[str, Check]:
        out = {"database": await self._database()}
        if "telegram" in self.apps:
            out["telegram"] = await self._telegram_check(self.apps["telegram"])
        if "discord" in self.apps:
            out["discord"] = self._discord_check(self.apps["discord"])
        out["polls"] = self.polls.check()
        return out

    async def _database(self) -> Check:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):
                await self.runtime.store.answers()  # a real read through the runtime's own engine
            return Check(True, "answers")
        except Exception as error:  # noqa: BLE001 — any failure is the finding
            return Check(False, why(error, self.runtime.config.database_url) or type(error).__name__)

    async def _telegram_check(self, app) -> Check:
        if not (app.running and app.updater is not None and (app.updater.running or self.runtime.config.telegram.mode
                                                             == "webhook")):
            return Check(False, "the bot is not running")
        if self._telegram and time.monotonic() - self._telegram[0] < TELEGRAM_RECHECK:
            return self._telegram[1]
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):
                await app.bot.get_me()
            found = Check(True, "the Bot API answers")
        except Exception as error:  # noqa: BLE001
            found = Check(False, f"the Bot API does not answer ({type(error).__name__})")
        self._telegram = (time.monotonic(), found)
        return found

    @staticmethod
    def _discord_check(client) -> Check:
        gateway = getattr(client, "gateway", None)
        if client.is_closed() or (gateway is not None and gateway.done()):
            return Check(False, "the gateway connection ended")
        if not client.is_ready():
            return Check(False, "not connected to the gateway (reconnecting?)")
        latency = client.latency
        heartbeat = f" ({latency * 1000:.0f} ms heartbeat)" if math.isfinite(latency) else ""
        return Check(True, f"connected to the gateway{heartbeat}")
