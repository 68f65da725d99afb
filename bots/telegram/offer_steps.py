"""The seller's guided steps to write or edit an offer: what each step asks, takes, and where Back goes.

The draft lives in the stored dialog, so a restart picks it up. Every limit is core's (core.offers),
checked as each value is typed: the seller hears about a problem at the step that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bots.render import days_text, number, offer_text
from bots.parsing import parse_amount, parse_days, whole_number
from core import offers as rules
from core.i18n import N_, ZERO_DECIMALS, Money, Text, translate
from core.model import Offer, Option
from core.ports import new_id

OPTION_STEPS = ("option_title", "option_price", "option_days")
NEXT = {"title": "description", "description": "price", "price": "days", "days": "options",
        "option_title": "option_price", "option_price": "option_days", "option_days": "options",
        "options": "revisions", "revisions": "contact", "contact": "summary"}
BACK = {"description": "title", "price": "description", "days": "price", "options": "days",
        "option_title": "options", "option_price": "option_title", "option_days": "option_price",
        "revisions": "options", "contact": "revisions", "summary": "contact"}
#: the draft's key each step fills (an option's steps fill the option being written)
FIELD = {"title": "title", "description": "description", "price": "price", "days": "days", "revisions": "revisions",
         "contact": "contact", "option_title": "title", "option_price": "price", "option_days": "days"}
TYPED = ("title", "description", "price", "days", "revisions") + OPTION_STEPS
MISSING = object()

ASK = {
    "title": N_("Step 1/7 — The title of your offer (up to {limit} characters)?"),
    "description": N_("Step 2/7 — Describe what the buyer gets (up to {limit} characters)."),
    "price": N_("Step 3/7 — The price, in {currency}? For example: {example}"),
    "days": N_("Step 4/7 — How many days do you need to deliver (1 to {limit})?"),
    "options": N_("Step 5/7 — Options a buyer can add to the offer (up to {limit}):"),
    "option_title": N_("Option {number}: its title?"),
    "option_price": N_("Option {number}: its price, in {currency}? For example: {example}"),
    "option_days": N_("Option {number}: how many extra days does it need (0 if none)?"),
    "revisions": N_("Step 6/7 — How many revisions do you include? Write a number (0 for none), or press Unlimited."),
    "contact": N_("Step 7/7 — May buyers ask you questions before they order?"),
    "summary": N_("Your offer, as buyers will see it:"),
}


def start(currency: str, offer: Offer | None = None) -> dict:
    """A new draft, or one holding an offer's current values (each step then offers to keep them)."""
    draft: dict = {"options": []}
    if offer is not None:
        currency = offer.currency
        draft = {"title": offer.title, "description": offer.description, "price": offer.price,
                 "days": offer.delivery_days, "revisions": offer.revisions, "contact": offer.contact_allowed,
                 "revision_days": offer.revision_days,
                 "options": [{"id": o.id, "title": o.title, "price": o.price, "days": o.extra_days}
                             for o in offer.options]}
    return {"kind": "offer", "offer": offer.id if offer else "", "currency": currency, "step": "title",
            "draft": draft, "option": {}}


def draft_offer(dialog: dict, seller: str) -> Offer:
    d = dialog["draft"]
    options = tuple(Option(o["id"], o["title"], o["price"], o["days"]) for o in d["options"])
    return Offer(dialog["offer"], seller, d["title"], d["description"], d["price"], dialog["currency"], d["days"],
                 options, d["revisions"], d.get("revision_days"), d["contact"])


def _holder(dialog: dict, step: str) -> dict:
    return dialog["option"] if step in OPTION_STEPS else dialog["draft"]


def _value(dialog: dict, step: str):
    return _holder(dialog, step).get(FIELD[step], MISSING) if step in FIELD else MISSING


@dataclass(frozen=True)
class Example:
    """A price as the seller may type it, in their language's way of writing numbers ("12.50", "12,50")."""

    currency: str

    def render(self, lang: str) -> str:
        return number(250 if self.currency in ZERO_DECIMALS else 1250, self.currency, lang)


def _parse(step: str, text: str, currency: str) -> tuple[object, Text | None]:
    if step in ("title", "option_title"):
        return text, rules.check_title(text)
    if step == "description":
        return text, rules.check_description(text)
    if step in ("price", "option_price"):
        amount = parse_amount(text, currency)
        if amount is None:
            return None, Text.of(N_("That is not a price: write it like {example}."), example=Example(currency))
        return amount, rules.check_price(amount)
    # a delivery time is at least a day; an option may add no days, and an offer may include no revision
    days = parse_days(text) if step == "days" else whole_number(text, 4)
    if days is None:
        if step == "revisions":
            return None, Text.of(N_("Please write a whole number, like 2, or press Unlimited."))
        return None, Text.of(N_("Please write a whole number of days, like 3."))
    check = {"days": rules.check_days, "option_days": rules.check_extra_days, "revisions": rules.check_revisions}
    return days, check[step](days)


