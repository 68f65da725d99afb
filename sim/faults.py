"""The faults the simulation injects: a process killed between two steps, and a flaky chat platform.

Everything here is decided by the seed. The platform's answer to a message depends only on the seed,
the message's dedupe key and how many times that key was tried, never on the order in which the relay
happens to send, so a replay takes the same path.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict

from core.ports import Outgoing, RetryLater, Undeliverable


class SimulatedCrash(BaseException):
    """The process dies here. A BaseException, so that nothing in the runtime that swallows ordinary
    failures to keep going (the timekeeper, the relay) swallows a death: it unwinds everything, every open
    transaction rolls back, and the simulation builds a fresh runtime on the same database file."""


class Fuse:
    """Kills the process at the n-th commit from when it is armed: just before it (the work is lost) or just
    after it (the work is saved but whoever asked never hears of it)."""

    def __init__(self) -> None:
        self.countdown: int | None = None
        self.after = False
        self.blown = Counter()  # "before" / "after" -> crashes

    def arm(self, countdown: int, after: bool) -> None:
        self.countdown, self.after = countdown, after

    def disarm(self) -> None:
        self.countdown = None

    def tick(self, phase_after: bool) -> None:
        if self.countdown is None or phase_after != self.after:
            return
        if self.countdown > 0:
            self.countdown -= 1
            return
        self.countdown = None
        self.blown["after" if phase_after else "before"] += 1
        raise SimulatedCrash(f"killed {'after' if phase_after else 'before'} a commit")


class FaultyUnitOfWork:
    """The real SqlUnitOfWork, with the fuse wired around its commit."""

    def __init__(self, inner, fuse: Fuse) -> None:
        self._inner = inner
        self._fuse = fuse

    async def __aenter__(self) -> FaultyUnitOfWork:
        await self._inner.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._inner.__aexit__(*exc)

    async def commit(self) -> None:
        self._fuse.tick(False)
        await self._inner.commit()
        self._fuse.tick(True)

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


#: attempts after which the platform always accepts (unless the person blocked the bot): nothing is
#: retried forever, and the relay's max_attempts (10) is never reached
FLAKY_ATTEMPTS = 4


class FlakyPlatform:
    """A chat platform (one per platform name) that records every message it accepted, by dedupe key.

    It lives outside the simulated process: it survives the crashes, like Telegram does."""

    def __init__(self, seed: int, blocked: set[tuple[str, str]], crash_rate: float = 0.01) -> None:
        self.seed = seed
        self.blocked = blocked  # (platform, chat id) of people who blocked the bot
        self.crash_rate = crash_rate
        self.tries: Counter[str] = Counter()
        self.accepted: Counter[str] = Counter()
        self.undeliverable: set[str] = set()
        self.answers: Counter[str] = Counter()
        self.per_chat: defaultdict[str, list[str]] = defaultdict(list)

    def notifier(self, platform: str) -> PlatformNotifier:
        return PlatformNotifier(self, platform)

    async def send(self, platform: str, message: Outgoing) -> str:
        key = message.dedupe_key
        attempt = self.tries[key]
        self.tries[key] += 1
        if (platform, message.chat_id) in self.blocked:
            self.undeliverable.add(key)
            self.answers["undeliverable"] += 1
            raise Undeliverable("Forbidden: bot was blocked by the user")
        rng = random.Random(f"{self.seed}:{key}:{attempt}")
        r = rng.random() if attempt < FLAKY_ATTEMPTS else 1.0
        if r < 0.08:
            self.answers["429"] += 1
            raise RetryLater(after=rng.choice((1, 3, 30)))
        if r < 0.13:
            self.answers["5xx"] += 1
            raise RetryLater(reason="Bad Gateway")
        if r < 0.17:
            self.answers["timeout"] += 1
            raise TimeoutError("timed out")
        if r < 0.17 + self.crash_rate:
            self.answers["crash before send"] += 1
            raise SimulatedCrash("killed while sending")
        self.accepted[key] += 1
        self.per_chat[f"{platform}:{message.chat_id}"].append(key)
        self.answers["accepted"] += 1
        if r < 0.17 + 2 * self.crash_rate:
            self.answers["crash after send"] += 1
            raise SimulatedCrash("killed after the platform accepted, before the outbox row was marked")
        return f"{platform}-{self.answers['accepted']}"


class PlatformNotifier:
    def __init__(self, platform_: FlakyPlatform, platform: str) -> None:
        self._platform = platform_
        self.platform = platform

    async def send(self, message: Outgoing) -> str:
        return await self._platform.send(self.platform, message)
