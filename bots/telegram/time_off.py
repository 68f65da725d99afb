"""/away: a seller's time off and limit of orders in progress; a visitor's [Tell me when it reopens]."""

from __future__ import annotations

from telegram import Update

from bots import parsing, time_off
from bots.telegram import callbacks
from bots.telegram.context import Turn, runtime
from core.i18n import N_

USAGE = N_("Time off and capacity:\n"
           "/away 2026-12-24 2027-01-02 Back in January — away from the first day to the last (your time zone), "
           "with a message for visitors\n"
           "/away off — back early\n"
           "/away max 3 — at most 3 orders in progress at once (/away max off: no limit)\n"
           "While you are away or at your limit, your offers take no new order; orders already running go on.")


async def away(update: Update, context: Turn) -> None:
    """/away [first last message | off | max n]: sets it, then says what is set now."""
    who = context.person
    asked = parsing.away_args(context.args or [])
    rt = runtime(context)
    if asked[0] == "help":
        text = who.t(USAGE)
    elif asked[0] == "away":
        text = await time_off.answer(rt, who, away=(asked[1], asked[2], asked[3]))
    elif asked[0] == "back":
        text = await time_off.answer(rt, who, back=True)
    elif asked[0] == "limit":
        text = await time_off.answer(rt, who, limit=asked[1])
    else:
        text = await time_off.answer(rt, who) + "\n\n" + who.t(USAGE)
    await context.bot.send_message(who.chat_id, text)


async def on_watch(update: Update, context: Turn) -> None:
    """[Tell me when it reopens] under a paused offer."""
    who = context.person
    offer_id = callbacks.value(update.callback_query.data, callbacks.WATCH)
    text = await time_off.watch(runtime(context), who, offer_id)
    await update.callback_query.answer()
    await context.bot.send_message(who.chat_id, text)
