"""The ports the service needs from the outside world: a clock, storage (a unit of work), ids."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Protocol

from core.availability import TimeOff, Watch
from core.chat import ChatMessage
from core.conversations import Conversations
from core.checkout import Checkout, PaymentState
from core.discussion import CustomOffer, CustomOfferState, Discussion
from core.events import Choice, Event, Notice, Outcome, Quote
from core.i18n import Text
from core.model import Offer, Order, Role, Stage
from core.moderation import Audit
from core.people import Accounts
from core.refunds import Refund
from core.today import TodayMessage, TodayState
from core.deadlines import Timer, TimerPlan
from core.vouchers import Voucher


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class ManualClock:
    """A clock that moves only when told: tests and the demo jump across deadlines in milliseconds."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


class Conflict(Exception):
    """The order changed between reading and writing it: another action won."""


class UnitOfWork(Protocol):
    """One transaction. Everything an action causes is saved together, or nothing is."""

    accounts: Accounts
    audit: Audit
    conversations: Conversations

    async def __aenter__(self) -> UnitOfWork: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...

    async def order(self, order_id: str) -> Order | None: ...
    async def orders(self, order_ids: list[str]) -> dict[str, Order]:
        """These orders, by id, locked until the unit ends (a batch written from them cannot conflict)."""
    async def orders_of(self, account: str, stages: Collection[Stage] | None = None, limit: int = 10, offset: int = 0) -> list[Order]:
        """This person's orders as buyer or seller, the latest paid first."""
    async def disputes_taken_by(self, moderator: str, limit: int = 50) -> list[Order]:
        """The disputes this moderator took: the orders whose chat they are part of."""
    async def orders_in(self, stages: Collection[Stage], limit: int = 10, offset: int = 0) -> list[Order]: ...
    async def count_orders_in(self, stages: Collection[Stage]) -> int: ...
    async def messages(self, order_id: str) -> list[ChatMessage]: ...
    async def flagged_messages(self, limit: int = 20) -> list[tuple[ChatMessage, str]]: ...
    async def offer(self, offer_id: str) -> Offer | None: ...
    async def custom_offer(self, custom_offer_id: str) -> CustomOffer | None: ...
    async def seller_suspended(self, account: str) -> bool: ...
    async def events(self, order_id: str) -> list[Event]: ...
    async def names(self, account_ids: Iterable[str]) -> dict[str, str]:
        """People's display names by account id."""
    async def vouchers_of(self, account: str) -> list[Voucher]:
        """This person's vouchers with something left on them, the first to expire first."""
    async def draw_vouchers(self, draws: tuple[tuple[str, int], ...]) -> None:
        """Takes (voucher id, amount) off vouchers that still hold it, else raises Conflict."""

    async def save(self, before: Order | None, outcome: Outcome, plan: TimerPlan) -> None:
        """Writes the new order (only if it is still at `before.version`, else raises Conflict), its
        events, ledger moves, timer changes and one outbox row per notice and recipient identity."""

    async def save_all(self, changes: list[tuple[Order | None, Outcome, TimerPlan]]) -> None:
        """Many `save`s at once (a statement per table); any Conflict undoes the unit's work."""

    async def save_custom_offer(self, custom: CustomOffer, expected: CustomOfferState | None = None) -> None:
        """Writes a custom offer; with `expected`, only if it is still in that state (else Conflict)."""
    async def save_offer(self, offer: Offer) -> None: ...
    async def offers_of(self, seller: str) -> list[Offer]: ...
    async def discussion(self, discussion_id: str) -> Discussion | None: ...
    async def discussion_of(self, offer_id: str, buyer: str) -> Discussion | None: ...
    async def save_discussion(self, discussion: Discussion) -> None: ...
    async def queue_refund(self, refund: Refund) -> None:
        """Queues a whole payment to give back through its provider; a payment is queued at most once."""
    async def checkout(self, checkout_id: str) -> Checkout | None: ...
    async def save_checkout(self, checkout: Checkout, expected: PaymentState | None = None) -> None:
        """Writes a checkout; with `expected`, only if it is still in that state (else Conflict)."""
    async def add_message(self, message: ChatMessage) -> int:
        """Keeps a chat message with its order (the evidence a moderator reads); returns its id."""

    async def message_from(self, platform: str, source: str) -> ChatMessage | None:
        """The chat message written as this platform's message (not an edit of it), if it is one."""

    async def latest_version(self, message_id: int) -> ChatMessage | None:
        """A chat message as it reads now: its latest edit, else itself."""

    async def mark_left_visible(self, message_id: int) -> None:
        """A flagged message whose unmasked copy stayed where it was written."""

    async def notify(self, notice: Notice) -> None:
        """Queues a notice that is not the result of a transition (a reminder, a discussion's message):
        to the order's party, or to `notice.account` when set, or to every moderator."""

    async def notify_all(self, notices: list[Notice]) -> None: ...

    async def finish_timer(self, order_id: str, timer: Timer) -> None:
        """Removes a fired timer so it never fires again."""

    async def finish_timers(self, fired: list[tuple[str, Timer]]) -> None: ...

    # time off and capacity (core.availability)
    async def time_off(self, seller: str) -> TimeOff | None: ...
    async def save_time_off(self, time_off: TimeOff) -> None: ...
    async def count_in_progress(self, seller: str, stages: frozenset[Stage]) -> int:
        """How many of this seller's orders are in these stages."""
    async def save_watches(self, watches: list[Watch]) -> None:
        """Visitors waiting for a paused offer, each to be looked at again at its `due` (one per offer and visitor:
        a second request replaces the first)."""
    async def due_watches(self, now: datetime, limit: int, lock: bool = True) -> list[Watch]:
        """The waiting visitors due by `now`, soonest first; with `lock`, locked (PostgreSQL) until the unit ends."""
    async def forget_watches(self, watches: list[Watch]) -> None: ...
    async def recheck_watches(self, seller: str, now: datetime) -> None:
        """This seller's waiting visitors are all due at `now` (their time off or limit changed)."""

    # the Today card and the morning digest (core.today); a change of an order marks its parties' cards out of
    # date where its notices are written (`save`, `notify`), in the same transaction
    async def today_state(self, account: str) -> TodayState | None: ...
    async def save_today(self, state: TodayState) -> None: ...
    async def today_shown(self, account: str, changes: int, now: datetime) -> None:
        """The card shows every change up to `changes` (drawn at `now`); one counted since keeps it out of date."""
    async def dirty_todays(self, shown_before: datetime, limit: int) -> list[TodayState]:
        """The out-of-date cards last drawn before `shown_before` (or never), the longest out of date first."""
    async def due_digests(self, now: datetime, limit: int) -> list[TodayState]:
        """The people whose digest is due by `now` or not planned yet (locked, on PostgreSQL, in a writing unit)."""
    async def today_messages(self, account: str) -> list[TodayMessage]: ...
    async def keep_today_message(self, message: TodayMessage) -> None: ...


