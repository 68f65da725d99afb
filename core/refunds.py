"""Money going back through the provider that took it: whole Stars payments by the bot, anything partial by hand.

Telegram refunds a Stars payment only as a whole (refundStarPayment takes a charge, not an amount), so a
full refund of a Stars order is queued for the bot, and every partial one is handed to a moderator.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import ledger
from core.events import Notice, Outcome
from core.i18n import N_, Money, Text
from core.model import Order, Role

#: providers whose whole payment Comptoir gives back itself
AUTOMATIC = frozenset({"stars"})


@dataclass(frozen=True)
class Refund:
    """One payment to give back in full; queued with the transition that decided it, done once."""

    provider: str
    provider_ref: str  # the provider's charge id
    buyer: str
    amount: int
    currency: str
    order_id: str | None = None  # None: a payment that could not place an order


def provider_of(payment_ref: str) -> tuple[str, str]:
    """"stars:<charge id>" -> ("stars", "<charge id>")."""
    provider, _, ref = payment_ref.partition(":")
    return provider, ref


def refunds_of(outcome: Outcome) -> tuple[tuple[Refund, ...], tuple[Notice, ...]]:
    """What a transition's ledger moves ask of the payment provider: refunds for the bot, notices for moderators."""
    return owed(outcome.order, outcome.moves)


def owed(order: Order, moves: tuple[ledger.Transaction, ...]) -> tuple[tuple[Refund, ...], tuple[Notice, ...]]:
    """`refunds_of` for an order and its moves, before their outcome is built (the engine puts both in it)."""
    provider, ref = provider_of(order.payment_ref)
    if provider not in AUTOMATIC:
        return (), ()  # paid outside Comptoir: the moderators who confirmed it handle the money
    refunds, notices = [], []
    for tx in moves:
        back = sum(amount for account, amount in tx.postings if account == ledger.buyer(order.buyer))
        if back <= 0:
            continue
        if back == order.total - order.credit:  # the whole payment (what vouchers paid comes back as a voucher)
            refunds.append(Refund(provider, ref, order.buyer, back, order.currency, order.id))
        else:
            notices.append(Notice(order.id, Role.MODERATOR, Text.of(
                N_("Order #{order} was paid with Telegram Stars, which can only be refunded in full. "
                   "The buyer must get {amount} back: please send it to them by hand."),
                order=order.id, amount=Money(back, order.currency)), f"{tx.id}:by-hand"))
    return tuple(refunds), tuple(notices)
