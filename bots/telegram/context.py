"""Who is talking and in which language: the Telegram user behind an update, as a Comptoir account."""

from __future__ import annotations

from telegram import Update, User
from telegram.ext import ApplicationHandlerStop, CallbackContext, ContextTypes

from core.people import Authority, Person
from bots.runtime import Runtime
from core.i18n import language

PLATFORM = "telegram"
#: the only thing that makes someone a moderator on Telegram: their user id in this config list
LISTED = "telegram.moderators"


class Turn(CallbackContext):
    """The context of one update, shared by every handler group: its person, resolved once before any handler
    (`identify`), or None while not yet resolved."""

    person: Person | None = None


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.application.bot_data["runtime"]


async def person(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Person | None:
    """The account of whoever sent this update, created on first contact and kept current."""
    user: User | None = update.effective_user
    chat = update.effective_chat
    if user is None or user.is_bot:
        return None
    rt = runtime(context)
    moderator = authority(rt, user.id)
    private = chat is not None and chat.type == "private"
    chat_id = str(chat.id) if private else None
    account = await rt.people.known(PLATFORM, str(user.id), name=user.full_name or "",
                                    language=language(user.language_code), timezone=rt.config.default_timezone,
                                    chat_id=chat_id, username=user.username, moderator=moderator is not None)
    return Person(account, user.id, chat.id if chat else user.id, moderator)


async def identify(update: Update, context: Turn) -> None:
    """The handlers' pre-handler: the person behind the update, resolved once for all its handlers; an update
    with nobody behind it (a bot, a channel's post) goes no further."""
    context.person = await person(update, context)
    if context.person is None:
        raise ApplicationHandlerStop


def authority(rt: Runtime, user_id: int | str) -> Authority | None:
    """Whether this Telegram user moderates, asked of the config at every act (no flag is trusted)."""
    listed = str(user_id).isdigit() and int(user_id) in rt.config.telegram.moderators
    return Authority(PLATFORM, str(user_id), LISTED) if listed else None


def update_key(update: Update) -> str:
    """What makes an update the same one delivered again: its message, press or payment question, which a new
    Bot API server numbering its updates from the start again cannot take for an old one."""
    if update.callback_query is not None:
        return f"press:{update.callback_query.id}"
    if update.pre_checkout_query is not None:
        return f"pay:{update.pre_checkout_query.id}"
    message, chat = update.effective_message, update.effective_chat
    if message is not None and chat is not None:
        edited = message.edit_date.timestamp() if message.edit_date else 0
        return f"msg:{chat.id}:{message.message_id}:{int(edited)}"
    return f"update:{update.update_id}"
