"""Seller statistics computed from the event log alone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from core.events import Event
from core.model import Action, Role, Stage

#: actions that set a fresh delivery deadline: an extension accepted before one no longer counts for what follows
_FRESH_DEADLINE = frozenset({Action.ACCEPT, Action.ACCEPT_REVISION, Action.RESUME})
#: closings that count against the seller's completion rate (a buyer's own cancellation does not)
_SELLER_FAILURES = frozenset({Action.DECLINE, Action.ACCEPTANCE_TIMEOUT, Action.CANCEL_LATE})


def _seller_failed(event: Event) -> bool:
    return event.action in _SELLER_FAILURES or (event.action is Action.CANCEL and event.role is Role.SELLER)


@dataclass(frozen=True)
class SellerStats:
    orders: int
    deliveries: int
    on_time_rate: float | None  # deliveries made before their deadline (extended or not)
    extended: int  # of which within a deadline the buyer extended: "on time, extended", never late
    late: int  # deliveries made after their deadline
    completion_rate: float | None  # closed orders the seller brought to completion
    median_time_to_accept: timedelta | None
    positive_reviews: int
    negative_reviews: int


def seller_stats(seller: str, events: Iterable[Event]) -> SellerStats:
    placed: dict[str, datetime] = {}
    waits: list[timedelta] = []
    extended_now: set[str] = set()  # orders whose current delivery deadline was extended
    on_time = extended = deliveries = completed = failed = positive = negative = 0
    for event in sorted(events, key=lambda e: (e.at, e.version)):
        if event.action is Action.PLACE_ORDER:
            if event.get("seller") == seller:
                placed[event.order_id] = event.at
            continue
        if event.order_id not in placed:
            continue
        if event.action is Action.ACCEPT:
            waits.append(event.at - placed[event.order_id])
        if event.action in _FRESH_DEADLINE:
            extended_now.discard(event.order_id)
        elif event.action is Action.ACCEPT_EXTENSION:
            extended_now.add(event.order_id)
        elif event.action is Action.DELIVER:
            deliveries += 1
            on_time += bool(event.get("on_time"))
            extended += bool(event.get("on_time")) and event.order_id in extended_now
        if event.action in (Action.REVIEW, Action.COMPLETE) and event.get("positive") is not None:
            positive += event.get("positive") is True
            negative += event.get("positive") is False
        if event.after is Stage.COMPLETED and event.before is not Stage.COMPLETED:
            completed += 1
        elif event.after is Stage.CANCELLED and _seller_failed(event):
            failed += 1
    closed = completed + failed
    return SellerStats(
        orders=len(placed),
        deliveries=deliveries,
        on_time_rate=on_time / deliveries if deliveries else None,
        extended=extended,
        late=deliveries - on_time,
        completion_rate=completed / closed if closed else None,
        # the stubs type median for numbers only; timedeltas add and halve, which is all it needs
        median_time_to_accept=median(waits) if waits else None,  # type: ignore[type-var]
        positive_reviews=positive,
        negative_reviews=negative,
    )
