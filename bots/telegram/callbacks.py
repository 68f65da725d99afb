"""Every callback data this bot's buttons carry: how each is written, read back, and matched to its handler."""

from __future__ import annotations

#: a press of an order card's action button: core's own data (core.buttons.ButtonData, "o:<order>:<action>:<v>")
ORDER = r"^o:"
#: the seller's offer buttons (bots.telegram.offers), "s:<verb>:<offer or step>"
SELLER = r"^s:"
#: a buyer's checkout (bots.telegram.checkout): "b:<verb>:<value>", and a custom offer's "c:pay:<id>"
CHECKOUT = r"^(b|c):"
#: a discussion's buttons (bots.telegram.discussions), "d:<verb>:<value>"
DISCUSSION = r"^d:"
#: a moderator's manual-payment buttons, "p:ok:<checkout>" / "p:no:<checkout>" (core.checkout draws them)
PAYMENT = r"^p:(ok|no):"
#: an open dialog's buttons
DIALOG = r"^x:(cancel|skip|done|good|bad)$"
CANCEL, SKIP, DONE, GOOD, BAD = "x:cancel", "x:skip", "x:done", "x:good", "x:bad"

LANGUAGE, LINK, ORDERS, CARD, MORE, BRIEF, ROUTE, DISPUTES, EVIDENCE, WATCH = (
    "x:lang:", "x:link:", "x:orders:", "x:card:", "x:more:", "x:brief:", "x:to:", "x:disputes:", "x:evidence:",
    "x:watch:")
#: the Today card's digest button, "x:digest:on" / "x:digest:off" (core.today draws it)
DIGEST = "x:digest:"
DIGEST_PATTERN = r"^x:digest:(on|off)$"
#: joining another platform's account refused under its question
LINK_NO = LINK + "no"


def pattern(prefix: str) -> str:
    """The handler pattern of the buttons written with this prefix."""
    return "^" + prefix


def language(code: str) -> str:
    return LANGUAGE + code


def link(code: str) -> str:
    return LINK + code


def orders(which: str, page: int) -> str:
    """/orders' filter and page buttons (read back by bots.parsing.orders_page)."""
    return f"{ORDERS}{which}:{page}"


def card(order_id: str) -> str:
    return CARD + order_id


def more(order_id: str) -> str:
    return MORE + order_id


def route(order_id: str) -> str:
    """The order a held chat message is about, picked."""
    return ROUTE + order_id


def disputes(page: int) -> str:
    return f"{DISPUTES}{page}"


def evidence(order_id: str) -> str:
    return EVIDENCE + order_id


def watch(offer_id: str) -> str:
    """A paused offer's [Tell me when it reopens]."""
    return WATCH + offer_id


def dialog_choice(data: str) -> str:
    """What an open dialog's button says: cancel, skip, done, good or bad."""
    return data.removeprefix("x:")


def value(data: str, prefix: str) -> str:
    """What a button written with this prefix carries (an order, a code, a language)."""
    return data.removeprefix(prefix)
