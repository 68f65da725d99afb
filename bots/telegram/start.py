"""Onboarding: /start with deep links, language, time zone, linking another platform's account, help."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bots import linking, parsing
from core.people import Person
from bots.runtime import adapters
from bots.telegram import callbacks
from bots.telegram import dialogs
from bots.telegram.context import PLATFORM, Turn, person, runtime
from bots.telegram.orders import show_card
from core.i18n import LANGUAGES, N_

LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
HELP = N_(
    "I am this marketplace's order desk. Sellers run their orders here; buyers order, pay and talk to the "
    "seller here.\n\n"
    "/today — what needs you today, pinned at the top of this chat\n"
    "/orders — your orders and what to do next\n"
    "/order <number> — one order's card\n"
    "/offers — your offers (sellers)\n"
    "/away — time off, and how many orders you take at once (sellers)\n"
    "/lang — language\n"
    "/timezone — your time zone, for deadlines\n"
    "{link}"
    "/cancel — stop what you are typing\n\n"
    "Write a message here to talk to the other party of your order."
)
LINK_HELP = N_("/link — use the same account on Discord")


def help_text(who: Person, context: Turn) -> str:
    """What the bot does, naming /link only when this marketplace also runs on Discord."""
    on_discord = "discord" in adapters(runtime(context).config)
    return who.t(HELP, link=who.t(LINK_HELP) + "\n" if on_discord else "")


def deep_link(bot_username: str, payload: str) -> str:
    """A t.me link that opens the bot with /start <payload> (how a buyer reaches a seller's offer)."""
    return f"https://t.me/{bot_username}?start={payload}"


async def start(update: Update, context: Turn) -> None:
    who = context.person
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


async def help_command(update: Update, context: Turn) -> None:
    who = context.person
    await context.bot.send_message(who.chat_id, help_text(who, context))


async def choose_language(update: Update, context: Turn) -> None:
    who = context.person
    buttons = [[InlineKeyboardButton(LANGUAGE_NAMES[code], callback_data=callbacks.language(code))] for code in LANGUAGES]
    await context.bot.send_message(who.chat_id, who.t(N_("Choose your language:")),
                                   reply_markup=InlineKeyboardMarkup(buttons))


async def set_language(update: Update, context: Turn) -> None:
    query = update.callback_query
    who = context.person
    code = callbacks.value(query.data, callbacks.LANGUAGE)
    if code not in LANGUAGES:
        await query.answer()
        return
    rt = runtime(context)
    await rt.people.set_preferences(who.account.id, language=code)
    who = context.person = await person(update, context)  # in the language just chosen
    await query.answer()
    await query.edit_message_text(who.t(N_("Done: I will speak {language} with you."), language=LANGUAGE_NAMES[code]))


async def timezone(update: Update, context: Turn) -> None:
    """/timezone Europe/Paris — deadlines are then shown in that zone."""
    who = context.person
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
    await rt.people.set_preferences(who.account.id, timezone=name)
    await context.bot.send_message(who.chat_id, who.t(N_("Done: deadlines are now shown in {zone}."), zone=name))


async def link(update: Update, context: Turn) -> None:
    """/link gives a one-time code; /link CODE asks to confirm joining the account it names (bots.linking)."""
    who = context.person
    if context.args:
        await link_with(update, context, context.args[0])
        return
    await context.bot.send_message(who.chat_id, await linking.new_code(runtime(context), who, PLATFORM))


async def link_with(update: Update, context: Turn, code: str) -> None:
    """A code typed, or opened by a /start link_<code> link: only the question, naming the account it joins."""
    who = context.person
    text, found = await linking.question(runtime(context), who, PLATFORM, code[:16])
    markup = None
    if found is not None:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(linking.join_label(who, found)[:64],
                                                             callback_data=callbacks.link(found.code))],
                                       [InlineKeyboardButton(who.t(N_("Cancel")), callback_data=callbacks.LINK_NO)]])
    await context.bot.send_message(who.chat_id, text, reply_markup=markup)


async def confirm_link(update: Update, context: Turn) -> None:
    """[Join …] or [Cancel] under the question: the join, checked by core again, and the question answered."""
    query = update.callback_query
    who = context.person
    code = callbacks.value(query.data, callbacks.LINK)
    if code == "no":
        text = who.t(N_("Cancelled: nothing was changed."))
    else:
        text = await linking.join(runtime(context), who, PLATFORM, code, chat_id=str(who.chat_id),
                                  username=update.effective_user.username)
    await query.answer()
    await query.edit_message_text(text)


async def cancel(update: Update, context: Turn) -> None:
    who = context.person
    await dialogs.save(runtime(context), who, None)
    await context.bot.send_message(who.chat_id, who.t(N_("Cancelled: nothing was changed.")))


async def unknown_command(update: Update, context: Turn) -> None:
    """A command this bot does not have: said so, with what it does have."""
    who = context.person
    typed = (update.effective_message.text or "").split()[0][:40]
    await context.bot.send_message(who.chat_id, who.t(N_("I don't know the command {command}."), command=typed)
                                   + "\n\n" + help_text(who, context))
