"""Onboarding: /start with deep links, language, time zone, linking another platform's account, help."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bots import parsing
from bots.telegram import dialogs
from bots.people import Person
from bots.runtime import adapters
from bots.telegram.context import PLATFORM, person, runtime
from bots.telegram.orders import show_card
from core.i18n import LANGUAGES, N_

LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
HELP = N_(
    "I am this marketplace's order desk. Sellers run their orders here; buyers order, pay and talk to the "
    "seller here.\n\n"
    "/orders — your orders and what to do next\n"
    "/order <number> — one order's card\n"
    "/offers — your offers (sellers)\n"
    "/lang — language\n"
    "/timezone — your time zone, for deadlines\n"
    "{link}"
    "/cancel — stop what you are typing\n\n"
    "Write a message here to talk to the other party of your order."
)
LINK_HELP = N_("/link — use the same account on Discord")


def help_text(who: Person, context: ContextTypes.DEFAULT_TYPE) -> str:
    """What the bot does, naming /link only when this marketplace also runs on Discord."""
    on_discord = "discord" in adapters(runtime(context).config)
    return who.t(HELP, link=who.t(LINK_HELP) + "\n" if on_discord else "")


def deep_link(bot_username: str, payload: str) -> str:
    """A t.me link that opens the bot with /start <payload> (how a buyer reaches a seller's offer)."""
    return f"https://t.me/{bot_username}?start={payload}"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    who = await person(update, context)
    if who is None:
        return
    kind, value = parsing.start_payload(context.args[0] if context.args else "")
    if kind == "order":
        await show_card(update, context, value)
        return
    if kind == "link":
        await link_with(update, context, value)
        return
    if kind == "offer":
        offers = context.application.bot_data.get("show_offer")
        if offers is not None:
            await offers(update, context, value)
            return
    await context.bot.send_message(who.chat_id, who.t(N_("Welcome, {name}!"), name=who.account.display_name)
                                   + "\n\n" + help_text(who, context))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    who = await person(update, context)
    if who:
        await context.bot.send_message(who.chat_id, help_text(who, context))


async def choose_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    who = await person(update, context)
    if who is None:
        return
    buttons = [[InlineKeyboardButton(LANGUAGE_NAMES[code], callback_data=f"x:lang:{code}")] for code in LANGUAGES]
    await context.bot.send_message(who.chat_id, who.t(N_("Choose your language:")),
                                   reply_markup=InlineKeyboardMarkup(buttons))


async def set_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    who = await person(update, context)
    code = query.data.removeprefix("x:lang:")
    if who is None or code not in LANGUAGES:
        await query.answer()
        return
    rt = runtime(context)
    async with rt.store.unit_of_work() as uow:
        await uow.accounts.set_preferences(who.account.id, language=code)
        await uow.commit()
    who = await person(update, context)
    await query.answer()
    await query.edit_message_text(who.t(N_("Done: I will speak {language} with you."), language=LANGUAGE_NAMES[code]))


async def timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/timezone Europe/Paris — deadlines are then shown in that zone."""
    who = await person(update, context)
    if who is None:
        return
    name = " ".join(context.args or []).strip()
    if not name:
        await context.bot.send_message(who.chat_id, who.t(
            N_("Your time zone is {zone}. To change it, send for example: /timezone Europe/Paris"),
            zone=who.account.timezone))
        return
    if parsing.time_zone(name) is None:
        await context.bot.send_message(who.chat_id, who.t(
            N_("I don't know the time zone “{zone}”. Use a name like Europe/Paris or America/Montreal."),
            zone=name[:64]))
        return
    rt = runtime(context)
    async with rt.store.unit_of_work() as uow:
        await uow.accounts.set_preferences(who.account.id, timezone=name)
        await uow.commit()
    await context.bot.send_message(who.chat_id, who.t(N_("Done: deadlines are now shown in {zone}."), zone=name))


async def link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/link gives a one-time code; /link CODE attaches this Telegram account to the code's account."""
    who = await person(update, context)
    if who is None:
        return
    if context.args:
        await link_with(update, context, context.args[0])
        return
    rt = runtime(context)
    async with rt.store.unit_of_work() as uow:
        code = await uow.accounts.new_link_code(who.account.id)
        await uow.commit()
    await context.bot.send_message(who.chat_id, who.t(
        N_("Your code: {code}\nOn Discord, use /link {code} within 15 minutes to use the same account there."),
        code=code))


async def link_with(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    who = await person(update, context)
    rt = runtime(context)
    async with rt.store.unit_of_work() as uow:
        linked = await uow.accounts.link(code[:16], PLATFORM, str(who.user_id), chat_id=str(who.chat_id))
        await uow.commit()
    if linked is None:
        await context.bot.send_message(who.chat_id, who.t(N_("This code is unknown or expired. Ask for a new one with /link.")))
        return
    await context.bot.send_message(who.chat_id, who.t(N_("Linked: this Telegram account is now {name}'s account."),
                                                      name=linked.display_name or linked.id))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    who = await person(update, context)
    if who is None:
        return
    await dialogs.save(runtime(context), who, None)
    await context.bot.send_message(who.chat_id, who.t(N_("Cancelled: nothing was changed.")))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command this bot does not have: said so, with what it does have."""
    who = await person(update, context)
    if who is None:
        return
    typed = (update.effective_message.text or "").split()[0][:40]
    await context.bot.send_message(who.chat_id, who.t(N_("I don't know the command {command}."), command=typed)
                                   + "\n\n" + help_text(who, context))
