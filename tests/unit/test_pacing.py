"""The Telegram pace: a second between two posts to one chat, ~1/29 s between any two, and one chat's queue never
holding the others back (what a flooding person's replies did: every other chat waited behind them)."""

from __future__ import annotations

import asyncio
import time

from bots.telegram.pacing import Pacer


async def reserved(pacer: Pacer, chats: list[str]) -> list[asyncio.Task]:
    """Each post reserves its moment at once (then sleeps until it): started, in this order."""
    tasks = []
    for chat in chats:
        tasks.append(asyncio.create_task(pacer.wait(chat)))
        await asyncio.sleep(0)
    return tasks


async def test_twenty_replies_queued_for_one_chat_leave_the_moments_between_them_to_another_chat():
    pacer = Pacer(per_second=10, chat_interval=1.0)
    start = time.monotonic()
    tasks = await reserved(pacer, ["flooder"] * 20 + ["someone else"])
    try:
        flooder = [at - start for at in pacer.reserved if at >= start]
        assert max(flooder) >= 19  # a second apart in their own chat...
        someone = pacer.next_chat["someone else"] - pacer.chat_interval - start
        assert someone < 0.3  # ...while the other chat's post goes within the bot's pace, not after them
    finally:
        for task in tasks:
            task.cancel()


async def test_any_two_posts_stay_a_gap_apart_whatever_their_chats():
    pacer = Pacer(per_second=10, chat_interval=1.0)
    tasks = await reserved(pacer, [f"chat {n}" for n in range(12)] + ["chat 0", "chat 1"])
    try:
        moments = sorted(pacer.reserved)
        assert all(b - a >= pacer.gap - 1e-9 for a, b in zip(moments, moments[1:], strict=False))
        assert len(moments) == 14
    finally:
        for task in tasks:
            task.cancel()
