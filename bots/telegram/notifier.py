"""Sending outbox notifications on Telegram with the card's buttons attached, then the files that came with them.

The pace is kept by bots.telegram.pacing; a 429 that still happens goes back to the relay as
RetryLater(retry_after), so the row waits and nothing is dropped. Files held by another platform are
fetched (bots.files) before anything is sent: if that platform is down, the whole row waits.
"""

from __future__ import annotations

import asyncio

from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut, NetworkError

from bots.files import Fetched, Missing, name_of, prefix_of
from bots.render import card_for
from bots.telegram.cards import card_text, choice_rows, fit, keyboard, retire_cards
from bots.telegram.context import PLATFORM
from bots.telegram.files import PREFIX, UPLOAD_LIMIT, TelegramFiles, parse
from bots.telegram.pacing import NO_RETRY, seconds
from core.ports import Outgoing, RetryLater, Undeliverable

#: a file to send: Telegram's own reference (re-sent by its id), another platform's bytes, or a name and a note
Attachment = str | Fetched | Missing


class TelegramNotifier:
    platform = PLATFORM

    def __init__(self, bot: Bot, runtime) -> None:
        self.bot = bot
        self.runtime = runtime
        runtime.files.register(PREFIX, TelegramFiles(bot))

    async def send(self, message: Outgoing) -> str:
        rt = self.runtime
        files = [ref if prefix_of(ref) == PREFIX else await rt.files.fetch(ref, UPLOAD_LIMIT) for ref in message.files]
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
        for file in files:  # after the message went: a failure here must not send it twice
            await self._send_file(message.chat_id, file, sent.message_id, message.language)
        async with rt.store.unit_of_work() as uow:
            await uow.conversations.remember(PLATFORM, message.chat_id, str(sent.message_id),
                                             "card" if card else "notice", message.order_id, message.account_id)
            await uow.commit()
        if card is not None:
            await retire_cards(self.bot, rt, card.order_id, chat_id=message.chat_id, keep=str(sent.message_id))
        return str(sent.message_id)

    async def _send_file(self, chat_id: str, file: Attachment, reply_to: int, lang: str, tries: int = 3) -> None:
        for attempt in range(tries):
            try:
                await self._send_one_file(chat_id, file, reply_to, lang)
                return
            except RetryAfter as wait:
                await asyncio.sleep(min(seconds(wait), 60.0))
            except (TimedOut, NetworkError):
                await asyncio.sleep(2**attempt)
        name = file.name if isinstance(file, (Fetched, Missing)) else name_of(file)
        await self.bot.send_message(chat_id, f"📎 {name}", reply_to_message_id=reply_to)

    async def _send_one_file(self, chat_id: str, file: Attachment, reply_to: int, lang: str) -> None:
        """Files Telegram already has are re-sent by their id, fetched ones uploaded; others are named
        with the reason (the evidence keeps them)."""
        if isinstance(file, Fetched):
            await self.bot.send_document(chat_id, InputFile(file.content, filename=file.name),
                                         reply_to_message_id=reply_to)
        elif isinstance(file, Missing):
            await self.bot.send_message(chat_id, file.note(lang), reply_to_message_id=reply_to)
        elif (parsed := parse(file)) is not None:
            kind, file_id, _ = parsed
            if kind == "photo":
                await self.bot.send_photo(chat_id, file_id, reply_to_message_id=reply_to)
            else:
                await self.bot.send_document(chat_id, file_id, reply_to_message_id=reply_to)
        else:
            await self.bot.send_message(chat_id, f"📎 {name_of(file)}", reply_to_message_id=reply_to)
