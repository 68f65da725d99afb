"""Before an order: a buyer's discussion with a seller, and the custom offers sent from it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from core.events import Refusal, Refused
from core.i18n import N_, Text
from core.model import Offer, Viewer
from core.settings import Settings


@dataclass(frozen=True)
class Discussion:
    id: str
    offer_id: str
    buyer: str
    seller: str
    opened_at: datetime


class CustomOfferState(str, Enum):
    SENT = "sent"
    PAID = "paid"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


@dataclass(frozen=True)
class CustomOffer:
    """A price, delivery time and description made for one buyer; payable once, within its validity."""

    id: str
    discussion_id: str
    buyer: str
    seller: str
    title: str
    description: str
    price: int
    currency: str
    delivery_days: int
    sent_at: datetime
    expires_at: datetime
    state: CustomOfferState = CustomOfferState.SENT
    order_id: str | None = None

    def state_at(self, now: datetime) -> CustomOfferState:
        if self.state is CustomOfferState.SENT and now >= self.expires_at:
            return CustomOfferState.EXPIRED
        return self.state

    def as_offer(self) -> Offer:
        """The offer a checkout places the order against."""
        return Offer(self.id, self.seller, self.title, self.description, self.price, self.currency,
                     self.delivery_days)


def _refuse(code: Refused, msgid: str, **params: object) -> Refusal:
    return Refusal(code, Text.of(msgid, **params))


def open_discussion(discussion_id: str, offer: Offer, buyer: Viewer, now: datetime) -> Discussion | Refusal:
    if not offer.active:
        return _refuse(Refused.OFFER, N_("This offer is paused or no longer exists."))
    if not offer.contact_allowed:
        return _refuse(Refused.OFFER, N_("The seller does not take questions on this offer: you can order it directly."))
    if buyer.account == offer.seller:
        return _refuse(Refused.ROLE, N_("You cannot contact yourself about your own offer."))
    return Discussion(discussion_id, offer.id, buyer.account, offer.seller, now)


def check_seller(discussion: Discussion, seller: Viewer) -> Refusal | None:
    """May this person make custom offers in this discussion? None if yes."""
    if seller.account != discussion.seller:
        return _refuse(Refused.ROLE, N_("Only the seller of this discussion can send a custom offer."))
    return None


def send_custom_offer(
    offer_id: str, discussion: Discussion, seller: Viewer, now: datetime, settings: Settings, *,
    title: str, description: str, price: int, currency: str, delivery_days: int,
) -> CustomOffer | Refusal:
    refusal = check_seller(discussion, seller)
    if refusal is not None:
        return refusal
    if not isinstance(price, int) or price <= 0:
        return _refuse(Refused.INPUT, N_("The price must be more than 0."))
    if not isinstance(delivery_days, int) or not 1 <= delivery_days <= 365:
        return _refuse(Refused.INPUT, N_("The delivery time must be between 1 and {limit} days."), limit=365)
    if not title.strip() or len(title) > 120 or len(description) > settings.max_text:
        return _refuse(Refused.INPUT, N_("Give the offer a title (up to 120 characters) and a description."))
    return CustomOffer(offer_id, discussion.id, discussion.buyer, discussion.seller, title.strip(),
                       description.strip(), price, currency, delivery_days, now, now + settings.custom_offer)


def check_payable(custom: CustomOffer, buyer: Viewer, now: datetime) -> Refusal | None:
    """May this buyer pay this custom offer now? None if yes."""
    if buyer.account != custom.buyer:
        return _refuse(Refused.STRANGER, N_("This custom offer was made for someone else."))
    state = custom.state_at(now)
    if state is CustomOfferState.EXPIRED:
        return _refuse(Refused.STAGE, N_("This custom offer has expired; ask the seller for a new one."))
    if state is not CustomOfferState.SENT:
        return _refuse(Refused.STAGE, N_("This custom offer can no longer be paid (it was paid, declined or withdrawn)."))
    return None


def settle_custom_offer(custom: CustomOffer, viewer: Viewer, now: datetime, to: CustomOfferState,
                        order_id: str | None = None) -> CustomOffer | Refusal:
    """Marks a sent custom offer paid (buyer, with the order placed), declined (buyer) or withdrawn (seller)."""
    owner = custom.seller if to is CustomOfferState.WITHDRAWN else custom.buyer
    if viewer.account != owner or to in (CustomOfferState.SENT, CustomOfferState.EXPIRED):
        return _refuse(Refused.ROLE, N_("You cannot do this with this custom offer."))
    if custom.state_at(now) is not CustomOfferState.SENT:
        return _refuse(Refused.STAGE, N_("This custom offer can no longer be paid (it was paid, declined or withdrawn)."))
    return replace(custom, state=to, order_id=order_id)
