"""Vouchers: what the buyer of an expired order is offered instead of the money the platform kept.

A voucher is worth what the expired order held, in its currency, for `Settings.voucher_validity`. It is taken
off the price of the buyer's next orders at checkout, automatically, oldest first, until it is used up. Its
money never leaves Comptoir's books: expiry moves the escrow to the platform's account, and an order paid
(partly) with a voucher is funded from that account. Refunding such an order gives the voucher part back as
a voucher, never as money: only what the buyer paid is paid back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.i18n import N_, Day, Money, Text
from core.model import Order


@dataclass(frozen=True)
class Voucher:
    id: str
    account: str  # the buyer it belongs to
    currency: str
    amount: int  # what is left on it, in minor units
    issued: int  # what it was worth when issued
    order_id: str  # the order whose money it stands for
    issued_at: datetime
    expires_at: datetime

    def usable(self, currency: str, now: datetime) -> bool:
        return self.currency == currency and self.amount > 0 and now < self.expires_at


def draw(vouchers: list[Voucher], due: int, currency: str, now: datetime) -> tuple[tuple[str, int], ...]:
    """What to take from which voucher to pay `due`: the ones expiring first first, never more than due."""
    draws, left = [], due
    for voucher in sorted((v for v in vouchers if v.usable(currency, now)), key=lambda v: (v.expires_at, v.id)):
        if left <= 0:
            break
        taken = min(voucher.amount, left)
        draws.append((voucher.id, taken))
        left -= taken
    return tuple(draws)


def credit_left(order: Order) -> int:
    """The part of what the order holds that came from vouchers: refunds pay back the buyer's money first."""
    paid = order.total - order.credit
    paid_back = min(order.refunded, paid)
    return order.credit - (order.refunded - paid_back)


def split_refund(order: Order, amount: int) -> tuple[int, int]:
    """(money, voucher) of a refund of `amount`: the buyer's money first, then the voucher part."""
    paid = order.total - order.credit
    money_left = max(paid - min(order.refunded, paid), 0)
    money = min(amount, money_left)
    return money, amount - money


def offered(voucher: Voucher) -> Text:
    """The voucher as its owner reads it: what it is worth and how it is used."""
    return Text.of(N_("{amount}, taken off the price of your next orders at checkout, until {until}."),
                   amount=Money(voucher.amount, voucher.currency), until=Day(voucher.expires_at))
