"""Offers on Telegram: /offers for sellers (write, edit, pause, share), and an offer's page for buyers.

Every rule (limits, who may change an offer, who may order it) is core's; this only draws steps and
buttons. Button data: "s:<verb>:<offer id or step>" for sellers, "b:order:<id>" and "d:ask:<id>" for buyers.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bots.render import offer_text, open_on_discord, zone
from bots.runtime import adapters
from bots.telegram import callbacks, offer_steps
from bots.telegram.context import Person, Turn, runtime
from bots.telegram.dialogs import current, save
from bots.telegram.messages import send_text, show_text
from bots.telegram.start import deep_link
from core.events import Refusal
from core.i18n import N_
from core.model import Offer
from core.offers import ASK, ORDER, WATCH

#: a new offer is priced in what the bot can take: Telegram Stars, or euros confirmed by a moderator
CURRENCY = {"stars": "XTR", "manual": "EUR"}
STALE = N_("Nothing to answer here any more.")


# --- sellers ------------------------------------------------------------------------------------

async def show_offers(update: Update, context: Turn) -> None:
    """/offers, or its Back button: the seller's offers, each a button to its page, and a New offer button."""
    who = context.person
    found = await runtime(context).storefront.offers_of(who.viewer)
    lines = [who.t(N_("Your offers ({count}):"), count=len(found))]
    if not found:
        lines.append(who.t(N_("None yet. Create your first one: buyers reach it through a link you share.")))
    rows = [[InlineKeyboardButton(("" if o.active else "⏸ ") + o.title[:50], callback_data=f"s:show:{o.id}")]
            for o in found[:40]]
    rows.append([InlineKeyboardButton(who.t(N_("New offer")), callback_data="s:new:")])
    await _show(update, context, who, "\n".join(lines), InlineKeyboardMarkup(rows))


async def _show(update: Update, context: Turn, who: Person, text: str,
                markup: InlineKeyboardMarkup) -> None:
    """In place of the pressed message when there is one (a menu that changes), else a new message."""
    await show_text(update.callback_query, context.bot, who.chat_id, text, markup)


async def show_own_offer(update: Update, context: Turn, who: Person, offer: Offer) -> None:
    state = who.t(N_("Open to orders.")) if offer.active else who.t(N_("Paused: buyers cannot order it."))
    toggle = (N_("Pause"), "pause") if offer.active else (N_("Resume"), "resume")
    rows = [[InlineKeyboardButton(who.t(N_("Edit")), callback_data=f"s:edit:{offer.id}"),
             InlineKeyboardButton(who.t(toggle[0]), callback_data=f"s:{toggle[1]}:{offer.id}"),
             InlineKeyboardButton(who.t(N_("Share")), callback_data=f"s:share:{offer.id}")],
            [InlineKeyboardButton(who.t(N_("Back")), callback_data="s:list:")]]
    await _show(update, context, who, f"{offer_text(offer, who.lang)}\n\n{state}", InlineKeyboardMarkup(rows))


async def on_seller_button(update: Update, context: Turn) -> None:
    query = update.callback_query
    who = context.person
    _, verb, target = (query.data.split(":", 2) + ["", ""])[:3]
    if verb in ("show", "edit", "pause", "resume", "share", "list", "new"):
        await _manage(update, context, who, verb, target)
    else:
        await _step_button(update, context, who, verb, target)


async def _manage(update: Update, context: Turn, who: Person, verb: str, offer_id: str) -> None:
    rt, query = runtime(context), update.callback_query
    if verb == "list":
        await query.answer()
        await show_offers(update, context)
        return
    if verb == "new":
        await query.answer()
        await _begin(context, who, offer_steps.start(CURRENCY[rt.config.telegram.payment]))
        return
    if verb in ("pause", "resume"):
        offer = await rt.storefront.set_active(offer_id, who.viewer, verb == "resume")
    else:
        offer = await rt.storefront.editable(offer_id, who.viewer)
    if isinstance(offer, Refusal):
        await query.answer(offer.render(who.lang)[:200], show_alert=True)
        return
    await query.answer()
    if verb == "edit":
        await _begin(context, who, offer_steps.start(offer.currency, offer))
    elif verb == "share":
        link = deep_link(context.bot.username, f"offer_{offer.id}")
        await context.bot.send_message(who.chat_id, who.t(
            N_("Share this link: whoever opens it sees your offer “{title}” and can order it.\n{link}"),
            title=offer.title, link=link) + discord_hint(context, offer, who))
    else:
        await show_own_offer(update, context, who, offer)


