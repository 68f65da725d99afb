"""Each person's events one at a time, in the order they came; different people's at the same time.

The adapters handle events concurrently. For one person that reorders their messages (the second may be relayed
before the first) and lets a flood run as many handlers as it has messages, all on one event loop: the other
people's events then wait behind every one of them. Taken in turn, a person has at most one handler running, so
someone else waits at most for one of theirs (and bots.limits refuses a flood's surplus in a moment).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager


class Turns:
    def __init__(self) -> None:
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._waiting: dict[Hashable, int] = {}

    @asynccontextmanager
    async def turn(self, person: Hashable) -> AsyncIterator[None]:
        """This person's turn: after their earlier events (asyncio's lock lets its waiters in, in order)."""
        lock = self._locks.setdefault(person, asyncio.Lock())
        self._waiting[person] = self._waiting.get(person, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._waiting[person] -= 1
            if not self._waiting[person]:  # nobody waits: forget them (memory is the size of who is active)
                del self._waiting[person], self._locks[person]
