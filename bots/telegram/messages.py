"""Text longer than one Telegram message goes as several, split at a paragraph, a line or a space: never cut.

The buttons go with the last message, under the end of the text, where the reader's eyes are. Live dates
(bots.render.live) go as date_time entities wrapping their plain text: an app that knows them keeps the
countdown current, one that does not shows the text as written. No parse_mode: text is text.
"""

from __future__ import annotations

from telegram import Bot, InlineKeyboardMarkup, Message, MessageEntity
from telegram.constants import MessageEntityDateTimeFormats
from telegram.error import BadRequest

from bots.render import countdowns, pack

LIMIT = 4096  # Telegram's text limit


def utf16(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets (an emoji of the astral planes is 2)."""
    return len(text.encode("utf-16-le")) // 2


def with_entities(text: str) -> tuple[str, list[MessageEntity] | None]:
    """The text as sent, and its live dates as date_time entities: the date as written (the reader's app shows
    it in their own format when tapped), the countdown ("in 4 d") kept current by the app."""
    shown, found = countdowns(text)
    entities = [MessageEntity(MessageEntity.DATE_TIME, utf16(shown[:c.start]), utf16(shown[c.start:c.end]),
                              unix_time=c.at,
                              date_time_format=MessageEntityDateTimeFormats.RELATIVE if c.countdown else None)
                for c in found if c.end > c.start]
    return shown, entities or None


async def send_text(bot: Bot, chat_id: int | str, text: str | list[str],
                    reply_markup: InlineKeyboardMarkup | None = None, **options) -> Message:
    """Sends the text (or its parts, packed) in as few messages as it fits in; returns the last one."""
    chunks = [with_entities(chunk) for chunk in pack(text if isinstance(text, list) else [text], LIMIT)]
    chunks = chunks or [(" ", None)]
    for chunk, entities in chunks[:-1]:
        await bot.send_message(chat_id, chunk, entities=entities, **options)
    last, entities = chunks[-1]
    return await bot.send_message(chat_id, last, entities=entities, reply_markup=reply_markup, **options)


async def show_text(query, bot: Bot, chat_id: int | str, text: str,
                    reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """In place of the pressed message when it fits in one (a menu that changes), else as new messages."""
    shown, entities = with_entities(text)
    if query is not None and query.message is not None and len(shown) <= LIMIT:
        try:
            await query.edit_message_text(shown, entities=entities, reply_markup=reply_markup)
            return
        except BadRequest:
            pass  # unchanged, or too old to edit
    await send_text(bot, chat_id, text, reply_markup)
