"""Pacing every message the bot posts to Telegram's limits (~30/s per bot, ~1/s per private chat).

It is python-telegram-bot's rate-limiter hook, so handlers' replies and outbox notifications share
one pace. A 429 (RetryAfter) from a handler's reply is waited out and retried once; the notifier asks
for no retry (`NO_RETRY`) and hands the wait back to the relay, which keeps the row for later.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections import defaultdict
from datetime import timedelta

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

NO_RETRY = "no-retry"
POSTS = frozenset({
    "sendMessage", "sendDocument", "sendPhoto", "sendVideo", "sendAudio", "sendVoice", "sendAnimation",
    "sendMediaGroup", "copyMessage", "forwardMessage", "sendInvoice", "sendLocation", "sendContact",
})


def seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Pacer(BaseRateLimiter):
    def __init__(self, per_second: float = 29.0, chat_interval: float = 1.1, retries: int = 1) -> None:
        # a little under the limits: a request measured late by the network must still fit
        self.gap = 1.0 / per_second
        self.chat_interval = chat_interval
        self.retries = retries
        #: the moments reserved for posts, in order: any two at least `gap` apart (the bot's overall pace)
        self.reserved: list[float] = []
        self.next_chat: dict[str, float] = defaultdict(float)
        self.lock = asyncio.Lock()

    async def initialize(self) -> None:
        """Nothing to set up: the pace is kept in memory, per process."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def wait(self, chat_id: str | None) -> None:
        async with self.lock:  # reserve a slot, then sleep outside the lock
            now = time.monotonic()
            at = self._free(max(now, self.next_chat[chat_id] if chat_id else 0.0), now)
            bisect.insort(self.reserved, at)
            if chat_id:
                self.next_chat[chat_id] = at + self.chat_interval
        delay = at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if chat_id and time.monotonic() > at:  # woken late (a busy loop): the chat's next post counts from now
            self.next_chat[chat_id] = max(self.next_chat[chat_id], time.monotonic() + self.chat_interval)

    def _free(self, at: float, now: float) -> float:
        """The first moment from `at` at least `gap` away from every reserved one. A chat's posts wait their turn in
        that chat (a second apart) without holding a place in the bot's overall pace meanwhile: twenty replies
        queued for one flooding chat leave the moments between them to everybody else."""
        del self.reserved[:bisect.bisect_left(self.reserved, now - self.gap)]  # the past no longer constrains
        for moment in self.reserved[bisect.bisect_left(self.reserved, at - self.gap):]:
            if moment >= at + self.gap:
                break
            at = max(at, moment + self.gap)
        return at

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        if endpoint in POSTS:
            chat = data.get("chat_id")
            await self.wait(str(chat) if chat is not None else None)
        for attempt in range(self.retries + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if rate_limit_args == NO_RETRY or attempt == self.retries:
                    raise
                await asyncio.sleep(seconds(error))
        raise AssertionError("unreachable")
