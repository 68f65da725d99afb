"""Order buttons, the dialogs they open, and /orders: every decision is core's, this only translates."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bots import parsing
from bots.routing import FILTERS, listed_orders
from bots.telegram import callbacks
from bots.telegram import dialogs
from bots.telegram.cards import card_text, keyboard, send_card
from bots.telegram.context import PLATFORM, Person, Turn, runtime, update_key
from bots.telegram.files import attachments, send_attachments
from bots.telegram.messages import send_text, with_entities
from bots.telegram.topics import thread_of
from core.buttons import ButtonData
from core.card import order_card
from core.events import Refusal
from core.i18n import N_
from core.model import Action
from core.press import Ask, Done, Refused
from core.table import Needs

PAGE = 5
ALERT = 200  # the longest text a button's alert shows


async def on_order_button(update: Update, context: Turn) -> None:
    """A button of an order card: core's press asks for input (the dialog opens here), or is done, or refused."""
    query = update.callback_query
    who = context.person
    rt = runtime(context)
    answer = await rt.press(who, query.data, seen=(PLATFORM, update_key(update)))
    if answer is None:  # Telegram delivered this press twice: the first delivery answered it
        return
    if isinstance(answer, Ask):
        pressed = answer.button
        dialog = dialogs.start(pressed.order_id, pressed.action, pressed.version, answer.needs, answer.currency)
        await dialogs.save(rt, who, dialog)
        await query.answer()
        text, markup = dialogs.prompt(dialog, who.lang)
        await context.bot.send_message(who.chat_id, text, reply_markup=markup,
                                       message_thread_id=await thread_of(context.bot, rt, who.chat_id,
                                                                         pressed.order_id))
        return
    if isinstance(answer, Refused) and answer.card is None:  # a forged button, or not their order: no card
        await query.answer(answer.refusal.render(who.lang), show_alert=True)
        return
    await answer_result(update, context, who, answer)


async def answer_result(update: Update, context: Turn, who: Person,
                        answer: Done | Refused) -> None:
    """Done: the pressed card becomes the new card. Refused: the reason, and the current card."""
    rt = runtime(context)
    query = update.callback_query
    if isinstance(answer, Refused):
        reason = answer.refusal.render(who.lang)
        if query and len(reason) <= ALERT:
            await query.answer(reason, show_alert=True)
        else:  # longer than an alert can hold: said in the chat, whole
            if query:
                await query.answer()
            await send_text(context.bot, who.chat_id, reason)
    elif query:
        await query.answer(who.t(N_("Done.")))
    card = answer.card
    if card is None:
        return
    if query and query.message:
        text, entities = with_entities(card_text(card, who, rt.clock.now()))
        try:
            await query.edit_message_text(text, entities=entities, reply_markup=keyboard(card, who.lang))
            return
        except BadRequest:
            pass  # the same text (nothing moved), or a message too old to edit: send a fresh card
    await send_card(context.bot, rt, who, card)


async def finish(update: Update, context: Turn, who: Person, dialog: dict) -> None:
    rt = runtime(context)
    await dialogs.save(rt, who, None)
    answer = await rt.press(who, ButtonData(dialog["order"], Action(dialog["action"]), dialog["version"]),
                            dialogs.payload(dialog))
    if isinstance(answer, Refused):
        await context.bot.send_message(who.chat_id, answer.refusal.render(who.lang),
                                       message_thread_id=await thread_of(context.bot, rt, who.chat_id,
                                                                         dialog["order"]))
    if answer.card is not None:
        notice = who.t(N_("Done.")) if isinstance(answer, Done) else ""
        await send_card(context.bot, rt, who, answer.card, notice)


async def on_dialog_button(update: Update, context: Turn) -> None:
    """Cancel, Skip, Done, 👍/👎: the buttons of an open dialog."""
    query = update.callback_query
    who = context.person
    rt = runtime(context)
    choice = callbacks.dialog_choice(query.data)
    dialog = await dialogs.current(rt, who)
    if dialog is None or dialog.get("kind") != "act":
        await query.answer(who.t(N_("Nothing to answer here any more.")))
        return
    if choice == "cancel":
        await dialogs.save(rt, who, None)
        await query.answer(who.t(N_("Cancelled: nothing was changed.")))
        await query.edit_message_text(who.t(N_("Cancelled: nothing was changed.")))
        return
    dialog, finished = dialogs.take_button(dialog, choice)
    await query.answer()
    if finished:
        await finish(update, context, who, dialog)
        return
    await dialogs.save(rt, who, dialog)
    text, markup = dialogs.prompt(dialog, who.lang)
    await context.bot.send_message(who.chat_id, text, reply_markup=markup,
                                   message_thread_id=await thread_of(context.bot, rt, who.chat_id, dialog["order"]))


