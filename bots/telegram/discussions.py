"""Talking before an order: a visitor's question, the seller's answer, and the custom offer sent from it.

Messages travel through the outbox like every notice (so a seller on another platform hears too);
this module only collects what people type. Button data: "d:<verb>:<offer, discussion id or step>".
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bots.parsing import parse_amount, parse_days
from bots.telegram.context import Person, Turn, runtime
from bots.telegram.dialogs import current, save
from core.events import Refusal
from core.i18n import N_, Money, Text
from core.offers import check_days, check_description, check_price, check_title

STALE = N_("Nothing to answer here any more.")
CUSTOM_STEPS = ("title", "price", "days", "description")
CUSTOM_ASK = {
    "title": N_("Custom offer 1/4 — its title?"),
    "price": N_("Custom offer 2/4 — its price, in {currency}?"),
    "days": N_("Custom offer 3/4 — delivered in how many days?"),
    "description": N_("Custom offer 4/4 — what exactly is included? Sending this sends the offer to the buyer."),
}


def _cancel_row(who: Person, back_step: str | None = None) -> list[InlineKeyboardButton]:
    row = [InlineKeyboardButton(who.t(N_("Back")), callback_data=f"d:back:{back_step}")] if back_step else []
    return row + [InlineKeyboardButton(who.t(N_("Cancel")), callback_data="d:cancel:")]


async def on_button(update: Update, context: Turn) -> None:
    query = update.callback_query
    who = context.person
    rt = runtime(context)
    _, verb, target = (query.data.split(":", 2) + ["", ""])[:3]
    if verb in ("cancel", "back"):
        await _dialog_button(update, context, who, verb, target)
        return
    if verb == "ask":
        dialog, ask = {"kind": "question", "offer": target}, N_("Write your question to the seller, in one message.")
    else:  # reply, custom: only the discussion's two parties (core checks the seller again on sending)
        offer = await rt.storefront.discussed_offer(target, who.viewer)
        if isinstance(offer, Refusal):
            await query.answer(offer.render(who.lang)[:200], show_alert=True)
            return
        if verb == "reply":
            dialog, ask = {"kind": "question", "discussion": target}, N_("Write your answer, in one message.")
        else:
            dialog = {"kind": "custom", "discussion": target, "currency": offer.currency, "step": "title", "draft": {}}
            ask = CUSTOM_ASK["title"]
    await query.answer()
    await save(rt, who, dialog)
    await context.bot.send_message(who.chat_id, who.t(ask), reply_markup=InlineKeyboardMarkup([_cancel_row(who)]))


async def _dialog_button(update: Update, context: Turn, who: Person, verb: str,
                         step: str) -> None:
    rt, query = runtime(context), update.callback_query
    dialog = await current(rt, who)
    if dialog is None or dialog.get("kind") not in ("question", "custom"):
        await query.answer(who.t(STALE))
        return
    await query.answer()
    if verb == "cancel":
        await save(rt, who, None)
        await context.bot.send_message(who.chat_id, who.t(N_("Cancelled: nothing was sent.")))
        return
    if dialog["kind"] == "custom" and dialog["step"] == step and step in CUSTOM_STEPS[1:]:
        dialog["step"] = CUSTOM_STEPS[CUSTOM_STEPS.index(step) - 1]
        await save(rt, who, dialog)
        await _custom_prompt(context, who, dialog)


async def on_question(update: Update, context: Turn, who: Person, dialog: dict) -> None:
    """The question (to a seller) or the answer (to the other party), relayed through core."""
    rt, message = runtime(context), update.effective_message
    text = message.text or message.caption or ""
    if "offer" in dialog:
        result = await rt.storefront.ask(dialog["offer"], who.viewer, text)
    else:
        result = await rt.storefront.say(dialog["discussion"], who.viewer, text)
    if isinstance(result, Refusal):
        await message.reply_text(result.render(who.lang))
        return
    await save(rt, who, None)
    await message.reply_text(who.t(N_("Sent. The answer will come here.")))


async def _custom_prompt(context: Turn, who: Person, dialog: dict, problem: str = "") -> None:
    step = dialog["step"]
    text = who.t(CUSTOM_ASK[step], currency=dialog["currency"])
    back = step if step != CUSTOM_STEPS[0] else None  # Back names the step it leaves, so an old one does nothing
    await context.bot.send_message(who.chat_id, f"{problem}\n\n{text}" if problem else text,
                                   reply_markup=InlineKeyboardMarkup([_cancel_row(who, back)]))


def _take(step: str, text: str, currency: str) -> tuple[object, Text | None]:
    if step == "title":
        return text, check_title(text)
    if step == "price":
        amount = parse_amount(text, currency)
        return amount, check_price(amount)
    if step == "days":
        days = parse_days(text)
        return days, check_days(days)
    return text, check_description(text)


async def on_custom_step(update: Update, context: Turn, who: Person, dialog: dict) -> None:
    """The seller's answer to one step of a custom offer; after the last, core makes and sends it."""
    rt, message = runtime(context), update.effective_message
    step = dialog["step"]
    value, problem = _take(step, (message.text or message.caption or "").strip(), dialog["currency"])
    if problem is not None:
        await message.reply_text(problem.render(who.lang))
        return
    dialog["draft"][step] = value
    if step != CUSTOM_STEPS[-1]:
        dialog["step"] = CUSTOM_STEPS[CUSTOM_STEPS.index(step) + 1]
        await save(rt, who, dialog)
        await _custom_prompt(context, who, dialog)
        return
    draft = dialog["draft"]
    custom = await rt.storefront.send_custom_offer(dialog["discussion"], who.viewer, title=draft["title"],
                                                   description=draft["description"], price=draft["price"],
                                                   delivery_days=draft["days"])
    if isinstance(custom, Refusal):
        await message.reply_text(custom.render(who.lang))
        return
    await save(rt, who, None)
    await message.reply_text(who.t(N_("Sent: the buyer can now pay “{title}” ({price})."),
                                   title=custom.title, price=Money(custom.price, custom.currency).render(who.lang)))
