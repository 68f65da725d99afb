"""Private chats only: in a group, a supergroup or a channel the bot lists no order, sends no evidence, links no
account and routes no notice. A command there is answered with one button to the bot's private chat; anything
else there is left alone. Nobody's account is touched (and so no group's chat id is ever kept as a person's).

Runs before every other handler (a group of its own in bots.telegram.app), so no handler has to remember it.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bots.telegram.context import Turn
from core.i18n import N_, language, translate

ONLY_PRIVATE = N_("I work only in a private chat with you, where your orders and messages stay between us: tap "
                  "the button to open it.")


async def private_only(update: Update, context: Turn) -> None:
    """Lets a private chat's update through (and those of no chat: a payment's pre-checkout); stops any other."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    user = update.effective_user
    lang = language(user.language_code if user else None)
    if update.callback_query is not None:
        await update.callback_query.answer(translate(ONLY_PRIVATE, lang), show_alert=True)
    elif update.message is not None and chat.type != ChatType.CHANNEL and _our_command(update, context):
        button = InlineKeyboardButton(translate(N_("Open the private chat"), lang),
                                      url=f"https://t.me/{context.bot.username}")
        await update.message.reply_text(translate(ONLY_PRIVATE, lang), reply_markup=InlineKeyboardMarkup([[button]]))
    raise ApplicationHandlerStop


def _our_command(update: Update, context: Turn) -> bool:
    """A /command that starts the message and names no other bot (/orders, /orders@this_bot)."""
    message = update.message
    entities = message.parse_entities([MessageEntity.BOT_COMMAND])
    first = next((text for entity, text in entities.items() if entity.offset == 0), None)
    if first is None:
        return False
    _, _, addressed = first.partition("@")
    return not addressed or addressed.lower() == (context.bot.username or "").lower()
