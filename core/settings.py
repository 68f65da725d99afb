"""Every duration, reminder offset and amount rule of the spec, as one settings value."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from core.model import Deadline

H = timedelta(hours=1)
D = timedelta(days=1)


def _default_reminders() -> dict[Deadline, tuple[timedelta, ...]]:
    return {
        Deadline.ACCEPTANCE: (24 * H, 2 * H),
        Deadline.DELIVERY: (24 * H,),
        Deadline.CANCELLATION_ANSWER: (24 * H,),
        Deadline.REVISION_ANSWER: (24 * H,),
        Deadline.REVIEW_WINDOW: (48 * H, 24 * H),
        Deadline.REVISION_REFUSED_CHOICE: (48 * H,),
        Deadline.EXTENSION_ANSWER: (24 * H,),
    }


@dataclass(frozen=True)
class Settings:
    acceptance: timedelta = 48 * H
    cancellation_answer: timedelta = 48 * H
    revision_answer: timedelta = 48 * H
    review_window: timedelta = 7 * D
    revision_refused_choice: timedelta = 7 * D
    extension_answer: timedelta = 48 * H  # the buyer's answer to the seller's request for more time
    chat_after_closing: timedelta = 7 * D
    custom_offer: timedelta = 7 * D
    review_period: timedelta = 180 * D  # "6 months"
    expiry: timedelta = 150 * D  # "5 months" after payment
    voucher_validity: timedelta = 365 * D  # how long the voucher offered for an expired order can be used
    #: a "day" of delivery time; tests and the demo shrink it
    day: timedelta = D
    tip_cap_percent: int = 20
    commission_basis_points: int = 0  # 100 = 1 %
    refused_cancellations_to_dispute: int = 2
    max_extension_days: int = 14  # the most days one extension request may ask for
    max_away_days: int = 90  # the longest time off a seller may set at once
    max_away_message: int = 300  # characters of the message visitors read while the seller is away
    max_in_progress_limit: int = 50  # the highest limit of orders in progress a seller may set
    #: how often a visitor waiting for a full seller's offer is looked at again (away ends at a known time)
    reopen_check: timedelta = 10 * timedelta(minutes=1)
    expiry_voucher: bool = True
    mask_contacts: bool = True
    max_text: int = 4000
    reminders: dict[Deadline, tuple[timedelta, ...]] = field(default_factory=_default_reminders)

    def duration(self, kind: Deadline) -> timedelta:
        """The fixed length of a deadline; delivery depends on the order and is computed elsewhere."""
        return {
            Deadline.ACCEPTANCE: self.acceptance,
            Deadline.CANCELLATION_ANSWER: self.cancellation_answer,
            Deadline.REVISION_ANSWER: self.revision_answer,
            Deadline.REVIEW_WINDOW: self.review_window,
            Deadline.REVISION_REFUSED_CHOICE: self.revision_refused_choice,
            Deadline.EXTENSION_ANSWER: self.extension_answer,
            Deadline.EXPIRY: self.expiry,
        }[kind]

    def commission(self, amount: int) -> int:
        return amount * self.commission_basis_points // 10_000

    def tip_cap(self, price: int) -> int:
        return price * self.tip_cap_percent // 100
