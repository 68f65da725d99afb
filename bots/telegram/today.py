"""The Today card on Telegram: one message per person, pinned in their private chat with the bot, edited in place
when something changes (bots.today's poll); /today sends it again; [Turn off the morning digest] under it."""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, RetryAfter

from bots.render import live, zone
from bots.runtime import Runtime
from bots.telegram import callbacks
from bots.telegram.context import PLATFORM, Turn, runtime
from bots.telegram.messages import with_entities
from core.i18n import translate
from core.people import Account
from core.ports import Undeliverable
from core.today import DIGEST_BACK, DIGEST_OFF, TodayCard, TodayMessage

log = logging.getLogger(__name__)


def today_keyboard(card: TodayCard, lang: str) -> InlineKeyboardMarkup:
    """A button per line (it opens that order's card), then the digest's."""
    rows = [[InlineKeyboardButton(choice.label.render(lang), callback_data=choice.data)]
            for choice in (*card.buttons, card.toggle)]
    return InlineKeyboardMarkup(rows)


class TelegramToday:
    """Draws Today cards in people's private chats with the bot (bots.today.TodayDesk)."""

    platform = PLATFORM

    def __init__(self, bot: Bot, runtime: Runtime) -> None:
        self.bot = bot
        self.runtime = runtime

    async def show(self, account: Account, chat_id: str, card: TodayCard, where: TodayMessage | None,
                   fresh: bool = False) -> TodayMessage:
        try:
            return await self._show(account, chat_id, card, where, fresh)
        except Forbidden as gone:  # the person blocked the bot
            raise Undeliverable(str(gone)) from gone
        except BadRequest as bad:
            if "chat not found" in str(bad).lower():
                raise Undeliverable(str(bad)) from bad
            raise

    async def _show(self, account: Account, chat_id: str, card: TodayCard, where: TodayMessage | None,
                    fresh: bool) -> TodayMessage:
        text, entities = with_entities(card.text(account.language, zone(account.timezone), self.runtime.clock.now(),
                                                 live))  # its deadlines as date_time entities
        markup = today_keyboard(card, account.language)
        if where is not None and where.chat_id == chat_id and not fresh:
            try:
                await self.bot.edit_message_text(text, chat_id, int(where.message_id), entities=entities,
                                                 reply_markup=markup)
                return where
            except BadRequest as refused:
                if "not modified" in str(refused).lower():
                    return where  # drawn the same: nothing to do
                # deleted by the person, or too old to edit: a new one, pinned in its place
        sent = await self.bot.send_message(chat_id, text, entities=entities, reply_markup=markup)
        try:  # quietly: the card itself just arrived
            await self.bot.pin_chat_message(chat_id, sent.message_id, disable_notification=True)
        except (BadRequest, Forbidden) as refused:
            log.info("the Today card in chat %s was not pinned: %s", chat_id, refused)
        if where is not None and where.chat_id == chat_id:
            await self._drop(chat_id, where.message_id)
        return TodayMessage(account.id, PLATFORM, chat_id, str(sent.message_id))

    async def _drop(self, chat_id: str, message_id: str) -> None:
        """The previous card goes: one Today card per chat."""
        try:
            await self.bot.delete_message(chat_id, int(message_id))
        except (BadRequest, Forbidden):
            try:  # too old to delete (48 h): it is unpinned at least
                await self.bot.unpin_chat_message(chat_id, int(message_id))
            except (BadRequest, Forbidden):
                pass  # gone already


async def today(update: Update, context: Turn) -> None:
    """/today: the person's Today card, sent again at the bottom of the chat and pinned."""
    who = context.person
    rt = runtime(context)
    card = await rt.todays.of(who.viewer)
    await _show(context.bot, rt, who.account, str(who.chat_id), card, fresh=True)


async def _show(bot: Bot, rt: Runtime, account: Account, chat_id: str, card: TodayCard, fresh: bool) -> None:
    where = await rt.todays.where(account.id, PLATFORM)
    try:
        placed = await TelegramToday(bot, rt).show(account, chat_id, card, where, fresh=fresh)
    except (RetryAfter, Undeliverable):  # Telegram asks to wait (the poll draws it later), or the chat is gone
        return
    await rt.todays.placed(placed)


async def on_digest(update: Update, context: Turn) -> None:
    """[Turn off the morning digest] / [Turn on …], under the card or under a digest."""
    query = update.callback_query
    who = context.person
    rt = runtime(context)
    on = callbacks.value(query.data, callbacks.DIGEST) == "on"
    card = await rt.todays.set_digest(who.viewer, on)
    said = translate(DIGEST_BACK if on else DIGEST_OFF, who.lang).format(at=card.digest_at.strftime("%H:%M"))
    await query.answer(said, show_alert=True)
    await _show(context.bot, rt, who.account, str(who.chat_id), card, fresh=False)
