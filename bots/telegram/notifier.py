"""Sending outbox notifications on Telegram, within its limits, with the card's buttons attached.

Telegram allows about 30 messages a second per bot and one a second per chat; beyond that it
answers 429 with retry_after, which we hand back to the relay (RetryLater) so the row waits.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut, NetworkError

from bots.render import viewer_of
from bots.telegram.cards import card_text, fit, keyboard, retire_cards
from bots.telegram.context import PLATFORM
from core.events import Refusal
from core.ports import Outgoing, RetryLater, Undeliverable


class Throttle:
    """Spaces sends: at most `per_second` overall and one per `chat_interval` seconds per chat."""

    def __init__(self, per_second: float = 29.0, chat_interval: float = 1.0) -> None:
        self.gap = 1.0 / per_second
        self.chat_interval = chat_interval
        self.next_any = 0.0
        self.next_chat: dict[str, float] = defaultdict(float)
        self.lock = asyncio.Lock()

    async def wait(self, chat_id: str) -> None:
        async with self.lock:  # reserve a slot, then sleep outside the lock
            now = time.monotonic()
            at = max(now, self.next_any, self.next_chat[chat_id])
            self.next_any = at + self.gap
            self.next_chat[chat_id] = at + self.chat_interval
        delay = at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)


class TelegramNotifier:
    platform = PLATFORM

    def __init__(self, bot: Bot, runtime, throttle: Throttle | None = None) -> None:
        self.bot = bot
        self.runtime = runtime
        self.throttle = throttle or Throttle()

    async def send(self, message: Outgoing) -> str:
        rt = self.runtime
        card = None
        if message.order_id and message.with_card:
            found = await rt.service.card(message.order_id, viewer_of(message))
            card = None if isinstance(found, Refusal) else found
        notice = message.text.render(message.language)
        text = card_text(card, message.language, message.timezone, rt.clock.now(), notice) if card else fit(notice)
        try:
            await self.throttle.wait(message.chat_id)
            sent = await self.bot.send_message(message.chat_id, text, reply_markup=keyboard(card, message.language))
        except RetryAfter as wait:
            seconds = wait.retry_after.total_seconds() if hasattr(wait.retry_after, "total_seconds") else wait.retry_after
            raise RetryLater(after=float(seconds), reason=str(wait)) from wait
        except Forbidden as gone:
            raise Undeliverable(str(gone)) from gone
        except BadRequest as bad:
            if "chat not found" in str(bad).lower():
                raise Undeliverable(str(bad)) from bad
            raise
        except (TimedOut, NetworkError) as error:
            raise RetryLater(reason=str(error)) from error
        for ref in message.files:  # after the message went: a failure here must not send it twice
            await self._send_file(message.chat_id, ref, sent.message_id)
        async with rt.store.unit_of_work() as uow:
            await uow.conversations.remember(PLATFORM, message.chat_id, str(sent.message_id),
                                             "card" if card else "notice", message.order_id, message.account_id)
            await uow.commit()
        if card is not None:
            await retire_cards(self.bot, rt, card.order_id, chat_id=message.chat_id, keep=str(sent.message_id))
        return str(sent.message_id)

    async def _send_file(self, chat_id: str, ref: str, reply_to: int, tries: int = 3) -> None:
        for attempt in range(tries):
            await self.throttle.wait(chat_id)
            try:
                await self._send_one_file(chat_id, ref, reply_to)
                return
            except RetryAfter as wait:
                seconds = wait.retry_after.total_seconds() if hasattr(wait.retry_after, "total_seconds") else wait.retry_after
                await asyncio.sleep(min(float(seconds), 60.0))
            except (TimedOut, NetworkError):
                await asyncio.sleep(2**attempt)
        await self.bot.send_message(chat_id, f"📎 {ref.rsplit(':', 1)[-1]}", reply_to_message_id=reply_to)

    async def _send_one_file(self, chat_id: str, ref: str, reply_to: int) -> None:
        """Files Telegram already has are re-sent by their id; others are named (the evidence keeps them)."""
        parts = ref.split(":", 3)
        if len(parts) == 4 and parts[0] == "tg":
            _, kind, file_id, _name = parts
            if kind == "photo":
                await self.bot.send_photo(chat_id, file_id, reply_to_message_id=reply_to)
            else:
                await self.bot.send_document(chat_id, file_id, reply_to_message_id=reply_to)
        else:
            await self.bot.send_message(chat_id, f"📎 {ref.rsplit(':', 1)[-1]}", reply_to_message_id=reply_to)
