"""Per-person limits on Telegram (bots.limits): checked before any other handler, once an update is known to be new
and from a private chat, so that what goes over a limit costs nothing but this check.

A chat message (text, a file, a photo, an edit) counts against `limits.messages`; a button or a command against
`limits.presses`. A payment is never refused here (its pre-checkout and its receipt are the provider's).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bots.limits import MESSAGES, PRESSES, TOO_FAST, check
from bots.telegram.context import PLATFORM, Turn, runtime
from core.i18n import language, translate


def kind_of(update: Update) -> str | None:
    """Which limit this update counts against, if any."""
    if update.callback_query is not None:
        return PRESSES
    message = update.message or update.edited_message
    if message is None or message.successful_payment is not None:
        return None
    if message.text and message.text.startswith("/") and update.message is not None:
        return PRESSES
    if message.text or message.caption or message.document or message.photo:
        return MESSAGES
    return None


async def within_limits(update: Update, context: Turn) -> None:
    """Lets the update through, or stops it; the person hears of it once per wait, with how long to wait."""
    kind = kind_of(update)
    user = update.effective_user
    if kind is None or user is None:
        return
    verdict = check(runtime(context), kind, PLATFORM, user.id)
    if verdict.allowed:
        return
    text = translate(TOO_FAST[kind], language(user.language_code)).format(seconds=verdict.wait)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)  # a press always gets an answer
    elif verdict.tell:
        await context.bot.send_message(user.id, text)
    raise ApplicationHandlerStop