class UnitOfWorkFactory(Protocol):
    """Opens a unit of work. `read_only=True` promises that it only reads (it is then refused writes, and on
    SQLite does not take the write lock)."""

    def __call__(self, read_only: bool = False) -> UnitOfWork: ...


@dataclass(frozen=True)
class Outgoing:
    """One notification for one person on one platform, taken from the outbox."""

    dedupe_key: str
    platform: str
    chat_id: str
    account_id: str
    language: str
    timezone: str
    order_id: str | None
    role: Role
    text: Text
    with_card: bool = True
    files: tuple[str, ...] = ()
    buttons: tuple[Choice, ...] = ()  # besides the card's: a notice's own (reply, pay, confirm)
    quotes: tuple[Quote, ...] = ()  # what the notice announces, whole (a brief, a delivery's message, a reason)
    timezone_set: bool = True  # False: `timezone` is the marketplace's, not chosen: cards say which zone it is
    #: its order as it stood when the relay's batch was read (None: no order, or it is gone): the card under the
    #: notice and the order's Discord room are drawn from it, so sending a notice reads no order of its own
    order: Order | None = field(default=None, repr=False)


class RetryLater(Exception):
    """The platform asked us to wait (Telegram's retry_after, Discord's retry-after) or failed for now."""

    def __init__(self, after: float | None = None, reason: str = "") -> None:
        super().__init__(reason or f"retry after {after}s")
        self.after = after


class Undeliverable(Exception):
    """This message can never be delivered (the person blocked the bot, the chat is gone)."""


class Notifier(Protocol):
    """Sends one notification on one platform; returns the platform's id of the message sent."""

    platform: str

    async def send(self, message: Outgoing) -> str: ...


def new_id(length: int = 8) -> str:
    """A short id people can type: uppercase letters and digits without look-alikes."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))
