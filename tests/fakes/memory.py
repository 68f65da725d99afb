"""An in-memory unit of work: the storage port without a database, for testing the service."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from core.availability import TimeOff, Watch
from core.discussion import CustomOffer, Discussion
from core.events import Event, Notice, Outcome
from core.ledger import Ledger
from core.model import Offer, Order
from core.ports import Conflict, ManualClock
from core.deadlines import Timer, TimerPlan
from core.today import TodayMessage, TodayState
from core.vouchers import Voucher


@dataclass
class Store:
    orders: dict[str, Order] = field(default_factory=dict)
    offers: dict[str, Offer] = field(default_factory=dict)
    custom_offers: dict[str, CustomOffer] = field(default_factory=dict)
    suspended: set[str] = field(default_factory=set)
    events: list[Event] = field(default_factory=list)
    ledger: Ledger = field(default_factory=Ledger)
    timers: dict[tuple[str, str], datetime] = field(default_factory=dict)
    outbox: list[Notice] = field(default_factory=list)
    messages: list = field(default_factory=list)
    checkouts: dict = field(default_factory=dict)
    discussions: dict[str, Discussion] = field(default_factory=dict)
    refunds: dict[str, object] = field(default_factory=dict)  # by provider_ref, like the database's unique key
    vouchers: dict[str, Voucher] = field(default_factory=dict)
    time_off: dict[str, TimeOff] = field(default_factory=dict)
    watches: dict[tuple[str, str], Watch] = field(default_factory=dict)  # by (offer, account)
    todays: dict[str, TodayState] = field(default_factory=dict)
    today_messages: dict[tuple[str, str], TodayMessage] = field(default_factory=dict)  # by (account, platform)


class MemoryUnitOfWork:
    def __init__(self, store: Store, read_only: bool = False) -> None:
        self.store = store  # read_only is accepted and ignored: a memory unit takes no lock

    async def __aenter__(self) -> MemoryUnitOfWork:
        self.work = copy.deepcopy(self.store)  # changes are seen only after commit
        self.changed: set[str] = set()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.work = None

    async def commit(self) -> None:
        self.store.__dict__.update(self.work.__dict__)

    async def order(self, order_id: str) -> Order | None:
        return self.work.orders.get(order_id)

    async def orders(self, order_ids: list[str]) -> dict[str, Order]:
        return {i: self.work.orders[i] for i in order_ids if i in self.work.orders}

    async def offer(self, offer_id: str) -> Offer | None:
        return self.work.offers.get(offer_id)

    async def offers_of(self, seller: str) -> list[Offer]:
        return [o for o in self.work.offers.values() if o.seller == seller]

    async def save_offer(self, offer: Offer) -> None:
        self.work.offers[offer.id] = offer

    async def discussion(self, discussion_id: str) -> Discussion | None:
        return self.work.discussions.get(discussion_id)

    async def discussion_of(self, offer_id: str, buyer: str) -> Discussion | None:
        return next((d for d in self.work.discussions.values() if (d.offer_id, d.buyer) == (offer_id, buyer)), None)

    async def save_discussion(self, discussion: Discussion) -> None:
        self.work.discussions[discussion.id] = discussion

    async def queue_refund(self, refund) -> None:
        self.work.refunds.setdefault(refund.provider_ref, refund)

    async def custom_offer(self, custom_offer_id: str) -> CustomOffer | None:
        return self.work.custom_offers.get(custom_offer_id)

    async def seller_suspended(self, account: str) -> bool:
        return account in self.work.suspended

    async def time_off(self, seller: str) -> TimeOff | None:
        return self.work.time_off.get(seller)

    async def save_time_off(self, time_off: TimeOff) -> None:
        self.work.time_off[time_off.seller] = time_off

    async def count_in_progress(self, seller: str, stages) -> int:
        return sum(1 for o in self.work.orders.values() if o.seller == seller and o.stage in stages)

    async def save_watches(self, watches: list[Watch]) -> None:
        self.work.watches.update({(w.offer_id, w.account): w for w in watches})

    async def due_watches(self, now: datetime, limit: int, lock: bool = True) -> list[Watch]:
        return sorted((w for w in self.work.watches.values() if w.due <= now), key=lambda w: w.due)[:limit]

    async def forget_watches(self, watches: list[Watch]) -> None:
        for w in watches:
            self.work.watches.pop((w.offer_id, w.account), None)

    async def recheck_watches(self, seller: str, now: datetime) -> None:
        for key, w in list(self.work.watches.items()):
            if w.seller == seller:
                self.work.watches[key] = replace(w, due=now)

    async def events(self, order_id: str) -> list[Event]:
        return [e for e in self.work.events if e.order_id == order_id]

    async def vouchers_of(self, account: str) -> list[Voucher]:
        return sorted((v for v in self.work.vouchers.values() if v.account == account and v.amount > 0),
                      key=lambda v: v.expires_at)

    async def draw_vouchers(self, draws) -> None:
        for voucher_id, amount in draws:
            current = self.store.vouchers.get(voucher_id)  # what is committed: another unit may have drawn it
            if current is None or current.amount < amount:
                raise Conflict(voucher_id)
            self.work.vouchers[voucher_id] = replace(current, amount=current.amount - amount)

    async def names(self, account_ids) -> dict[str, str]:
        return {account: account.capitalize() for account in account_ids}  # the fake's people are named by id

    async def save(self, before: Order | None, outcome: Outcome, plan: TimerPlan) -> None:
        await self.save_all([(before, outcome, plan)])

    async def save_all(self, changes) -> None:
        for before, outcome, plan in changes:
            order = outcome.order
            # the committed state (another unit may have won), or this unit's own earlier change of the order
            current = (self.work.orders if order.id in self.changed else self.store.orders).get(order.id)
            if (current.version if current else None) != (before.version if before else None):
                raise Conflict(order.id)
            self.changed.add(order.id)
            self.work.orders[order.id] = order
            self.work.events.extend(outcome.events)
            for move in outcome.moves:
                self.work.ledger.post(move)
            for kind in plan.cancel:
                self.work.timers.pop((order.id, kind.format()), None)
            for timer in plan.schedule:
                self.work.timers[(order.id, timer.kind.format())] = timer.due
            self.work.outbox.extend(outcome.notices)
            self.work.vouchers.update({v.id: v for v in outcome.vouchers})

    async def save_custom_offer(self, custom: CustomOffer, expected=None) -> None:
        current = self.store.custom_offers.get(custom.id)
        if expected is not None and (current is None or current.state is not expected):
            raise Conflict(custom.id)
        self.work.custom_offers[custom.id] = custom

    async def checkout(self, checkout_id: str):
        return self.work.checkouts.get(checkout_id)

    async def save_checkout(self, checkout, expected=None) -> None:
        current = self.store.checkouts.get(checkout.id)
        if expected is not None and (current is None or current.state is not expected):
            raise Conflict(checkout.id)
        self.work.checkouts[checkout.id] = checkout

    async def add_message(self, message) -> int:
        self.work.messages.append(replace(message, id=len(self.work.messages) + 1))
        return len(self.work.messages)

    async def message_from(self, platform: str, source: str):
        return next((m for m in self.work.messages
                     if (m.platform, m.source, m.edit_of) == (platform, source, None)), None)

    async def latest_version(self, message_id: int):
        return next((m for m in reversed(self.work.messages) if message_id in (m.id, m.edit_of)), None)

    async def mark_left_visible(self, message_id: int) -> None:
        self.work.messages[message_id - 1] = replace(self.work.messages[message_id - 1], left_visible=True)

    async def notify(self, notice: Notice) -> None:
        self.work.outbox.append(notice)

    async def notify_all(self, notices: list[Notice]) -> None:
        self.work.outbox.extend(notices)

    async def today_state(self, account: str) -> TodayState | None:
        return self.work.todays.get(account)

    async def save_today(self, state: TodayState) -> None:
        self.work.todays[state.account] = state

    async def today_shown(self, account: str, changes: int, now: datetime) -> None:
        state = self.work.todays[account]
        self.work.todays[account] = replace(state, shown=changes, shown_at=now,
                                            dirty_since=None if state.changes == changes else state.dirty_since)

    async def dirty_todays(self, shown_before: datetime, limit: int) -> list[TodayState]:
        return sorted((s for s in self.work.todays.values() if s.dirty_since is not None
                       and (s.shown_at is None or s.shown_at <= shown_before)), key=lambda s: s.dirty_since)[:limit]

    async def due_digests(self, now: datetime, limit: int) -> list[TodayState]:
        return [s for s in self.work.todays.values() if s.digest_due is None or s.digest_due <= now][:limit]

    async def today_messages(self, account: str) -> list[TodayMessage]:
        return [m for (a, _), m in sorted(self.work.today_messages.items()) if a == account]

    async def keep_today_message(self, message: TodayMessage) -> None:
        self.work.today_messages[(message.account, message.platform)] = message

    async def finish_timer(self, order_id: str, timer: Timer) -> None:
        self.work.timers.pop((order_id, timer.kind.format()), None)

    async def finish_timers(self, fired) -> None:
        for order_id, timer in fired:
            await self.finish_timer(order_id, timer)


class FakeClock(ManualClock):
    def __init__(self, now: datetime | None = None) -> None:
        super().__init__(now or datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc))
