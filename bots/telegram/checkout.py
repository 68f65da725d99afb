"""The buyer's checkout on Telegram: options, tip, brief, summary, then the payment request.

The choice is collected in a stored dialog; core checks it as the order would be when Pay is pressed
(Service.checkout), and again when the money arrives. Button data: "b:<verb>:<value or step>";
"b:order:<offer id>" and "c:pay:<custom offer id>" open a checkout.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LabeledPrice, Update
from telegram.error import BadRequest

from bots.manual_payment import how_to_pay
from bots.telegram.cards import send_card
from bots.telegram.context import Person, Turn, runtime
from bots.telegram.dialogs import PROMPT, current, files_of, save
from bots.telegram.messages import send_text
from core.checkout import Checkout, Price, quote, tip_choices
from core.events import Outcome, Refusal
from core.i18n import N_, Money
from core.model import Offer
from core.table import Needs

STALE = N_("Nothing to answer here any more.")
STEPS = ("options", "tip", "brief", "summary")
INVOICE_TITLE, INVOICE_DESCRIPTION = 32, 255  # Telegram's limits


async def on_button(update: Update, context: Turn) -> None:
    query = update.callback_query
    who = context.person
    kind, verb, value = (query.data.split(":", 2) + ["", ""])[:3]
    if kind == "c" or verb == "order":  # c:pay:<custom offer id>, b:order:<offer id>
        await _begin(update, context, who, offer=value if kind == "b" else None, custom=value if kind == "c" else None)
        return
    rt = runtime(context)
    dialog = await current(rt, who)
    expected = {"opt": "options", "tip": "tip"}.get(verb, value)
    if dialog is None or dialog.get("kind") != "checkout" or (verb != "cancel" and dialog["step"] != expected):
        await query.answer(who.t(STALE))
        return
    if verb == "cancel":
        await save(rt, who, None)
        await query.answer()
        await context.bot.send_message(who.chat_id, who.t(N_("Cancelled: nothing was ordered.")))
        return
    offer = await _offer(context, who, dialog)
    if offer is None:
        await query.answer()
        return
    if verb == "opt":  # a toggle redraws the same message
        picked = set(dialog["options"]) ^ {value}
        dialog["options"] = [o.id for o in offer.options if o.id in picked]
        await save(rt, who, dialog)
        await query.answer()
        _, markup = prompt(dialog, offer, who, rt.config.settings.tip_cap_percent)
        await query.edit_message_reply_markup(markup)
        return
    await query.answer()
    if verb == "pay":
        await _pay(context, who, dialog, offer)
        return
    if verb == "back":
        dialog["step"] = STEPS[STEPS.index(dialog["step"]) - 1]
        if dialog["step"] == "options" and not offer.options:
            dialog["step"] = "tip"
    elif verb == "tip":
        choices = dict(tip_choices(quote(offer, tuple(dialog["options"]), 0), rt.config.settings.tip_cap_percent))
        dialog.update(tip=choices.get(int(value) if value.isdigit() else -1, 0), step="brief")
    else:  # next (after the options), done (after the brief)
        dialog["step"] = STEPS[STEPS.index(dialog["step"]) + 1]
    await save(rt, who, dialog)
    await _prompt(context, who, dialog, offer)


async def _begin(update: Update, context: Turn, who: Person, offer: str | None = None,
                 custom: str | None = None) -> None:
    """Order (an offer's page) or Pay (a custom offer): refused at once, with core's reason, if not possible."""
    rt, query = runtime(context), update.callback_query
    found = await rt.storefront.orderable(who.viewer, offer, custom)
    if isinstance(found, Refusal):
        await query.answer(found.render(who.lang)[:200], show_alert=True)
        return
    await query.answer()
    dialog = {"kind": "checkout", "offer": offer, "custom": custom, "step": "options" if found.options else "tip",
              "options": [], "tip": 0, "text": "", "files": []}
    await save(rt, who, dialog)
    await _prompt(context, who, dialog, found)


async def _offer(context: Turn, who: Person, dialog: dict) -> Offer | None:
    """The offer again, as core sees it now: it may have been paused since the checkout began."""
    rt = runtime(context)
    found = await rt.storefront.orderable(who.viewer, dialog["offer"], dialog["custom"])
    if isinstance(found, Refusal):
        await save(rt, who, None)
        await context.bot.send_message(who.chat_id, found.render(who.lang))
        return None
    return found


async def _prompt(context: Turn, who: Person, dialog: dict, offer: Offer) -> None:
    rt = runtime(context)
    price = await rt.service.price(who.viewer, offer, tuple(dialog["options"]), dialog["tip"])
    text, markup = prompt(dialog, offer, who, rt.config.settings.tip_cap_percent, price)
    await send_text(context.bot, who.chat_id, text, markup)


def prompt(dialog: dict, offer: Offer, who: Person, tip_cap: int,
           price: Price | None = None) -> tuple[str, InlineKeyboardMarkup]:
    step, chosen = dialog["step"], tuple(dialog["options"])
    money = lambda amount: Money(amount, offer.currency).render(who.lang)  # noqa: E731

    def button(label: str, verb: str, value: str = step) -> list[InlineKeyboardButton]:
        return [InlineKeyboardButton(label, callback_data=f"b:{verb}:{value}")]

    rows = []
    if step == "options":
        text = who.t(N_("“{title}”: choose your options, then press Next."), title=offer.title)
        rows += [button(f"{'✅' if o.id in chosen else '⬜'} {o.title} (+{money(o.price)})", "opt", o.id)
                 for o in offer.options]
        rows.append(button(who.t(N_("Next")), "next"))
    elif step == "tip":
        price = quote(offer, chosen, 0)
        text = who.t(N_("The price is {price}. Add a tip for the seller?"), price=money(price))
        rows += [button(who.t(N_("No tip")) if percent == 0 else f"{percent} % (+{money(amount)})", "tip",
                        str(percent)) for percent, amount in tip_choices(price, tip_cap)]
    elif step == "brief":
        text = who.t(PROMPT[Needs.BRIEF])
        rows.append(button(who.t(N_("Done")), "done"))
    else:
        price = price or Price(quote(offer, chosen, dialog["tip"]))
        text = summary(dialog, offer, who, price)
        label = who.t(N_("Pay {total}"), total=money(price.due)) if price.due else who.t(N_("Place the order"))
        rows.append(button(label, "pay"))
    back = [InlineKeyboardButton(who.t(N_("Back")), callback_data=f"b:back:{step}")] if step != STEPS[0] and (
        offer.options or step != "tip") else []
    rows.append(back + [InlineKeyboardButton(who.t(N_("Cancel")), callback_data="b:cancel:")])
    return text, InlineKeyboardMarkup(rows)


def summary(dialog: dict, offer: Offer, who: Person, price: Price) -> str:
    money = lambda amount: Money(amount, offer.currency).render(who.lang)  # noqa: E731
    names = [o.title for o in offer.options if o.id in dialog["options"]]
    brief = dialog["text"] if len(dialog["text"]) <= 300 else dialog["text"][:299] + "…"
    lines = [who.t(N_("Your order: “{title}”"), title=offer.title),
             who.t(N_("Options: {options}"), options=", ".join(names) or who.t(N_("none"))),
             who.t(N_("Tip: {tip}"), tip=money(dialog["tip"])),
             who.t(N_("Brief: {brief}"), brief=brief or who.t(N_("(empty: you can write it after paying, but the seller cannot accept your order before it is written)"))),
             who.t(N_("Files: {count}"), count=len(dialog["files"]))]
    if price.credit:
        lines += [who.t(N_("Total: {total}"), total=money(price.total)),
                  who.t(N_("Your vouchers: −{credit}"), credit=money(price.credit))]
    lines.append(who.t(N_("Total to pay: {total}"), total=money(price.due)))
    return "\n".join(lines)


async def on_message(update: Update, context: Turn, who: Person, dialog: dict) -> None:
    """At the brief step, text and files add up; at any other step, the buttons are the way on."""
    rt, message = runtime(context), update.effective_message
    if dialog["step"] != "brief":
        await message.reply_text(who.t(N_("Please choose with the buttons.")))
        return
    text, limit = (message.text or message.caption or "").strip(), rt.config.settings.max_text
    if len(dialog["text"]) + len(text) > limit:
        await message.reply_text(who.t(N_("This text is too long ({length} characters; the limit is {limit})."),
                                       length=len(dialog["text"]) + len(text), limit=limit))
        return
    dialog["text"] = (dialog["text"] + "\n" + text).strip()
    dialog["files"] += files_of(message)
    await save(rt, who, dialog)
    await message.reply_text(who.t(N_("Got it. Send more, or press Done.")), reply_markup=InlineKeyboardMarkup([
        [InlineKeyboardButton(who.t(N_("Done")), callback_data="b:done:brief")],
        [InlineKeyboardButton(who.t(N_("Back")), callback_data="b:back:brief"),
         InlineKeyboardButton(who.t(N_("Cancel")), callback_data="b:cancel:")]]))


async def _pay(context: Turn, who: Person, dialog: dict, offer: Offer) -> None:
    """Core checks the whole choice; then Telegram Stars take the payment, or a moderator will confirm it."""
    rt = runtime(context)
    provider = rt.config.telegram.payment
    checkout = await rt.service.checkout(who.viewer, provider, offer_id=dialog["offer"],
                                         custom_offer_id=dialog["custom"], options=tuple(dialog["options"]),
                                         tip=dialog["tip"], brief=dialog["text"], files=tuple(dialog["files"]))
    if isinstance(checkout, Refusal):
        await context.bot.send_message(who.chat_id, checkout.render(who.lang))
        return
    await save(rt, who, None)
    if not isinstance(checkout, Checkout):  # the buyer's vouchers paid it all: the order is placed
        order = checkout.order if isinstance(checkout, Outcome) else checkout
        card = await rt.service.card(order.id, who.viewer)
        if not isinstance(card, Refusal):
            await send_card(context.bot, rt, who, card, who.t(N_("Your vouchers paid for it: your order is placed.")))
        return
    total = Money(checkout.amount, checkout.currency).render(who.lang)
    if provider == "stars":
        await _invoice(context, who, checkout, offer.title, total)
    else:
        await context.bot.send_message(who.chat_id, how_to_pay(rt.config, checkout, offer.title, who.lang))


async def _invoice(context: Turn, who: Person, checkout: Checkout, title: str,
                   total: str) -> None:
    """A Telegram Stars invoice; its payload is the checkout id, which the payment comes back with."""
    short = title if len(title) <= INVOICE_TITLE else title[:INVOICE_TITLE - 1] + "…"
    description = who.t(N_("Order of “{title}”, {total}. It is placed as soon as the payment goes through."),
                        title=title, total=total)
    if len(description) > INVOICE_DESCRIPTION:
        description = description[:INVOICE_DESCRIPTION - 1] + "…"
    try:
        await context.bot.send_invoice(who.chat_id, title=short, description=description, payload=checkout.id,
                                       currency=checkout.currency, prices=[LabeledPrice(short, checkout.amount)],
                                       provider_token="")
    except BadRequest as error:  # Telegram refuses the amount (Stars have a maximum per invoice)
        await runtime(context).service.reject_payment(checkout.id)
        await context.bot.send_message(who.chat_id, who.t(
            N_("Telegram refused this payment ({error}); nothing was charged."), error=error.message))
