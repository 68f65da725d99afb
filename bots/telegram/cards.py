"""Order cards as Telegram messages: the card's text and exactly the buttons core allows, kept current."""

from __future__ import annotations

from datetime import datetime

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from bots.render import zone
from bots.runtime import Runtime
from bots.telegram.context import PLATFORM
from core.card import Card, render_text
from core.i18n import N_, translate

LIMIT = 4096  # Telegram's text limit


def fit(text: str) -> str:
    return text if len(text) <= LIMIT else text[: LIMIT - 1] + "…"


def keyboard(card: Card | None, lang: str, extra: list[list[InlineKeyboardButton]] | None = None):
    rows = [[InlineKeyboardButton(b.label.render(lang), callback_data=b.data)] for b in (card.buttons if card else ())]
    rows += extra or []
    return InlineKeyboardMarkup(rows) if rows else None


def choice_rows(choices, lang: str) -> list[list[InlineKeyboardButton]]:
    """A notice's own buttons (reply, pay, confirm a payment), one per row, under the card's if any."""
    return [[InlineKeyboardButton(c.label.render(lang), callback_data=c.data)] for c in choices]


def card_text(card: Card, lang: str, timezone: str, now: datetime, notice: str = "") -> str:
    body = render_text(card, lang, zone(timezone), now)
    return fit(f"{notice}\n\n{body}" if notice else body)


def cancel_button(lang: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(translate(N_("Cancel"), lang), callback_data="x:cancel")]


async def send_card(bot: Bot, rt: Runtime, chat_id: int | str, account_id: str, lang: str, timezone: str,
                    card: Card, notice: str = "") -> int:
    """Sends a card, hides the buttons of this order's older cards in that chat, remembers the new one."""
    message = await bot.send_message(chat_id, card_text(card, lang, timezone, rt.clock.now(), notice),
                                     reply_markup=keyboard(card, lang))
    await retire_cards(bot, rt, card.order_id, chat_id=str(chat_id), keep=str(message.message_id))
    async with rt.store.unit_of_work() as uow:
        await uow.conversations.remember(PLATFORM, str(chat_id), str(message.message_id), "card", card.order_id,
                                         account_id)
        await uow.commit()
    return message.message_id


async def retire_cards(bot: Bot, rt: Runtime, order_id: str, chat_id: str | None = None, keep: str | None = None):
    """Old cards of an order lose their buttons, so nobody presses a button that no longer applies."""
    async with rt.store.unit_of_work() as uow:
        cards = await uow.conversations.cards(PLATFORM, order_id)
    for chat, message_id, _ in cards:
        if (chat_id is None or chat == chat_id) and message_id != keep:
            try:
                await bot.edit_message_reply_markup(chat, int(message_id), reply_markup=None)
            except (BadRequest, Forbidden):
                pass  # already without buttons, deleted, or the person left: nothing to retire
            async with rt.store.unit_of_work() as uow:
                await uow.conversations.retire(PLATFORM, chat, message_id)
                await uow.commit()
