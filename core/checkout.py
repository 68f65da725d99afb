"""Checkout: what the buyer chose and must pay, waiting for the payment provider to confirm it.

An order exists only once paid (the spec's "payment confirmed" guard). A checkout holds the
choice until then: Telegram Stars confirm it with a successful payment; the `manual` provider
waits for a moderator who saw the money arrive elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from core.events import Choice, Notice, Refusal, Refused
from core.i18n import N_, Money, Text
from core.model import Offer, Role


class PaymentState(str, Enum):
    AWAITING = "awaiting"
    PAID = "paid"
    REJECTED = "rejected"
    ABANDONED = "abandoned"


PROVIDERS = ("stars", "manual")
#: providers whose payment the buyer watches go through: they see their order at once, in the chat
WATCHED = frozenset({"stars"})
#: the tips offered, in percent of the price; those above the configured cap are left out
TIP_PERCENTS = (0, 5, 10, 15, 20)


@dataclass(frozen=True)
class Checkout:
    id: str
    buyer: str
    seller: str
    offer_id: str | None
    custom_offer_id: str | None
    options: tuple[str, ...]
    tip: int
    brief: str
    files: tuple[str, ...]
    amount: int  # minor units, price + options + tip
    currency: str
    provider: str
    created_at: datetime
    state: PaymentState = PaymentState.AWAITING
    provider_ref: str = ""  # the provider's charge id, used for refunds
    order_id: str | None = None
    credit: int = 0  # what the buyer's vouchers pay; `amount` is what is left to pay
    draws: tuple[tuple[str, int], ...] = ()  # (voucher id, amount taken from it)

    def settle(self, state: PaymentState, provider_ref: str = "", order_id: str | None = None) -> Checkout:
        return replace(self, state=state, provider_ref=provider_ref or self.provider_ref, order_id=order_id)


def check_provider(provider: str, currency: str) -> Refusal | None:
    """Telegram Stars pay prices in Stars only, and prices in Stars are paid with Telegram Stars only."""
    if (provider == "stars") != (currency == "XTR"):
        return Refusal(Refused.CONDITION, Text.of(
            N_("This offer is priced in {currency}, which cannot be paid here at the moment."), currency=currency))
    return None


def check_payment(checkout: Checkout, amount: int, currency: str) -> Refusal | None:
    """May this payment settle this checkout? None if yes."""
    if checkout.state is not PaymentState.AWAITING:
        return Refusal(Refused.STAGE, Text.of(N_("This checkout was already paid or cancelled.")))
    if amount != checkout.amount or currency != checkout.currency:
        return Refusal(Refused.CONDITION, Text.of(N_("The payment has not been confirmed for the full amount.")))
    return None


@dataclass(frozen=True)
class Price:
    """What a choice costs, what the buyer's vouchers take off it, and what is left to pay."""

    total: int
    credit: int = 0

    @property
    def due(self) -> int:
        return self.total - self.credit


def quote(offer: Offer, options: tuple[str, ...], tip: int) -> int | None:
    """What the buyer pays for this choice (offer, options, tip); None if an option is not the offer's."""
    prices = {o.id: o.price for o in offer.options}
    if len(set(options)) != len(options) or any(o not in prices for o in options):
        return None
    return offer.price + sum(prices[o] for o in options) + tip


def tip_choices(price: int, cap_percent: int) -> tuple[tuple[int, int], ...]:
    """(percent, amount) pairs for the tip buttons, in whole minor units (rounded down, so never over the cap)."""
    return tuple((p, price * p // 100) for p in TIP_PERCENTS if p <= cap_percent)


def awaiting_notices(checkout: Checkout, title: str) -> tuple[Notice, ...]:
    """Who must act before a checkout can be paid: for a manual payment, a moderator who sees the money."""
    if checkout.provider in WATCHED or checkout.amount == 0:
        return ()  # a checkout the buyer's vouchers pay in full needs nobody
    text = Text.of(N_("Payment to confirm: {amount} for “{title}”, reference {reference}. Confirm it only once "
                      "the money has arrived."),
                   amount=Money(checkout.amount, checkout.currency), title=title, reference=checkout.id)
    return (Notice(None, Role.MODERATOR, text, f"checkout:{checkout.id}", with_card=False, buttons=(
        Choice(Text.of(N_("Confirm payment")), f"p:ok:{checkout.id}"),
        Choice(Text.of(N_("Reject")), f"p:no:{checkout.id}"))),)


def placed_notices(checkout: Checkout, order_id: str) -> tuple[Notice, ...]:
    """A buyer who did not watch their payment go through hears that their order is placed."""
    if checkout.provider in WATCHED or not (checkout.brief.strip() or checkout.files):
        return ()  # without a brief, the order's own notice tells the buyer it is placed and asks for the brief
    text = Text.of(N_("Your payment was confirmed: order #{order} is placed."), order=order_id)
    return (Notice(order_id, Role.BUYER, text, f"{order_id}:1:paid"),)


def rejected_notices(checkout: Checkout) -> tuple[Notice, ...]:
    return (Notice(None, Role.BUYER, Text.of(
        N_("Your payment of {amount} (reference {reference}) could not be confirmed, so no order was placed. "
           "If you did pay, contact the marketplace's moderators."),
        amount=Money(checkout.amount, checkout.currency), reference=checkout.id),
        f"checkout:{checkout.id}:rejected", with_card=False, account=checkout.buyer),)
