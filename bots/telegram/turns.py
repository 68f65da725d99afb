"""python-telegram-bot's update processor: each person's updates in turn (bots.turns), different people's at once."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from telegram.ext import BaseUpdateProcessor

from bots.turns import Turns

#: updates handled, or waiting their person's turn, at once: waiting costs a task, not a thread
MOST_AT_ONCE = 4096


class TurnByTurn(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MOST_AT_ONCE) -> None:
        super().__init__(max_concurrent_updates)
        self.turns = Turns()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        user = getattr(update, "effective_user", None)
        if user is None:  # no person behind it (a channel's post): nobody to keep in order
            await coroutine
            return
        async with self.turns.turn(user.id):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up: the turns are in memory."""

    async def shutdown(self) -> None:
        """Nothing to release."""
