"""Per-person limits: how many chat messages and how many presses (buttons, commands) one person may send in a
while, counted in this process's memory before anything else is done for them.

A token bucket per person and kind: `limit` at once, then one more every `window / limit`. What goes over is
refused before it costs anything (no database, no masking, no relay), so one person's flood cannot slow anyone
else; the person is told once per wait, with how long to wait, and not for every refused message (answering a
flood would be a flood of the bot's own). Each process counts its own: with several processes a person may get
a little more, never unlimited.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.i18n import N_
from core.ports import Clock

MESSAGES, PRESSES = "messages", "presses"
#: what the person is told when a limit stops them
TOO_FAST = {
    MESSAGES: N_("You are writing faster than the marketplace allows: what you send in the next {seconds} s will "
                 "not be delivered. Wait, then send it again."),
    PRESSES: N_("Too many presses at once: try again in {seconds} s."),
}
SWEEP_EVERY = 1024  # takes between two sweeps of the buckets of people gone quiet


@dataclass
class _Bucket:
    tokens: float
    at: datetime
    window: timedelta
    told_until: datetime | None = None


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    wait: int = 0  # whole seconds until the next one would be allowed
    tell: bool = False  # the first refusal of this wait: say so (the next ones are refused in silence)


class Limits:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._takes = 0

    def take(self, kind: str, who: str, most: int, window: timedelta) -> Verdict:
        """One more of `kind` by `who` (a platform-qualified user id), who may do `most` of them in `window`:
        allowed, or how long to wait."""
        per_second = most / window.total_seconds()
        now = self.clock.now()
        bucket = self._buckets.get((kind, who))
        if bucket is None:
            bucket = self._buckets[(kind, who)] = _Bucket(float(most), now, window)
        bucket.tokens = min(float(most), bucket.tokens + max(0.0, (now - bucket.at).total_seconds()) * per_second)
        bucket.at, bucket.window = now, window
        self._sweep(now)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Verdict(True)
        wait = max(1, math.ceil((1 - bucket.tokens) / per_second))
        tell = bucket.told_until is None or now >= bucket.told_until
        if tell:
            bucket.told_until = now + timedelta(seconds=wait)
        return Verdict(False, wait, tell)

    def _sweep(self, now: datetime) -> None:
        """Forgets the people whose bucket has filled up again: memory stays the size of who is active."""
        self._takes += 1
        if self._takes % SWEEP_EVERY:
            return
        for key, bucket in list(self._buckets.items()):
            if now - bucket.at >= bucket.window:
                del self._buckets[key]


def check(runtime, kind: str, platform: str, user_id: int | str) -> Verdict:
    """This person's next `kind`, against the configured limits (read now: a config change counts at once)."""
    config = runtime.config.limits
    most, window = ((config.messages, config.messages_window) if kind == MESSAGES
                    else (config.presses, config.presses_window))
    return runtime.limits.take(kind, f"{platform}:{user_id}", most, window)
