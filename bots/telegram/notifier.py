"""Sending outbox notifications on Telegram with the card's buttons attached, then the files that came with them.

The pace is kept by bots.telegram.pacing; a 429 that still happens goes back to the relay as
RetryLater(retry_after), so the row waits and nothing is dropped. Files held by another platform are
fetched (bots.files) before anything is sent: if that platform is down, the whole row waits.
"""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut, NetworkError

from bots.render import live, notice_parts
from bots.telegram.cards import choice_rows, keyboard, retire_cards
from bots.telegram.context import PLATFORM
from bots.telegram.files import attachments, send_attachments
from bots.telegram.messages import send_text
from bots.telegram.pacing import NO_RETRY, seconds
from bots.telegram.topics import close, thread_of
from core.conversations import closes_topic
from core.ports import Outgoing, RetryLater, Undeliverable


class TelegramNotifier:
    platform = PLATFORM

    def __init__(self, bot: Bot, runtime) -> None:
        self.bot = bot
        self.runtime = runtime

    async def send(self, message: Outgoing) -> str:
        rt = self.runtime
        files = await attachments(rt.files, message.files)
        card = rt.service.notice_card(message)  # from the order the relay's batch read: no read here
        parts = notice_parts(message, card, rt.clock.now(), live)  # dates: date_time entities (send_text)
        try:
            markup = keyboard(card, message.language, choice_rows(message.buttons, message.language))
            thread = await thread_of(self.bot, rt, message.chat_id, message.order_id)  # the order's topic, if any
            # several messages when it is long: a failure midway sends them all again (at least once, never cut)
            try:
                sent = await send_text(self.bot, message.chat_id, parts, markup, rate_limit_args=NO_RETRY,
                                       message_thread_id=thread)
            except BadRequest as lost:
                if thread is None or message.order_id is None or "thread not found" not in str(lost).lower():
                    raise
                # the person deleted the order's topic: a new one, rather than never
                await rt.conversations.topic_lost(PLATFORM, message.chat_id, message.order_id)
                thread = await thread_of(self.bot, rt, message.chat_id, message.order_id)
                sent = await send_text(self.bot, message.chat_id, parts, markup, rate_limit_args=NO_RETRY,
                                       message_thread_id=thread)
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
        # after the message went: a failure here must not send it twice
        await send_attachments(self.bot, message.chat_id, files, sent.message_id, message.language, thread=thread)
        await rt.conversations.remember(PLATFORM, message.chat_id, str(sent.message_id),
                                        "card" if card else "notice", message.order_id, message.account_id)
        if card is not None:
            await retire_cards(self.bot, rt, card.order_id, chat_id=message.chat_id, keep=str(sent.message_id))
        if thread is not None and message.order_id is not None and closes_topic(message.text):
            await close(self.bot, rt, message.chat_id, message.order_id, thread)
        return str(sent.message_id)