async def _begin(context: Turn, who: Person, dialog: dict) -> None:
    await save(runtime(context), who, dialog)
    await _prompt(context, who, dialog)


async def _prompt(context: Turn, who: Person, dialog: dict, problem: str = "") -> None:
    text, markup = offer_steps.prompt(dialog, who.lang, who.account.id)
    await send_text(context.bot, who.chat_id, [problem, text] if problem else text, markup)


async def _step_button(update: Update, context: Turn, who: Person, verb: str, step: str) -> None:
    """A button of the offer's steps; one from an earlier step (still on screen above) does nothing."""
    rt, query = runtime(context), update.callback_query
    dialog = await current(rt, who)
    if dialog is None or dialog.get("kind") != "offer" or dialog["step"] != step:
        await query.answer(who.t(STALE))
        return
    await query.answer()
    if verb == "cancel":
        await save(rt, who, None)
        await context.bot.send_message(who.chat_id, who.t(N_("Cancelled: nothing was changed.")))
        return
    if verb == "publish":
        await _publish(context, who, dialog)
        return
    problem = offer_steps.take_button(dialog, verb)
    await save(rt, who, dialog)
    await _prompt(context, who, dialog, problem.render(who.lang) if problem else "")


async def on_step_message(update: Update, context: Turn, who: Person, dialog: dict) -> None:
    """A typed answer to the current step (chat.on_message hands the "offer" dialog here)."""
    message = update.effective_message
    problem = offer_steps.take_text(dialog, message.text or message.caption or "")
    if problem is not None:
        await message.reply_text(problem.render(who.lang))
        return
    await save(runtime(context), who, dialog)
    await _prompt(context, who, dialog)


async def _publish(context: Turn, who: Person, dialog: dict) -> None:
    rt = runtime(context)
    offer = await rt.storefront.publish(who.viewer, offer_steps.draft_offer(dialog, who.account.id))
    if isinstance(offer, Refusal):
        await context.bot.send_message(who.chat_id, offer.render(who.lang))
        return
    await save(rt, who, None)
    link = deep_link(context.bot.username, f"offer_{offer.id}")
    await context.bot.send_message(who.chat_id, who.t(
        N_("Published: “{title}”. Buyers order it through this link:\n{link}\nManage your offers with /offers."),
        title=offer.title, link=link) + discord_hint(context, offer, who))


def discord_hint(context: Turn, offer: Offer, who: Person) -> str:
    """How Discord's members open the offer, when this marketplace also runs there."""
    return "\n" + open_on_discord(offer, who.lang) if "discord" in adapters(runtime(context).config) else ""


# --- buyers -------------------------------------------------------------------------------------

async def show_offer(update: Update, context: Turn, offer_id: str) -> None:
    """/start offer_<id>: the offer's page, with what this visitor may do (core decides)."""
    who = context.person
    shown = await runtime(context).storefront.view(offer_id, who.viewer)
    if isinstance(shown, Refusal):
        await context.bot.send_message(who.chat_id, shown.render(who.lang))
        return
    offer, rows = shown.offer, []
    if ORDER in shown.actions:
        rows.append([InlineKeyboardButton(who.t(N_("Order now")), callback_data=f"b:order:{offer.id}")])
    if WATCH in shown.actions:
        rows.append([InlineKeyboardButton(who.t(N_("Tell me when it reopens")),
                                          callback_data=callbacks.watch(offer.id))])
    if ASK in shown.actions:
        rows.append([InlineKeyboardButton(who.t(N_("Ask the seller a question")), callback_data=f"d:ask:{offer.id}")])
    note = shown.note.render(who.lang, zone(who.account.timezone)) if shown.note else ""
    text = offer_text(offer, who.lang) + (f"\n\n{note}" if note else "")
    await send_text(context.bot, who.chat_id, text, InlineKeyboardMarkup(rows) if rows else None)
