"""Checkout: what the buyer chose and must pay, waiting for the payment provider to confirm it.

An order exists only once paid (the spec's "payment confirmed" guard). A checkout holds the
choice until then: Telegram Stars confirm it with a successful payment; the `manual` provider
waits for a moderator who saw the money arrive elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from core.events import Refusal, Refused
from core.i18n import N_, Text


class PaymentState(str, Enum):
    AWAITING = "awaiting"
    PAID = "paid"
    REJECTED = "rejected"
    ABANDONED = "abandoned"


PROVIDERS = ("stars", "manual")


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

    def settle(self, state: PaymentState, provider_ref: str = "", order_id: str | None = None) -> Checkout:
        return replace(self, state=state, provider_ref=provider_ref or self.provider_ref, order_id=order_id)


def check_payment(checkout: Checkout, amount: int, currency: str) -> Refusal | None:
    """May this payment settle this checkout? None if yes."""
    if checkout.state is not PaymentState.AWAITING:
        return Refusal(Refused.STAGE, Text.of(N_("This checkout was already paid or cancelled.")))
    if amount != checkout.amount or currency != checkout.currency:
        return Refusal(Refused.CONDITION, Text.of(N_("The payment has not been confirmed for the full amount.")))
    return None
