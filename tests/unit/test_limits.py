"""Per-person limits as a token bucket: so many at once, then one more every window / limit; told once per wait."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bots.limits import MESSAGES, Limits
from core.ports import ManualClock

MINUTE = timedelta(minutes=1)


def limits() -> tuple[Limits, ManualClock]:
    clock = ManualClock(datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc))
    return Limits(clock), clock


def test_twenty_at_once_then_one_every_three_seconds_and_the_wait_is_said_once():
    found, clock = limits()
    verdicts = [found.take(MESSAGES, "telegram:1", 20, MINUTE) for _ in range(25)]
    assert [v.allowed for v in verdicts] == [True] * 20 + [False] * 5
    assert [(v.wait, v.tell) for v in verdicts[20:]] == [(3, True)] + [(3, False)] * 4
    clock.advance(timedelta(seconds=3))
    assert found.take(MESSAGES, "telegram:1", 20, MINUTE).allowed
    refused = found.take(MESSAGES, "telegram:1", 20, MINUTE)
    assert not refused.allowed and refused.tell  # a new wait: said again


def test_one_persons_flood_takes_nothing_from_anybody_else():
    found, _ = limits()
    for _ in range(100):
        found.take(MESSAGES, "telegram:1", 20, MINUTE)
    assert found.take(MESSAGES, "telegram:2", 20, MINUTE).allowed
    assert found.take(MESSAGES, "discord:1", 20, MINUTE).allowed  # the same number on another platform: another


def test_people_gone_quiet_are_forgotten():
    found, clock = limits()
    for n in range(2000):
        found.take(MESSAGES, f"telegram:{n}", 20, MINUTE)
    clock.advance(MINUTE)
    for _ in range(1024):
        found.take(MESSAGES, "telegram:active", 20, MINUTE)
    assert len(found._buckets) < 10
