"""Every custom id this bot's buttons, selects and modals carry: how each is written and the template that reads
it back. Messages sent long ago still carry these exact strings: a format may gain a sibling, never change."""

from __future__ import annotations

from core.buttons import ButtonData

#: an id as the bot makes them (orders, offers, checkouts, discussions, custom offers)
ID = r"[A-Za-z0-9_-]{1,20}"
#: the buyer's checkout flow, as the bot numbers it (bots.discord.shop)
FLOW = r"(?P<flow>[A-Za-z0-9]{1,12})"

# --- buttons and selects (persistent: bots.discord.routes matches them against these templates) -------------

#: an order card's action button: core's own data (core.buttons.ButtonData, "o:<order>:<action>:<version>"); any
#: "o:" id, forged ones included, so that a bad one is answered (core says it is not valid), not left unanswered
ORDER = r"o:.*"
#: /orders' filter buttons ("x:orders:<filter>:0") and its ◀ ▶ ("x:page:<filter>:<page>": ids stay unique)
ORDERS = r"x:(?:orders|page):(?P<which>[a-z]{1,10}):(?P<page>[0-9]{1,4})"
CARD = rf"x:card:(?P<order>{ID})"
BRIEF = rf"x:brief:(?P<order>{ID})"
MORE = rf"x:more:(?P<order>{ID})"
#: a moderator's manual-payment buttons (core.checkout draws them)
PAYMENT = rf"p:(?P<verb>ok|no):(?P<checkout>{ID})"
EVIDENCE = rf"x:evidence:(?P<order>{ID})"
DISPUTES = r"x:disputes:(?P<page>[0-9]{1,4})"
#: which order a DM is about (a select)
ROUTE = r"x:route"
#: [Ask the seller a question] on an offer ("d:ask:<offer>"), [Reply] and [Send a custom offer] on a discussion
DISCUSSION = rf"d:(?P<verb>ask|reply|custom):(?P<target>{ID})"
CUSTOM_OFFER = rf"c:pay:(?P<custom>{ID})"
#: [Join …] / [Cancel] under /link CODE's question
LINK = r"l:(?P<verb>ok|no):(?P<code>[A-Z0-9]{1,16})"
#: the seller's panel: its buttons and its questions select
SELLER = rf"f:(?P<verb>edit|opt|drop|pause|resume|share):(?P<offer>{ID})"
QUESTIONS = rf"f:questions:(?P<offer>{ID})"
#: [Order] on an offer
ORDER_OFFER = rf"f:order:(?P<offer>{ID})"
#: a visitor's [Tell me when it reopens] under a paused offer
WATCH = rf"w:watch:(?P<offer>{ID})"
#: the Today card's [Turn off the morning digest] / [Turn on …] (core.today writes it: "x:digest:off")
DIGEST = r"x:digest:(?P<verb>on|off)"
#: a button, or the options or tip select, of the buyer's private checkout message
CHECKOUT = r"b:(?P<verb>opt|tip|brief|confirm|back|cancel):" + FLOW

# --- modals (none is kept in memory: bots.discord.routes rebuilds a submitted one from its id's start) -----------

#: an order's action: "m:<user>:<the pressed button's data>"
ACTION_FORM = "m:"
#: the checkout's brief: "b:form:<flow>"
BRIEF_FORM = "b:form:"
#: a discussion's message: "d:form:<verb>:<target>:<user>"
DISCUSSION_FORM = "d:form:"
#: an offer's terms ("f:form:" for a new one, "f:form:<offer>"), an option added to one ("f:optform:<offer>")
OFFER_FORM, OPTION_FORM = "f:form:", "f:optform:"


def orders(which: str) -> str:
    return f"x:orders:{which}:0"


def page(which: str, number: int) -> str:
    return f"x:page:{which}:{number}"


def card(order_id: str) -> str:
    return f"x:card:{order_id}"


def more(order_id: str) -> str:
    return f"x:more:{order_id}"


def evidence(order_id: str) -> str:
    return f"x:evidence:{order_id}"


def disputes(number: int) -> str:
    return f"x:disputes:{number}"


def ask(offer_id: str) -> str:
    return f"d:ask:{offer_id}"


def link(verb: str, code: str) -> str:
    return f"l:{verb}:{code}"


def seller(verb: str, offer_id: str) -> str:
    return f"f:{verb}:{offer_id}"


def questions(offer_id: str) -> str:
    return f"f:questions:{offer_id}"


def watch(offer_id: str) -> str:
    return f"w:watch:{offer_id}"


def order_offer(offer_id: str) -> str:
    return f"f:order:{offer_id}"


def checkout(verb: str, flow: str) -> str:
    return f"b:{verb}:{flow}"


def action_form(user_id: int, pressed: ButtonData) -> str:
    return f"{ACTION_FORM}{user_id}:{pressed.encode()}"


def pressed_of(custom_id: str) -> ButtonData:
    """The button an order's modal was opened from, read back from the modal's custom id (BadButton if it is not
    one of ours)."""
    _, _, data = custom_id.removeprefix(ACTION_FORM).partition(":")
    return ButtonData.decode(data)


def brief_form(flow: str) -> str:
    return f"{BRIEF_FORM}{flow}"


def discussion_form(verb: str, target: str, user_id: int) -> str:
    return f"{DISCUSSION_FORM}{verb}:{target}:{user_id}"


def discussion_form_of(custom_id: str) -> tuple[str, str]:
    """(verb, target) of a discussion's modal, read back from its custom id."""
    verb, _, target = custom_id.removeprefix(DISCUSSION_FORM).rpartition(":")[0].partition(":")
    return verb, target


def offer_form(offer_id: str | None) -> str:
    return f"{OFFER_FORM}{offer_id or ''}"


def option_form(offer_id: str) -> str:
    return f"{OPTION_FORM}{offer_id}"
