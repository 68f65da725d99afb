"""Moderators on Telegram: /disputes, /evidence, /suspend, /unsuspend, /audit and /flagged.

Deciding a dispute is not here: the order card's moderator buttons (core's actions) and their
dialogs do that, exactly as for buyers and sellers. This module finds the disputes and the facts.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bots import evidence, moderation, parsing
from bots.render import zone
from bots.telegram import callbacks
from bots.telegram.context import PLATFORM, Person, Turn, runtime
from bots.telegram.messages import send_text, show_text
from core import sanctions
from core.i18n import N_
from core.service import NO_ORDER
from core.people import Account

ORDER_ID = re.compile(r"#?([A-Za-z0-9_-]{1,20})")


async def moderator(update: Update, context: Turn) -> Person | None:
    """Whoever sent this update, if core says they may moderate; anyone else is told so and gets None."""
    who = context.person
    refusal = sanctions.moderation_refusal(who.viewer)
    if refusal is None:
        return who
    if update.callback_query:
        await update.callback_query.answer(refusal.render(who.lang), show_alert=True)
    else:
        await context.bot.send_message(who.chat_id, refusal.render(who.lang))
    return None


async def show_disputes(update: Update, context: Turn) -> None:
    """/disputes, or a page button: the queue, each dispute with its card and its evidence a press away."""
    who = await moderator(update, context)
    if who is None:
        return
    query = update.callback_query
    page = 0
    if query:  # x:disputes:<page>
        page = parsing.page_of(query.data, callbacks.DISPUTES)
        await query.answer()
    rt = runtime(context)
    queue = await moderation.dispute_queue(rt.moderation, page)
    text = moderation.queue_text(queue, who.lang, zone(who.account.timezone), rt.clock.now())
    rows = [[InlineKeyboardButton(f"#{o.id} {o.title}"[:40], callback_data=callbacks.card(o.id)),
             InlineKeyboardButton(who.t(N_("Evidence")), callback_data=callbacks.evidence(o.id))] for o in queue.orders]
    nav = []
    if queue.page > 0:
        nav.append(InlineKeyboardButton("◀", callback_data=callbacks.disputes(queue.page - 1)))
    if queue.page + 1 < queue.pages:
        nav.append(InlineKeyboardButton("▶", callback_data=callbacks.disputes(queue.page + 1)))
    if nav:
        rows.append(nav)
    markup = InlineKeyboardMarkup(rows) if rows else None
    await show_text(query, context.bot, who.chat_id, text, markup)


async def send_evidence(update: Update, context: Turn) -> None:
    """/evidence <order id>, or a queue's Evidence button: the bundle as a text file."""
    who = await moderator(update, context)
    if who is None:
        return
    query = update.callback_query
    if query:
        typed = callbacks.value(query.data, callbacks.EVIDENCE)
        await query.answer()
    else:
        typed = context.args[0] if context.args else ""
    found = ORDER_ID.fullmatch(typed)
    if found is None:
        await context.bot.send_message(who.chat_id, who.t(N_("Usage: /evidence <order id>")))
        return
    rt = runtime(context)
    order_id = found.group(1)
    text = await moderation.evidence(rt.moderation, order_id, who.lang, zone(who.account.timezone), rt.clock.now())
    if text is None:
        await context.bot.send_message(who.chat_id, who.t(NO_ORDER))
        return
    await context.bot.send_document(who.chat_id, text.encode("utf-8"), filename=evidence.filename(order_id),
                                    caption=who.t(N_("Evidence for order #{order}"), order=order_id))


async def suspend(update: Update, context: Turn) -> None:
    """/suspend <Telegram user id or @username> <reason>: no new orders, offers hidden, running orders go on."""
    await _sanction(update, context, True, N_("Usage: /suspend <Telegram user id or @username> <reason>"),
                    N_("Suspended: {name}. They can take no new orders and their offers are hidden; "
                       "their running orders go on."))


async def unsuspend(update: Update, context: Turn) -> None:
    """/unsuspend <Telegram user id or @username> <reason>."""
    await _sanction(update, context, False, N_("Usage: /unsuspend <Telegram user id or @username> <reason>"),
                    N_("Suspension lifted: {name} can take orders again."))


async def _sanction(update: Update, context: Turn, suspended: bool, usage: str,
                    done: str) -> None:
    who = await moderator(update, context)
    if who is None:
        return
    parsed = parsing.sanction_args(context.args or [])
    if parsed is None:
        await context.bot.send_message(who.chat_id, who.t(usage))
        return
    typed, reason = parsed
    rt = runtime(context)
    target = await _account_of(rt, typed)
    if target is None:
        await context.bot.send_message(who.chat_id, who.t(
            N_("I don't know {who} on Telegram: they must have written to this bot at least once."),
            who=typed[:64]))
        return
    refusal = await rt.moderation.suspend(who, target, suspended, reason)
    if refusal is not None:
        await context.bot.send_message(who.chat_id, refusal.render(who.lang))
        return
    await context.bot.send_message(who.chat_id, who.t(done, name=target.display_name or typed))


async def _account_of(rt, typed: str) -> Account | None:
    """A Telegram user id (digits) or @username, as this bot has seen them."""
    if parsing.is_user_id(typed):
        return await rt.people.by_identity(PLATFORM, typed)
    return await rt.people.by_username(PLATFORM, typed)


async def show_audit(update: Update, context: Turn) -> None:
    """/audit [N]: the last N sanctions and dispute decisions, newest first."""
    who = await moderator(update, context)
    if who is None:
        return
    limit = moderation.audit_limit(context.args or [])
    if limit is None:
        await context.bot.send_message(who.chat_id, who.t(N_("Usage: /audit [number of lines, up to {limit}]"),
                                                          limit=moderation.AUDIT_MAX))
        return
    rt = runtime(context)
    text = await moderation.audit_text(rt.moderation, limit, who.lang, zone(who.account.timezone))
    await send_text(context.bot, who.chat_id, text)


async def show_flagged(update: Update, context: Turn) -> None:
    """/flagged [N]: the last N chat messages that hid contact details, newest first, and why."""
    who = await moderator(update, context)
    if who is None:
        return
    limit = moderation.audit_limit(context.args or [])
    if limit is None:
        await context.bot.send_message(who.chat_id, who.t(N_("Usage: /flagged [number of messages, up to {limit}]"),
                                                          limit=moderation.AUDIT_MAX))
        return
    rt = runtime(context)
    text = await moderation.flagged_text(rt.moderation, limit, who.lang, zone(who.account.timezone))
    await send_text(context.bot, who.chat_id, text)
