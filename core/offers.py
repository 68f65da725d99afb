"""A seller's offer: the limits it keeps to, who may change it, and what a visitor may do with it."""

from __future__ import annotations

from dataclasses import dataclass

from core.availability import Pause
from core.events import Refusal, Refused
from core.i18n import N_, Text
from core.model import Offer, Option, Viewer

TITLE_MAX = 120
DESCRIPTION_MAX = 2000
DAYS_MAX = 365
OPTIONS_MAX = 10
REVISIONS_MAX = 99
#: what a visitor may do with an offer they are shown
ORDER, ASK = "order", "ask"
#: instead of ordering a paused offer: be told once when it reopens (core.availability)
WATCH = "watch"


def check_title(title: str) -> Text | None:
    if not title.strip():
        return Text.of(N_("The title cannot be empty."))
    if len(title) > TITLE_MAX:
        return Text.of(N_("The title is too long ({length} characters; the limit is {limit})."),
                       length=len(title), limit=TITLE_MAX)
    return None


def check_description(description: str) -> Text | None:
    if not description.strip():
        return Text.of(N_("Describe what the buyer gets: the description cannot be empty."))
    if len(description) > DESCRIPTION_MAX:
        return Text.of(N_("The description is too long ({length} characters; the limit is {limit})."),
                       length=len(description), limit=DESCRIPTION_MAX)
    return None


def check_price(price: int | None) -> Text | None:
    if not isinstance(price, int) or isinstance(price, bool) or price <= 0:
        return Text.of(N_("The price must be more than 0."))
    return None


def check_days(days: int | None) -> Text | None:
    if not isinstance(days, int) or not 1 <= days <= DAYS_MAX:
        return Text.of(N_("The delivery time must be between 1 and {limit} days."), limit=DAYS_MAX)
    return None


def check_extra_days(days: int | None) -> Text | None:
    if not isinstance(days, int) or not 0 <= days <= DAYS_MAX:
        return Text.of(N_("The extra time must be between 0 and {limit} days."), limit=DAYS_MAX)
    return None


def check_revisions(revisions: int | None) -> Text | None:
    """None is "unlimited"; otherwise a count, 0 meaning no revision at all."""
    if revisions is not None and (not isinstance(revisions, int) or not 0 <= revisions <= REVISIONS_MAX):
        return Text.of(N_("The number of revisions must be between 0 and {limit}."), limit=REVISIONS_MAX)
    return None


def check_option_count(count: int) -> Text | None:
    if count > OPTIONS_MAX:
        return Text.of(N_("An offer can have at most {limit} options."), limit=OPTIONS_MAX)
    return None


def check_option(option: Option) -> Text | None:
    return check_title(option.title) or check_price(option.price) or check_extra_days(option.extra_days)


def check_offer(offer: Offer) -> Refusal | None:
    """The whole offer, as it would be published. None if it may be."""
    problem = (check_title(offer.title) or check_description(offer.description) or check_price(offer.price)
               or check_days(offer.delivery_days) or check_option_count(len(offer.options))
               or check_revisions(offer.revisions)
               or next((p for p in map(check_option, offer.options) if p is not None), None))
    if problem is None and len({o.id for o in offer.options}) != len(offer.options):
        problem = Text.of(N_("Two options of this offer have the same id."))
    return Refusal(Refused.INPUT, problem) if problem is not None else None


def may_change(offer: Offer | None, seller: Viewer) -> Refusal | None:
    """Only its seller changes an offer (orders already placed keep what they bought)."""
    if offer is None:
        return Refusal(Refused.UNKNOWN, Text.of(N_("This offer does not exist.")))
    if offer.seller != seller.account:
        return Refusal(Refused.STRANGER, Text.of(N_("This offer is not yours.")))
    return None


@dataclass(frozen=True)
class Shown:
    """An offer as one visitor sees it: what they may do with it, and a note if they may do nothing."""

    offer: Offer
    actions: tuple[str, ...]
    note: Text | None = None


def shown_to(offer: Offer, viewer: Viewer, refusal: Refusal | None, paused: Pause | None = None) -> Shown | Refusal:
    """`refusal` is whether this viewer may order it (engine.may_order), `paused` whether its seller takes no new
    order now (core.availability). Its seller still sees it as buyers do, to check the link they share; anyone
    else is told why they cannot order, and a visitor of a paused offer may ask to be told when it reopens."""
    if viewer.account == offer.seller:
        note = (N_("This is how buyers see your offer.") if offer.active
                else N_("This offer is paused: buyers cannot order it until you resume it (/offers)."))
        if offer.active and paused is not None:
            return Shown(offer, (), Text.of(N_("Paused for buyers:\n{why}"), why=paused.text))
        return Shown(offer, (), Text.of(note))
    if refusal is not None:
        return refusal
    if paused is not None:  # no order for now; a question still reaches the seller, if they take them
        return Shown(offer, (WATCH, ASK) if offer.contact_allowed else (WATCH,), paused.text)
    return Shown(offer, buyer_actions(offer))


def buyer_actions(offer: Offer) -> tuple[str, ...]:
    """What any buyer allowed to order it may do with an offer (a page shown to no one in particular)."""
    return (ORDER, ASK) if offer.contact_allowed else (ORDER,)
