"""The Telegram bot: one function builds the Application and registers every handler in one block."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from telegram import Bot, BotCommand, BotCommandScopeDefault, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PreCheckoutQueryHandler,
    TypeHandler,
    filters,
)

from bots.runtime import Plug, Runtime, adapters
from bots.telegram import (
    callbacks, chat, checkout, discussions, flood, moderation, offers, orders, payments, privacy, start, time_off,
    today,
)
from bots.telegram.context import PLATFORM, Turn, authority, identify, person, update_key
from bots.telegram.files import PREFIX, TelegramFiles
from bots.telegram.notifier import TelegramNotifier
from bots.telegram.pacing import Pacer
from bots.telegram.turns import TurnByTurn
from core.i18n import LANGUAGES, N_, translate

log = logging.getLogger(__name__)
#: the callback data of an order card's buttons (core.buttons)
ORDER_BUTTON = re.compile(callbacks.ORDER)

COMMANDS = [
    ("today", N_("What needs you today")),
    ("orders", N_("Your orders and what to do next")),
    ("order", N_("One order's card, by its number")),
    ("offers", N_("Your offers")),
    ("away", N_("Time off and how many orders you take at once")),
    ("lang", N_("Language")),
    ("timezone", N_("Your time zone")),
    ("link", N_("Use the same account on Discord")),
    ("cancel", N_("Stop what you are typing")),
    ("help", N_("Help")),
]


def build_application(runtime: Runtime, token: str, base_url: str | None = None,
                      base_file_url: str | None = None, pacer: Pacer | None = None) -> Application:
    builder = (Application.builder().token(token).context_types(ContextTypes(context=Turn))
               .concurrent_updates(TurnByTurn()).rate_limiter(pacer or Pacer()))
    if base_url:
        builder = builder.base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    app = builder.build()
    app.bot_data["runtime"] = runtime
    # the dialogs of other modules a written message may answer (bots.telegram.chat), by their kind
    app.bot_data["dialogs"] = {"offer": offers.on_step_message, "checkout": checkout.on_message,
                               "question": discussions.on_question, "custom": discussions.on_custom_step}
    app.bot_data["show_offer"] = offers.show_offer  # /start offer_<id>

    # before the handlers, each in a group of its own: a duplicate delivery, a group chat, a flood stop here
    app.add_handler(TypeHandler(Update, _once), group=-4)
    app.add_handler(TypeHandler(Update, privacy.private_only), group=-3)
    app.add_handler(TypeHandler(Update, flood.within_limits), group=-2)
    # then the person behind the update, once for all its handlers (context.person); nobody: it stops here
    app.add_handler(TypeHandler(Update, identify), group=-1)
    app.add_handler(CommandHandler("start", start.start))
    app.add_handler(CommandHandler("help", start.help_command))
    app.add_handler(CommandHandler("lang", start.choose_language))
    app.add_handler(CommandHandler("timezone", start.timezone))
    if "discord" in adapters(runtime.config):  # linking needs a second platform; else /link is an unknown command
        app.add_handler(CommandHandler("link", start.link))
    app.add_handler(CommandHandler("cancel", start.cancel))
    app.add_handler(CommandHandler("orders", orders.show_orders))
    app.add_handler(CommandHandler("order", orders.order_command))
    app.add_handler(CommandHandler("today", today.today))
    app.add_handler(CallbackQueryHandler(today.on_digest, pattern=callbacks.DIGEST_PATTERN))
    app.add_handler(CallbackQueryHandler(orders.on_order_button, pattern=ORDER_BUTTON))
    app.add_handler(CallbackQueryHandler(start.set_language, pattern=callbacks.pattern(callbacks.LANGUAGE)))
    app.add_handler(CallbackQueryHandler(start.confirm_link, pattern=callbacks.pattern(callbacks.LINK)))
    app.add_handler(CallbackQueryHandler(orders.show_orders, pattern=callbacks.pattern(callbacks.ORDERS)))
    app.add_handler(CallbackQueryHandler(orders.show_card, pattern=callbacks.pattern(callbacks.CARD)))
    app.add_handler(CallbackQueryHandler(orders.show_more, pattern=callbacks.pattern(callbacks.MORE)))
    app.add_handler(CallbackQueryHandler(orders.show_brief, pattern=callbacks.pattern(callbacks.BRIEF)))
    app.add_handler(CallbackQueryHandler(chat.on_route, pattern=callbacks.pattern(callbacks.ROUTE)))
    app.add_handler(CallbackQueryHandler(orders.on_dialog_button, pattern=callbacks.DIALOG))
    # moderators (core.sanctions says who may)
    app.add_handler(CommandHandler("disputes", moderation.show_disputes))
    app.add_handler(CommandHandler("evidence", moderation.send_evidence))
    app.add_handler(CommandHandler("suspend", moderation.suspend))
    app.add_handler(CommandHandler("unsuspend", moderation.unsuspend))
    app.add_handler(CommandHandler("audit", moderation.show_audit))
    app.add_handler(CommandHandler("flagged", moderation.show_flagged))
    app.add_handler(CallbackQueryHandler(moderation.show_disputes, pattern=callbacks.pattern(callbacks.DISPUTES)))
    app.add_handler(CallbackQueryHandler(moderation.send_evidence, pattern=callbacks.pattern(callbacks.EVIDENCE)))
    # sellers' offers, buyers' questions and custom offers, checkouts and payments
    app.add_handler(CommandHandler("offers", offers.show_offers))
    app.add_handler(CallbackQueryHandler(offers.on_seller_button, pattern=callbacks.SELLER))
    app.add_handler(CommandHandler("away", time_off.away))
    app.add_handler(CallbackQueryHandler(time_off.on_watch, pattern=callbacks.pattern(callbacks.WATCH)))
    app.add_handler(CallbackQueryHandler(discussions.on_button, pattern=callbacks.DISCUSSION))
    app.add_handler(CallbackQueryHandler(checkout.on_button, pattern=callbacks.CHECKOUT))
    app.add_handler(PreCheckoutQueryHandler(payments.on_precheck))
    app.add_handler(MessageHandler(filters.SUCCESSFUL_PAYMENT, payments.on_paid))
    app.add_handler(CallbackQueryHandler(payments.on_confirmation, pattern=callbacks.PAYMENT))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE, chat.on_edit))
    # after every command we know: anything else starting with "/" in a private chat is answered, not ignored
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND & filters.ChatType.PRIVATE,
                                   start.unknown_command))
    written = (filters.TEXT & ~filters.COMMAND) | filters.Document.ALL | filters.PHOTO
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & written, chat.on_message))
    app.add_handler(CallbackQueryHandler(_stale_button))
    app.add_error_handler(_on_error)
    return app


def plug(runtime: Runtime, bot: Bot) -> Plug:
    """What this adapter adds to the desk, for the composition root to register (Runtime.plug): its notifier,
    its files, whether a Telegram user moderates (the config's list), the Stars refunds and the forgetting of
    updates seen long ago, and its Today cards (pinned in each private chat)."""
    return Plug(PLATFORM, TelegramNotifier(bot, runtime), (PREFIX, TelegramFiles(bot)),
                lambda user_id: _listed(runtime, user_id),
                jobs=(payments.StarsRefunder(bot, runtime).drain, ForgetSeenUpdates(runtime)),
                today=today.TelegramToday(bot, runtime))


async def _listed(runtime: Runtime, user_id: str) -> bool:
    return authority(runtime, user_id) is not None


async def _once(update: Update, context: Turn) -> None:
    """Telegram may deliver an update twice; the second delivery stops here. A press of an order's button is
    remembered by core's press instead, in the very transaction that acts on it."""
    if update.callback_query is not None and ORDER_BUTTON.match(update.callback_query.data or ""):
        return
    rt = context.application.bot_data["runtime"]
    if not await rt.conversations.first_sight(PLATFORM, update_key(update)):
        raise ApplicationHandlerStop


class ForgetSeenUpdates:
    """A poll: handled updates are remembered for `telegram.seen_updates_for`, then forgotten (hourly)."""

    EVERY = timedelta(hours=1)

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.last: datetime | None = None

    async def __call__(self) -> int:
        now = self.runtime.clock.now()
        if self.last is not None and now - self.last < self.EVERY:
            return 0
        self.last = now
        await self.runtime.conversations.forget_updates_before(now - self.runtime.config.telegram.seen_updates_for)
        return 1


async def register_commands(app: Application) -> None:
    """The command menu, in each language (Telegram shows the one matching the user's app)."""
    on_discord = "discord" in adapters(app.bot_data["runtime"].config)
    for lang in LANGUAGES:
        commands = [BotCommand(name, translate(description, lang)) for name, description in COMMANDS
                    if name != "link" or on_discord]
        await app.bot.set_my_commands(commands, scope=BotCommandScopeDefault(),
                                      language_code=None if lang == "en" else lang)


async def _stale_button(update: Update, context: Turn) -> None:
    """Any button we no longer know (an old version's, a forged one): said so, nothing changes."""
    await update.callback_query.answer(context.person.t(N_("This button is not valid.")), show_alert=True)


async def _on_error(update: object, context: Turn) -> None:
    log.error("while handling %s", about(update), exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        who = await person(update, context)
        lang = who.lang if who else "en"
        try:
            await context.bot.send_message(update.effective_chat.id, translate(
                N_("Something went wrong on our side. Please try again in a moment."), lang))
        except Exception:  # noqa: BLE001 — the error handler must never raise
            log.exception("could not tell the user about the error")


def about(update: object) -> str:
    """An update as the logs name it: its ids and its kind, never what people wrote in it."""
    if not isinstance(update, Update):
        return type(update).__name__
    kind = next((name for name in ("message", "edited_message", "callback_query", "pre_checkout_query",
                                   "my_chat_member", "channel_post") if getattr(update, name, None)), "update")
    user, chat = update.effective_user, update.effective_chat
    return (f"update {update.update_id} ({kind}"
            + (f" from user {user.id}" if user else "") + (f" in chat {chat.id}" if chat else "") + ")")


def webhook_secret(token: str) -> str:
    """The secret Telegram sends with each webhook call; derived from the token, so every process
    behind the load balancer agrees on it without one more setting."""
    return hashlib.sha256(f"comptoir-webhook:{token}".encode()).hexdigest()[:64]


def file_url(base_url: str) -> str:
    """The file download URL that goes with a Bot API URL (…/bot -> …/file/bot)."""
    return base_url[: -len("bot")] + "file/bot" if base_url.endswith("/bot") else base_url


async def start_telegram(runtime: Runtime) -> Application:
    """Starts the bot (long polling, or a webhook by config) and registers its notifier with the relay."""
    config = runtime.config.telegram
    app = build_application(runtime, config.token, config.base_url,
                            file_url(config.base_url) if config.base_url else None)
    runtime.plug(plug(runtime, app.bot))
    await app.initialize()
    try:
        await register_commands(app)
    except TelegramError as error:  # the menu is a convenience: typed commands work without it
        log.warning("the command menu was not registered (%s); commands still work when typed", error.message)
    await app.start()
    if config.mode == "webhook":
        await app.updater.start_webhook(listen=config.webhook_listen, port=config.webhook_port,
                                        url_path=urlsplit(config.webhook_url).path.lstrip("/"),
                                        webhook_url=config.webhook_url, secret_token=webhook_secret(config.token),
                                        allowed_updates=Update.ALL_TYPES)
    else:
        await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
    return app


async def stop_telegram(app: Application) -> None:
    if app.updater.running:
        await app.updater.stop()
    await app.stop()
    await app.shutdown()
