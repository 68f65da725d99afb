"""The chat relay: a person's messages and files go to the other party of the right order, never another.

Which order? The one whose message they reply to; else their only order with an open chat; else
they pick. During the delivery window the relay refuses with the reason, the date and the buttons
that reopen the chat.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bots.render import zone
from bots.telegram import callbacks
from bots.telegram import dialogs
from bots.telegram.context import PLATFORM, Person, Turn, runtime
from bots.telegram.orders import on_dialog_message
from core import labels
from core.card import when
from core.i18n import N_
from core.model import Order
from core.routing import Blocked, Pick, Relayed, Unsendable


async def on_message(update: Update, context: Turn) -> None:
    """Any text, document or photo that is not a command: a dialog's answer, or a chat message."""
    who = context.person
    if update.effective_chat.type != "private":
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
    replied = message.reply_to_message
    thread = topic_of(message)
    routed = await rt.route(who.viewer, text, PLATFORM, tuple(files), source_of(message), check_first=True,
                            reply_to=(str(who.chat_id), str(replied.message_id)) if replied is not None else None,
                            topic=(str(who.chat_id), str(thread)) if thread is not None else None)
    if isinstance(routed, Unsendable):  # no order to write about, or said before "which order?": none could take it
        await message.reply_text(routed.reason.render(who.lang))
        return
    if isinstance(routed, Pick):
        await dialogs.save(rt, who, {"kind": "route", "text": text, "files": files, "source": source_of(message)})
        buttons = [[InlineKeyboardButton(picker_label(o, who, routed.names), callback_data=callbacks.route(o.id))]
                   for o in routed.orders[:10]]
        buttons.append([InlineKeyboardButton(who.t(N_("Cancel")), callback_data=callbacks.CANCEL)])
        await message.reply_text(who.t(N_("Which order is this message about?")),
                                 reply_markup=InlineKeyboardMarkup(buttons))
        return
    await answer(update, context, who, routed)


def topic_of(message: Message | None) -> int | None:
    """The topic of the private chat a message was written in (an order's, Bot API 9.3), if any."""
    return message.message_thread_id if message is not None and message.is_topic_message else None


def source_of(message: Message) -> str:
    """A Telegram message as a chat message's source: its ids count within their chat."""
    return f"{message.chat_id}:{message.message_id}"


async def on_edit(update: Update, context: Turn) -> None:
    """A message edited in the private chat: if it was sent to an order's chat, the edit is kept beside it,
    masked, flagged, and relayed as an edit (core decides); any other edit changes nothing, and says so."""
    who = context.person
    message = update.edited_message
    if message is None:
        return
    rt = runtime(context)
    edited = await rt.service.edit(PLATFORM, source_of(message), who.viewer, message.text or message.caption or "")
    thread = topic_of(message)  # the answer goes where the edited message is
    if edited is None:
        await context.bot.send_message(who.chat_id, who.t(N_(
            "Edits are not taken into account here: send the new text as a new message.")), message_thread_id=thread)
        return
    kept, refusal = edited
    if refusal is not None:
        await context.bot.send_message(who.chat_id, who.t(N_(
            "Your edit is kept with the order but was not relayed: {reason}"), reason=refusal.reason.render(who.lang)),
            message_thread_id=thread)
        return
    note = who.t(N_("Edit sent to order #{order}."), order=kept.order_id)
    if kept.flagged:
        note += " " + who.t(N_("Contact details were hidden: sharing them is against the marketplace rules."))
    await context.bot.send_message(who.chat_id, note, message_thread_id=thread)


def picker_label(order: Order, who: Person, names: dict[str, str]) -> str:
    """An order as its party tells it from the others: its number and title, with whom, since when."""
    other = order.seller if order.buyer == who.account.id else order.buyer
    day = order.paid_at.astimezone(zone(who.account.timezone)).strftime("%d/%m" if who.lang == "fr" else "%m-%d")
    return who.t(N_("#{order} {title} · {name} · {date}"), order=order.id, title=order.title[:30],
                 name=names.get(other, "?")[:20], date=day)


async def answer(update: Update, context: Turn, who: Person,
                 routed: Relayed | Blocked) -> None:
    """Sent, with a word when contact details were hidden; or not sent: why, until when, and the buttons that
    reopen the chat."""
    rt = runtime(context)
    thread = topic_of(update.effective_message)  # the answer goes where the message was written
    if isinstance(routed, Blocked):
        await context.bot.send_message(who.chat_id, blocked_text(rt, who, routed),
                                       reply_markup=unblock_buttons(routed, who), message_thread_id=thread)
        return
    note = who.t(N_("Sent to order #{order}."), order=routed.message.order_id)
    if routed.message.flagged:
        note += " " + who.t(N_("Contact details were hidden: sharing them is against the marketplace rules."))
    await context.bot.send_message(who.chat_id, note, message_thread_id=thread)


def blocked_text(rt, who: Person, blocked: Blocked) -> str:
    text = who.t(N_("Not sent (order #{order}): {reason}"), order=blocked.order_id,
                 reason=blocked.refusal.reason.render(who.lang))
    if blocked.until:
        text += "\n" + who.t(N_("Until: {date}"), date=when(blocked.until, rt.clock.now(), zone(who.account.timezone),
                                                             who.lang))
    return text


def unblock_buttons(blocked: Blocked, who: Person) -> InlineKeyboardMarkup | None:
    """The buttons that reopen the chat (complete, request a revision), straight on the refusal."""
    if not blocked.reopen:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(who.t(labels.ACTION[b.action]), callback_data=b.encode())]
                                 for b in blocked.reopen])


async def on_route(update: Update, context: Turn) -> None:
    """The person picked which order their held message is about."""
    query = update.callback_query
    who = context.person
    rt = runtime(context)
    dialog = await dialogs.current(rt, who)
    await query.answer()
    if dialog is None or dialog.get("kind") != "route":
        await query.edit_message_text(who.t(N_("Nothing to answer here any more.")))
        return
    await dialogs.save(rt, who, None)
    order_id = callbacks.value(query.data, callbacks.ROUTE)
    await query.edit_message_text(who.t(N_("Order #{order}:"), order=order_id))
    await answer(update, context, who, await rt.route(who.viewer, dialog["text"], PLATFORM, tuple(dialog["files"]),
                                                      dialog.get("source"), order_id=order_id))