async def on_dialog_message(update: Update, context: Turn, who: Person, dialog: dict) -> None:
    rt = runtime(context)
    dialog, problem, finished = dialogs.take_message(dialog, update.effective_message, rt.config.settings.max_text)
    if problem:
        await update.effective_message.reply_text(who.t(problem, length=len(update.effective_message.text or ""),
                                                        limit=rt.config.settings.max_text))
        return
    if finished:
        await finish(update, context, who, dialog)
        return
    await dialogs.save(rt, who, dialog)
    if dialog["step"] != "main" or Needs(dialog["needs"]) not in (Needs.BRIEF, Needs.DELIVERY):
        text, markup = dialogs.prompt(dialog, who.lang)
        await context.bot.send_message(who.chat_id, text, reply_markup=markup,
                                       message_thread_id=await thread_of(context.bot, rt, who.chat_id,
                                                                         dialog["order"]))
    else:
        await update.effective_message.reply_text(who.t(N_("Got it. Send more, or press Done.")),
                                                  reply_markup=InlineKeyboardMarkup(
                                                      [[dialogs.button(who.lang, N_("Done"), callbacks.DONE)],
                                                       [dialogs.button(who.lang, N_("Cancel"), callbacks.CANCEL)]]))


async def show_orders(update: Update, context: Turn) -> None:
    """/orders, or a filter/page button: this person's orders, a page at a time."""
    who = context.person
    query = update.callback_query
    which, page = "act", 0
    if query:  # x:orders:<filter>:<page>
        which, page = parsing.orders_page(query.data, FILTERS)
        await query.answer()
    rt = runtime(context)
    now = rt.clock.now()
    found = await listed_orders(rt, who, which)
    shown = found[page * PAGE:(page + 1) * PAGE]
    lines = [who.t(N_("Your orders — {filter} ({count})"), filter=who.t(FILTERS[which]), count=len(found))]
    for order in shown:
        card = order_card(order, who.viewer, now, rt.config.settings)
        lines.append(f"#{order.id} — {order.title} — {card.next_step.render(who.lang)}")
    if not shown:
        lines.append(who.t(N_("Nothing here.")))
    rows = [[InlineKeyboardButton(f"#{o.id} {o.title}"[:60], callback_data=callbacks.card(o.id))] for o in shown]
    rows.append([InlineKeyboardButton(("• " if key == which else "") + who.t(label), callback_data=callbacks.orders(key, 0))
                 for key, label in FILTERS.items()])
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton("◀", callback_data=callbacks.orders(which, page - 1)))
    if (page + 1) * PAGE < len(found):
        nav.append(InlineKeyboardButton("▶", callback_data=callbacks.orders(which, page + 1)))
    if nav:
        rows.append(nav)
    text, markup = "\n".join(lines), InlineKeyboardMarkup(rows)
    if query and query.message:
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest:
            pass
    await context.bot.send_message(who.chat_id, text, reply_markup=markup)


async def order_command(update: Update, context: Turn) -> None:
    """/order <number>: that order's card (as /orders shows it), or how to ask for one."""
    who = context.person
    if len(context.args or []) != 1:
        await context.bot.send_message(who.chat_id, who.t(
            N_("Usage: /order <number>, for example /order 5ZE48TKF. Your orders are listed by /orders.")))
        return
    await show_card(update, context, context.args[0].strip().lstrip("#")[:20])


async def show_card(update: Update, context: Turn, order_id: str | None = None) -> None:
    """An order's card, freshly drawn (a /orders entry, an order deep link)."""
    who = context.person
    if update.callback_query:
        order_id = callbacks.value(update.callback_query.data, callbacks.CARD)
        await update.callback_query.answer()
    rt = runtime(context)
    card = await rt.service.card(order_id or "", who.viewer)
    if isinstance(card, Refusal):
        await context.bot.send_message(who.chat_id, card.render(who.lang))
        return
    await send_card(context.bot, rt, who, card)



async def show_more(update: Update, context: Turn) -> None:
    """"More…" under a card: the same card with its rarely needed buttons too."""
    query = update.callback_query
    who = context.person
    card = await runtime(context).service.card(callbacks.value(query.data, callbacks.MORE), who.viewer)
    if isinstance(card, Refusal):
        await query.answer(card.render(who.lang)[:200], show_alert=True)
        return
    await query.answer()
    try:
        await query.edit_message_reply_markup(keyboard(card, who.lang, expanded=True))
    except BadRequest:
        pass  # already shown, or the message is too old to edit: its buttons stay as they are


async def show_brief(update: Update, context: Turn) -> None:
    """"Show the brief": the whole brief and its files, to either party or a moderator, at any stage."""
    query = update.callback_query
    who = context.person
    rt = runtime(context)
    brief = await rt.service.brief(callbacks.value(query.data, callbacks.BRIEF), who.viewer)
    if isinstance(brief, Refusal):
        await query.answer(brief.render(who.lang)[:200], show_alert=True)
        return
    await query.answer()
    files = await attachments(rt.files, brief.files)
    heading = who.t(N_("The brief of order #{order} “{title}”:"), order=brief.order_id, title=brief.title)
    text = brief.text or who.t(N_("(no text: only files)"))
    sent = await send_text(context.bot, who.chat_id, [heading + "\n" + text])
    await send_attachments(context.bot, who.chat_id, files, sent.message_id, who.lang)
