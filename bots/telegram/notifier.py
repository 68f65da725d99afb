"""Sending outbox notifications on Telegram with the card's buttons attached.

The pace is kept by bots.telegram.pacing; a 429 that still happens goes back to the relay as
RetryLater(retry_after), so the row waits and nothing is dropped.
"""

from __future__ import annotations

import asyncio

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut, NetworkError

from bots.render import card_for
from bots.telegram.cards import card_text, choice_rows, fit, keyboard, retire_cards
from bots.telegram.context import PLATFORM
from bots.telegram.pacing import NO_RETRY, seconds
from core.ports import Outgoing, RetryLater, Undeliverable


class TelegramNotifier:
    platform = PLATFORM

    def __init__(self, bot: Bot, runtime) -> None:
        self.bot = bot
        self.runtime = runtime

    async def send(self, message: Outgoing) -> str:
        rt = self.runtime
        card = await card_for(rt.service, message)
        notice = message.text.render(message.language)
        text = card_text(card, message.language, message.timezone, rt.clock.now(), notice) if card else fit(notice)
        try:
            markup = keyboard(card, message.language, choice_rows(message.buttons, message.language))
            sent = await self.bot.send_message(message.chat_id, text, reply_markup=markup, rate_limit_args=NO_RETRY)
        except RetryAfter as wait:
            raise RetryLater(after=seconds(wait), reason=str(wait)) from wait
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
            try:
                await self._send_one_file(chat_id, ref, reply_to)
                return
            except RetryAfter as wait:
                await asyncio.sleep(min(seconds(wait), 60.0))
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
