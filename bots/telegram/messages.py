"""Text longer than one Telegram message goes as several, split at a paragraph, a line or a space: never cut.

The buttons go with the last message, under the end of the text, where the reader's eyes are.
"""

from __future__ import annotations

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bots.render import pack

LIMIT = 4096  # Telegram's text limit


async def send_text(bot: Bot, chat_id: int | str, text: str | list[str],
                    reply_markup: InlineKeyboardMarkup | None = None, **options) -> Message:
    """Sends the text (or its parts, packed) in as few messages as it fits in; returns the last one."""
    chunks = pack(text if isinstance(text, list) else [text], LIMIT) or [" "]
    for chunk in chunks[:-1]:
        await bot.send_message(chat_id, chunk, **options)
    return await bot.send_message(chat_id, chunks[-1], reply_markup=reply_markup, **options)


async def show_text(query, bot: Bot, chat_id: int | str, text: str,
                    reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """In place of the pressed message when it fits in one (a menu that changes), else as new messages."""
    if query is not None and query.message is not None and len(text) <= LIMIT:
        try:
            await query.edit_message_text(text, reply_markup=reply_markup)
            return
        except BadRequest:
            pass  # unchanged, or too old to edit
    await send_text(bot, chat_id, text, reply_markup)
