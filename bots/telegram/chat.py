"""The chat relay: a person's messages and files go to the other party of the right order, never another.

Which order? The one whose message they reply to; else their only order with an open chat; else
they pick. During the delivery window the relay refuses with the reason, the date and the buttons
that reopen the chat.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bots.render import zone
from bots.routing import chattable_orders
from bots.telegram import dialogs
from bots.telegram.context import PLATFORM, Person, person, runtime
from bots.telegram.orders import on_dialog_message
from core import labels
from core.buttons import ButtonData
from core.card import when
from core.chat import check_message, may_send
from core.events import Refusal
from core.i18n import N_
from core.model import Order



async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text, document or photo that is not a command: a dialog's answer, or a chat message."""
    who = await person(update, context)
    if who is None or update.effective_chat.type != "private":
        return
    rt = runtime(context)
    dialog = await dialogs.current(rt, who)
    if dialog is not None and dialog.get("kind") == "act":
        await on_dialog_message(update, context, who, dialog)
        return
    handler = context.application.bot_data.get("dialogs", {}).get(dialog.get("kind")) if dialog else None
    if handler is not None:  # another module's dialog (offers, checkout)
        await handler(update, context, who, dialog)
        return
    message = update.effective_message
    text = message.text or message.caption or ""
    files = dialogs.files_of(message)
    problem = check_message(text, tuple(files), rt.config.settings)
    if problem is not None:  # said before "which order?": it could not be sent to any
        await message.reply_text(problem.render(who.lang))
        return
    order_id = None
    if message.reply_to_message is not None:
        async with rt.store.unit_of_work() as uow:
            order_id = await uow.conversations.order_of_message(PLATFORM, str(who.chat_id),
                                                                str(message.reply_to_message.message_id))
    if order_id is None:
        candidates = await chattable_orders(rt, who)
        if not candidates:
            await message.reply_text(who.t(N_("You have no order to write about. Your orders: /orders")))
            return
        if len(candidates) > 1:
            await dialogs.save(rt, who, {"kind": "route", "text": text, "files": files, "source": source_of(message)})
            names = await rt.service.names({party for o in candidates for party in (o.buyer, o.seller)})
            buttons = [[InlineKeyboardButton(picker_label(o, who, names), callback_data=f"x:to:{o.id}")]
                       for o in candidates[:10]]
            buttons.append([InlineKeyboardButton(who.t(N_("Cancel")), callback_data="x:cancel")])
            await message.reply_text(who.t(N_("Which order is this message about?")),
                                     reply_markup=InlineKeyboardMarkup(buttons))
            return
        order_id = candidates[0].id
    await say(update, context, who, order_id, text, files, source_of(message))


def source_of(message: Message) -> str:
    """A Telegram message as a chat message's source: its ids count within their chat."""
    return f"{message.chat_id}:{message.message_id}"


async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message edited in the private chat: if it was sent to an order's chat, the edit is kept beside it,
    masked, flagged, and relayed as an edit (core decides); any other edit changes nothing, and says so."""
    who = await person(update, context)
    message = update.edited_message
    if who is None or message is None:
        return
    rt = runtime(context)
    edited = await rt.service.edit(PLATFORM, source_of(message), who.viewer, message.text or message.caption or "")
    if edited is None:
        await context.bot.send_message(who.chat_id, who.t(N_(
            "Edits are not taken into account here: send the new text as a new message.")))
        return
    kept, refusal = edited
    if refusal is not None:
        await context.bot.send_message(who.chat_id, who.t(N_(
            "Your edit is kept with the order but was not relayed: {reason}"), reason=refusal.reason.render(who.lang)))
        return
    note = who.t(N_("Edit sent to order #{order}."), order=kept.order_id)
    if kept.flagged:
        note += " " + who.t(N_("Contact details were hidden: sharing them is against the marketplace rules."))
    await context.bot.send_message(who.chat_id, note)


def picker_label(order: Order, who: Person, names: dict[str, str]) -> str:
    """An order as its party tells it from the others: its number and title, with whom, since when."""
    other = order.seller if order.buyer == who.account.id else order.buyer
    day = order.paid_at.astimezone(zone(who.account.timezone)).strftime("%d/%m" if who.lang == "fr" else "%m-%d")
    return who.t(N_("#{order} {title} · {name} · {date}"), order=order.id, title=order.title[:30],
                 name=names.get(other, "?")[:20], date=day)


async def say(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Person, order_id: str, text: str,
              files: list[str], source: str | None = None) -> None:
    rt = runtime(context)
    result = await rt.service.say(order_id, who.viewer, text, PLATFORM, tuple(files), source=source)
    if isinstance(result, Refusal):
        await context.bot.send_message(who.chat_id, blocked_text(rt, who, order_id, result),
                                       reply_markup=unblock_buttons(result, who, order_id))
        return
    note = who.t(N_("Sent to order #{order}."), order=order_id)
    if result.flagged:
        note += " " + who.t(N_("Contact details were hidden: sharing them is against the marketplace rules."))
    await context.bot.send_message(who.chat_id, note)


def blocked_text(rt, who: Person, order_id: str, refusal: Refusal) -> str:
    text = who.t(N_("Not sent (order #{order}): {reason}"), order=order_id, reason=refusal.reason.render(who.lang))
    order = refusal.order
    if order is not None:
        decision = may_send(order, who.viewer, rt.clock.now(), rt.config.settings)
        if decision.until and not decision.allowed:
            text += "\n" + who.t(N_("Until: {date}"), date=when(decision.until, rt.clock.now(),
                                                                 zone(who.account.timezone), who.lang))
    return text


def unblock_buttons(refusal: Refusal, who: Person, order_id: str) -> InlineKeyboardMarkup | None:
    """The buttons that reopen the chat (complete, request a revision), straight on the refusal."""
    order = refusal.order
    if order is None or not refusal.allowed:
        return None
    rows = [[InlineKeyboardButton(who.t(labels.ACTION[a]), callback_data=ButtonData(order.id, a, order.version).encode())]
            for a in refusal.allowed]
    return InlineKeyboardMarkup(rows)


async def on_route(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The person picked which order their held message is about."""
    query = update.callback_query
    who = await person(update, context)
    if who is None:
        return
    rt = runtime(context)
    dialog = await dialogs.current(rt, who)
    await query.answer()
    if dialog is None or dialog.get("kind") != "route":
        await query.edit_message_text(who.t(N_("Nothing to answer here any more.")))
        return
    await dialogs.save(rt, who, None)
    order_id = query.data.removeprefix("x:to:")
    await query.edit_message_text(who.t(N_("Order #{order}:"), order=order_id))
    await say(update, context, who, order_id, dialog["text"], dialog["files"], dialog.get("source"))
