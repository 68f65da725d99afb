"""Order cards as Telegram messages: the card's text and exactly the buttons core allows, kept current."""

from __future__ import annotations

from datetime import datetime

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from bots.render import live, zone
from bots.runtime import Runtime
from core.people import Person
from bots.telegram import callbacks
from bots.telegram.context import PLATFORM
from bots.telegram.messages import send_text
from bots.telegram.topics import thread_of
from core.card import Card, render_text
from core.i18n import N_, translate

MORE = N_("More…")


def keyboard(card: Card | None, lang: str, extra: list[list[InlineKeyboardButton]] | None = None,
             expanded: bool = False):
    """The card's buttons, the step to take first; the rarely needed ones behind "More…" until it is pressed;
    then the buttons that only show something (the whole brief)."""
    rows = []
    if card is not None:
        shown = card.buttons if expanded else card.main_buttons
        rows += [[InlineKeyboardButton(b.label.render(lang), callback_data=b.data)] for b in shown]
        if card.more_buttons and not expanded:
            rows.append([InlineKeyboardButton(translate(MORE, lang), callback_data=callbacks.more(card.order_id))])
        rows += [[InlineKeyboardButton(link.label.render(lang), callback_data=link.data)] for link in card.links]
    rows += extra or []
    return InlineKeyboardMarkup(rows) if rows else None


def choice_rows(choices, lang: str) -> list[list[InlineKeyboardButton]]:
    """A notice's own buttons (reply, pay, confirm a payment), one per row, under the card's if any."""
    return [[InlineKeyboardButton(c.label.render(lang), callback_data=c.data)] for c in choices]


def card_text(card: Card, who: Person, now: datetime, notice: str = "") -> str:
    body = render_text(card, who.lang, zone(who.account.timezone), now, zone_note=not who.account.timezone_set,
                       mark=live)  # its dates as date_time entities (bots.telegram.messages)
    return f"{notice}\n\n{body}" if notice else body


def cancel_button(lang: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(translate(N_("Cancel"), lang), callback_data=callbacks.CANCEL)]


async def send_card(bot: Bot, rt: Runtime, who: Person, card: Card, notice: str = "") -> int:
    """Sends a card to this person, hides the buttons of this order's older cards in their chat, remembers it."""
    chat_id, account_id = who.chat_id, who.account.id
    thread = await thread_of(bot, rt, chat_id, card.order_id)  # the order's topic, if the chat has topics
    message = await send_text(bot, chat_id, card_text(card, who, rt.clock.now(), notice), keyboard(card, who.lang),
                              message_thread_id=thread)
    await retire_cards(bot, rt, card.order_id, chat_id=str(chat_id), keep=str(message.message_id))
    await rt.conversations.remember(PLATFORM, str(chat_id), str(message.message_id), "card", card.order_id,
                                    account_id)
    return message.message_id


async def retire_cards(bot: Bot, rt: Runtime, order_id: str, chat_id: str | None = None, keep: str | None = None):
    """Old cards of an order lose their buttons, so nobody presses a button that no longer applies."""
    cards = await rt.conversations.cards(PLATFORM, order_id)
    for chat, message_id, _ in cards:
        if (chat_id is None or chat == chat_id) and message_id != keep:
            try:
                await bot.edit_message_reply_markup(chat, int(message_id), reply_markup=None)
            except (BadRequest, Forbidden):
                pass  # already without buttons, deleted, or the person left: nothing to retire
            await rt.conversations.retire(PLATFORM, chat, message_id)