def _advance(dialog: dict) -> None:
    step = dialog["step"]
    if step == "option_days":  # the option is complete: it joins the offer
        option = dialog["option"]
        dialog["draft"]["options"].append({"id": option.get("id") or new_id(6), **{k: option[k] for k in
                                                                                   ("title", "price", "days")}})
        dialog["option"] = {}
    dialog["step"] = NEXT[step]


def take_text(dialog: dict, text: str) -> Text | None:
    """A typed answer to the current step: stored and on to the next step, or the problem with it."""
    step = dialog["step"]
    if step not in TYPED:
        return Text.of(N_("Please choose with the buttons."))
    value, problem = _parse(step, text.strip(), dialog["currency"])
    if problem is not None:
        return problem
    _holder(dialog, step)[FIELD[step]] = value
    _advance(dialog)
    return None


def take_button(dialog: dict, verb: str) -> Text | None:
    """A step's button (back, keep, unlimited, yes, no, add, drop, next); publish and cancel are the caller's."""
    step = dialog["step"]
    if verb == "back" and step in BACK:
        if step == "option_title":
            dialog["option"] = {}  # an option left half-written is dropped
        dialog["step"] = BACK[step]
    elif verb == "keep" and _value(dialog, step) is not MISSING:
        _advance(dialog)
    elif verb == "unlimited" and step == "revisions":
        dialog["draft"]["revisions"] = None
        _advance(dialog)
    elif verb in ("yes", "no") and step == "contact":
        dialog["draft"]["contact"] = verb == "yes"
        _advance(dialog)
    elif verb == "add" and step == "options":
        problem = rules.check_option_count(len(dialog["draft"]["options"]) + 1)
        if problem is not None:
            return problem
        dialog.update(option={}, step="option_title")
    elif verb == "drop" and step == "options" and dialog["draft"]["options"]:
        dialog["draft"]["options"].pop()
    elif verb == "next" and step == "options":
        _advance(dialog)
    return None


def _shown(step: str, value, currency: str, lang: str) -> str:
    if step in ("price", "option_price"):
        return Money(value, currency).render(lang)
    if step == "revisions" and value is None:
        return translate(N_("unlimited"), lang)
    if step in ("days", "option_days"):
        return days_text(value, lang)
    return str(value)


def prompt(dialog: dict, lang: str, seller: str) -> tuple[str, InlineKeyboardMarkup]:
    """What the current step asks, with its buttons; each button names its step, so an old one is ignored."""
    step, currency, draft = dialog["step"], dialog["currency"], dialog["draft"]
    limits = {"title": rules.TITLE_MAX, "description": rules.DESCRIPTION_MAX, "days": rules.DAYS_MAX,
              "options": rules.OPTIONS_MAX, "option_title": rules.TITLE_MAX}
    text = translate(ASK[step], lang).format(limit=limits.get(step, ""), currency=currency,
                                             example=Example(currency).render(lang), number=len(draft["options"]) + 1)

    def button(msgid: str, verb: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(translate(msgid, lang), callback_data=f"s:{verb}:{step}")

    rows: list[list[InlineKeyboardButton]] = []
    if step == "options":
        lines = [translate(N_("• {title}: +{price}, +{days}"), lang).format(
            title=o["title"], price=Money(o["price"], currency).render(lang), days=days_text(o["days"], lang))
            for o in draft["options"]]
        text += "\n" + ("\n".join(lines) or translate(N_("(none yet)"), lang))
        if len(draft["options"]) < rules.OPTIONS_MAX:
            rows.append([button(N_("Add an option"), "add")])
        if draft["options"]:
            rows.append([button(N_("Remove the last option"), "drop")])
        rows.append([button(N_("No more options"), "next")])
    elif step == "revisions":
        rows.append([button(N_("Unlimited"), "unlimited")])
    elif step == "contact":
        mark = {True: "✅ ", False: "", None: ""}
        current = draft.get("contact")
        rows.append([InlineKeyboardButton(mark[current is True] + translate(N_("Yes"), lang),
                                          callback_data=f"s:yes:{step}"),
                     InlineKeyboardButton(mark[current is False] + translate(N_("No, they order directly"), lang),
                                          callback_data=f"s:no:{step}")])
    elif step == "summary":
        text += "\n\n" + offer_text(draft_offer(dialog, seller), lang)
        rows.append([button(N_("Publish"), "publish")])
    value = _value(dialog, step)
    if step in TYPED and value is not MISSING:
        text += "\n\n" + translate(N_("Now: {value}"), lang).format(value=_shown(step, value, currency, lang))
        rows.append([button(N_("Keep"), "keep")])
    rows.append(([button(N_("Back"), "back")] if step in BACK else []) + [button(N_("Cancel"), "cancel")])
    return text, InlineKeyboardMarkup(rows)
