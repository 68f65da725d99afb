"""The Today card: what needs a person now, across their orders (late first, then by deadline), and the morning
digest of it in their time zone. Pure decisions here; `Todays` is the use case the adapters and the poll ask."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import Enum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.events import Choice, Notice
from core.i18n import N_, Lines, Mark, Moment, Text
from core.model import OPEN, Deadline, Order, Role, Stage, Viewer

if TYPE_CHECKING:  # the ports name this module's types: imported for the checker only
    from core.people import Account, Identity
    from core.ports import Clock, UnitOfWork, UnitOfWorkFactory


class Need(str, Enum):
    """Why an order is on someone's Today card: what they are expected to do about it."""

    LATE = "late"  # the seller: deliver, the deadline has passed
    DUE_SOON = "due_soon"  # the seller: the delivery is due within `TodayRules.due_soon`
    TO_ACCEPT = "to_accept"  # the seller: a new order to accept or decline
    CANCELLATION = "cancellation"  # the seller: the buyer asks to cancel
    REVISION = "revision"  # the seller: a revision request to answer
    DISPUTE = "dispute"  # either party: a moderator is handling it
    CHECK_DELIVERY = "check_delivery"  # the buyer: a delivery to check before the review window closes
    WRITE_BRIEF = "write_brief"  # the buyer: the seller waits for the brief
    REVISION_REFUSED = "revision_refused"  # the buyer: the seller refused a revision, the buyer chooses
    EXTENSION = "extension"  # the buyer: the seller asks for more time


#: each need's line: the order's number and title, and its deadline ({when}: the date and a live countdown)
LINES: dict[Need, str] = {
    Need.LATE: N_("Late: #{order} “{title}”, due {when}"),
    Need.DUE_SOON: N_("Due soon: #{order} “{title}”, deliver by {when}"),
    Need.TO_ACCEPT: N_("To accept: #{order} “{title}”, by {when}"),
    Need.CANCELLATION: N_("Cancellation to answer: #{order} “{title}”, by {when}"),
    Need.REVISION: N_("Revision to answer: #{order} “{title}”, by {when}"),
    Need.DISPUTE: N_("Dispute: #{order} “{title}”, a moderator is handling it"),
    Need.CHECK_DELIVERY: N_("Delivery to check: #{order} “{title}”, by {when}"),
    Need.WRITE_BRIEF: N_("Brief to write: #{order} “{title}”, the seller waits for it (by {when})"),
    Need.REVISION_REFUSED: N_("Revision refused: #{order} “{title}”, choose what to do by {when}"),
    Need.EXTENSION: N_("More time asked: #{order} “{title}”, answer by {when}"),
}
#: the same lines without a deadline (an order whose deadline is paused or gone)
UNDATED: dict[Need, str] = {
    Need.LATE: N_("Late: #{order} “{title}”, deliver as soon as you can"),
    Need.DUE_SOON: N_("Due soon: #{order} “{title}”"),
    Need.TO_ACCEPT: N_("To accept: #{order} “{title}”"),
    Need.CANCELLATION: N_("Cancellation to answer: #{order} “{title}”"),
    Need.REVISION: N_("Revision to answer: #{order} “{title}”"),
    Need.DISPUTE: LINES[Need.DISPUTE],
    Need.CHECK_DELIVERY: N_("Delivery to check: #{order} “{title}”"),
    Need.WRITE_BRIEF: N_("Brief to write: #{order} “{title}”, the seller waits for it"),
    Need.REVISION_REFUSED: N_("Revision refused: #{order} “{title}”, choose what to do"),
    Need.EXTENSION: N_("More time asked: #{order} “{title}”, answer it"),
}
ICON: dict[Need, str] = {
    Need.LATE: "🔴", Need.DUE_SOON: "⏳", Need.TO_ACCEPT: "🆕", Need.CANCELLATION: "✋", Need.REVISION: "✏️",
    Need.DISPUTE: "⚖️", Need.CHECK_DELIVERY: "📦", Need.WRITE_BRIEF: "📝", Need.REVISION_REFUSED: "↩️",
    Need.EXTENSION: "⏱",
}
TITLE = N_("Today")
DIGEST_TITLE = N_("Good morning! Here is what needs you today:")
NOTHING = N_("Nothing needs you today.")
MORE = N_("…and {count} more: /orders")
OPEN_ORDER = N_("Open #{order}")
DIGEST_ON_NOTE = N_("A summary comes every morning at {at}, your time.")
TURN_OFF = N_("Turn off the morning digest")
TURN_ON = N_("Turn on the morning digest")
DIGEST_OFF = N_("Done: no morning digest any more. This card stays up to date.")
DIGEST_BACK = N_("Done: a summary will come every morning at {at}, your time.")
#: the Today card's buttons: a line's opens that order's card (the same data as /orders' entries)
CARD, DIGEST = "x:card:", "x:digest:"
TITLE_LENGTH = 40  # characters of an order's title on a line
#: what a seller does (the others are a buyer's, or either party's)
SELLERS = frozenset({Need.LATE, Need.DUE_SOON, Need.TO_ACCEPT, Need.CANCELLATION, Need.REVISION})


@dataclass(frozen=True)
class TodayRules:
    """What the Today card shows and when it is drawn again, from the config's [today] section."""

    due_soon: timedelta = timedelta(hours=24)  # a delivery due within this is "due soon"
    lines: int = 8  # lines shown; the rest are counted ("…and 3 more")
    debounce: timedelta = timedelta(seconds=30)  # a person's card is drawn again at most once per this
    digest_at: time = time(8, 0)  # the morning digest's local time
    digest_when_empty: bool = False  # send the digest even when nothing needs the person


@dataclass(frozen=True)
class TodayLine:
    """One order on the card: why it is there, by when, and its button (which opens the order's card)."""

    order_id: str
    need: Need
    label: Text
    deadline: datetime | None
    button: Choice


#: one line of the card's words: its mark (an icon, or nothing) and its text
Item = tuple[str, Text]


@dataclass(frozen=True)
class TodayCard:
    """A person's Today card, platform-neutral: the lines shown, how many more there are, the digest's button."""

    account: str
    lines: tuple[TodayLine, ...]
    more: int
    digest: bool  # the morning digest is on
    digest_at: time

    @property
    def empty(self) -> bool:
        return not self.lines

    @property
    def toggle(self) -> Choice:
        """[Turn off the morning digest] while it is on, [Turn on …] while it is off."""
        return (Choice(Text.of(TURN_OFF), DIGEST + "off") if self.digest
                else Choice(Text.of(TURN_ON), DIGEST + "on"))

    @property
    def buttons(self) -> tuple[Choice, ...]:
        return tuple(line.button for line in self.lines)

    def head(self, digest: bool = False) -> Item:
        """Its title (`digest`: the morning's message says good morning instead)."""
        return ("☀️", Text.of(DIGEST_TITLE)) if digest else ("📌", Text.of(TITLE))

    def items(self) -> tuple[Item, ...]:
        """One per line, in the order of `lines`, each after its need's mark."""
        return tuple((ICON[line.need], line.label) for line in self.lines)

    def rest(self) -> tuple[Item, ...]:
        """Under the lines: that nothing needs the person (there are none), or how many more there are."""
        if self.empty:
            return (("", Text.of(NOTHING)),)
        return (("", Text.of(MORE, count=self.more)),) if self.more else ()

    def note(self, digest: bool = False) -> tuple[Item, ...]:
        """The word about the morning digest, at the foot of the card (the digest itself has none)."""
        if not self.digest or digest:
            return ()
        return (("", Text.of(DIGEST_ON_NOTE, at=self.digest_at.strftime("%H:%M"))),)

    def body(self, digest: bool = False) -> Lines:
        """The card's words, a line each (`digest`: as the morning's message)."""
        return Lines((self.head(digest), *self.items(), *self.rest(), *self.note(digest)))

    def text(self, lang: str, zone: tzinfo, now: datetime, mark: Mark | None = None, digest: bool = False) -> str:
        return self.body(digest).render(lang, zone, now, mark)

    def digest_notice(self, day: date) -> Notice:
        """The morning digest, through the outbox like every notice (on each platform the person uses, once: its
        key names the local day): the card's lines, each with its button, and the digest's own."""
        selling = any(line.need in SELLERS for line in self.lines)
        return Notice(None, Role.SELLER if selling else Role.BUYER, Text.of("{lines}", lines=self.body(digest=True)),
                      f"today:{self.account}:{day.isoformat()}", with_card=False, account=self.account,
                      buttons=self.buttons + (self.toggle,))


def need_of(order: Order, role: Role, now: datetime, rules: TodayRules) -> tuple[Need, datetime | None] | None:
    """What this party of the order has to do about it now, and by when; None when nothing (the other party's
    turn, or a closed order)."""
    stage = order.stage
    if stage is Stage.DISPUTED:
        return Need.DISPUTE, None
    if role is Role.SELLER:
        if stage is Stage.PENDING and (order.brief.strip() or order.brief_files):
            return Need.TO_ACCEPT, order.deadline(Deadline.ACCEPTANCE)
        if stage is Stage.IN_PROGRESS:
            due = order.deadline(Deadline.DELIVERY)
            if order.cancellation_reason is not None:
                return Need.CANCELLATION, order.deadline(Deadline.CANCELLATION_ANSWER)
            if order.late:
                return Need.LATE, due
            if due is not None and due - now <= rules.due_soon:
                return Need.DUE_SOON, due
        if stage is Stage.REVISION_REQUESTED:
            return Need.REVISION, order.deadline(Deadline.REVISION_ANSWER)
        return None
    if role is Role.BUYER:
        if stage is Stage.PENDING and not (order.brief.strip() or order.brief_files):
            return Need.WRITE_BRIEF, order.deadline(Deadline.ACCEPTANCE)
        if stage is Stage.DELIVERED:
            return Need.CHECK_DELIVERY, order.deadline(Deadline.REVIEW_WINDOW)
        if stage is Stage.REVISION_REFUSED:
            return Need.REVISION_REFUSED, order.deadline(Deadline.REVISION_REFUSED_CHOICE)
        if stage is Stage.IN_PROGRESS and order.extension is not None:
            return Need.EXTENSION, order.deadline(Deadline.EXTENSION_ANSWER)
    return None


def _title(title: str) -> str:
    return title if len(title) <= TITLE_LENGTH else title[:TITLE_LENGTH - 1].rstrip() + "…"


def line_of(order: Order, need: Need, deadline: datetime | None) -> TodayLine:
    params: dict[str, object] = {"order": order.id, "title": _title(order.title)}
    if deadline is not None and need is not Need.DISPUTE:
        label = Text.of(LINES[need], **params, when=Moment(deadline))
    else:
        label = Text.of(UNDATED[need], **params)
    return TodayLine(order.id, need, label, deadline, Choice(Text.of(OPEN_ORDER, order=order.id), CARD + order.id))


def _urgency(line: TodayLine) -> tuple[int, datetime, str]:
    """Late first, then the nearest deadline, the undated last; the order's number breaks ties."""
    far = datetime.max.replace(tzinfo=UTC)
    return (0 if line.need is Need.LATE else 1, line.deadline or far, line.order_id)


def today_of(account: str, orders: list[Order], now: datetime, rules: TodayRules,
             digest: bool = True) -> TodayCard:
    """This person's Today card from their orders (as buyer or seller) and the clock."""
    viewer = Viewer(account)
    found = []
    for order in orders:
        role = order.role_of(viewer)
        if role not in (Role.BUYER, Role.SELLER) or not order.stage.is_open:
            continue
        need = need_of(order, role, now, rules)
        if need is not None:
            found.append(line_of(order, *need))
    found.sort(key=_urgency)
    shown = tuple(found[:rules.lines])
    return TodayCard(account, shown, len(found) - len(shown), digest, rules.digest_at)


# --- when the card is drawn again, and the morning digest ---------------------------------------------------

@dataclass(frozen=True)
class TodayState:
    """What is kept of a person's Today card: how many changes touched their orders and how many the card shows
    (it is out of date while they differ, since `dirty_since`), when it was last drawn, and their digest."""

    account: str
    changes: int = 0
    shown: int = 0
    dirty_since: datetime | None = None
    shown_at: datetime | None = None
    digest_off: bool = False
    last_digest: date | None = None  # the local day of the last digest sent (or skipped: nothing to say)
    digest_due: datetime | None = None  # when the next digest is looked at (UTC); None: not planned yet

    @property
    def dirty(self) -> bool:
        return self.changes != self.shown


@dataclass(frozen=True)
class TodayMessage:
    """Where a person's Today card is on one platform, to be edited in place."""

    account: str
    platform: str
    chat_id: str
    message_id: str


def zone_of(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def next_digest(now: datetime, zone: tzinfo, at: time) -> datetime:
    """The next moment, after now, that is `at` o'clock in this zone (UTC)."""
    local = now.astimezone(zone)
    for days in (0, 1, 2):  # (two: a day whose `at` falls in a DST gap still has the next one)
        day = local.date() + timedelta(days=days)
        moment = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
        if moment > now:
            return moment
    raise AssertionError("a day always comes")


class Digest(str, Enum):
    SEND = "send"  # its time today, not sent yet today: send it
    SKIP = "skip"  # its time, but turned off, or already sent today: plan the next one only
    PLAN = "plan"  # not planned yet: plan it


def digest_decision(state: TodayState, zone: tzinfo, now: datetime, rules: TodayRules) -> Digest:
    """What the poll does about a person's digest now (their state says it is due, or not planned)."""
    if state.digest_due is None:
        return Digest.PLAN
    local = now.astimezone(zone)
    if state.digest_off or state.last_digest == local.date() or local.time() < rules.digest_at:
        return Digest.SKIP  # (too early: the zone changed since it was planned)
    return Digest.SEND


# --- the use case -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reader:
    """One of a person's identities, as the Today card is drawn for it: where, in which language and zone."""

    identity: Identity
    account: Account


@dataclass(frozen=True)
class DueCard:
    """A card to draw again (or to send for the first time): the person, the card, where it already is."""

    state: TodayState
    card: TodayCard
    readers: tuple[Reader, ...]
    messages: tuple[TodayMessage, ...]


@dataclass
class Todays:
    """The Today cards and the morning digests: asked by `/today`, the digest's button and the poll."""

    uow: UnitOfWorkFactory
    clock: Clock
    rules: TodayRules
    #: how many open orders of a person are looked at
    most_orders: int = 200

    async def of(self, viewer: Viewer) -> TodayCard:
        """This person's card now, in one read."""
        async with self.uow(read_only=True) as uow:
            return await self._card(uow, viewer.account)

    async def _card(self, uow: UnitOfWork, account: str) -> TodayCard:
        orders = await uow.orders_of(account, OPEN, limit=self.most_orders)
        state = await uow.today_state(account)
        return today_of(account, orders, self.clock.now(), self.rules,
                        digest=not (state is not None and state.digest_off))

    async def where(self, account: str, platform: str) -> TodayMessage | None:
        """Where this person's card is on this platform, if it was sent."""
        async with self.uow(read_only=True) as uow:
            found = [m for m in await uow.today_messages(account) if m.platform == platform]
        return found[0] if found else None

    async def set_digest(self, viewer: Viewer, on: bool) -> TodayCard:
        """Turns the person's morning digest on or off; their card as it is now."""
        async with self.uow() as uow:
            state = await uow.today_state(viewer.account) or TodayState(viewer.account)
            await uow.save_today(replace(state, digest_off=not on))
            card = await self._card(uow, viewer.account)
            await uow.commit()
        return card

    async def placed(self, message: TodayMessage) -> None:
        """The card was sent (or edited) there, outside the poll (/today, the digest's switch)."""
        async with self.uow() as uow:
            await uow.keep_today_message(message)
            await uow.commit()

    async def due_cards(self, limit: int) -> list[DueCard]:
        """The cards out of date and not drawn within the debounce, each drawn now, with where it goes."""
        now = self.clock.now()
        async with self.uow(read_only=True) as uow:
            states = await uow.dirty_todays(now - self.rules.debounce, limit)
            due = []
            for state in states:
                readers = await self._readers(uow, state.account)
                card = await self._card(uow, state.account)
                due.append(DueCard(state, card, readers, tuple(await uow.today_messages(state.account))))
        return due

    async def _readers(self, uow: UnitOfWork, account_id: str) -> tuple[Reader, ...]:
        account = await uow.accounts.get(account_id)
        if account is None:
            return ()
        return tuple(Reader(i, account) for i in await uow.accounts.identities(account_id) if i.chat_id)

    async def shown(self, state: TodayState, messages: list[TodayMessage], drawn: bool = True) -> None:
        """The card was drawn for every change up to `state.changes` (the messages where it now is kept); one made
        since keeps it out of date. Not `drawn` (a platform refused it for now): it stays out of date, and is drawn
        again after the debounce."""
        async with self.uow() as uow:
            for message in messages:
                await uow.keep_today_message(message)
            await uow.today_shown(state.account, state.changes if drawn else state.shown, self.clock.now())
            await uow.commit()

    async def digests(self, limit: int) -> int:
        """Sends the morning digests due now, through the outbox, and plans the next ones; returns how many people
        were looked at. A person's digest comes once per local day at `rules.digest_at`, unless they turned it off
        or (by the rules) nothing needs them; sent and planned in one transaction, so a restart sends none twice."""
        now = self.clock.now()
        async with self.uow(read_only=True) as uow:  # every poll asks: no write lock while nobody is due
            if not await uow.due_digests(now, 1):
                return 0
        async with self.uow() as uow:
            due = await uow.due_digests(now, limit)
            for state in due:
                account = await uow.accounts.get(state.account)
                zone = zone_of(account.timezone if account is not None else "UTC")
                decision = digest_decision(state, zone, now, self.rules)
                planned = replace(state, digest_due=next_digest(now, zone, self.rules.digest_at))
                if decision is Digest.SEND:
                    day = now.astimezone(zone).date()
                    planned = replace(planned, last_digest=day)
                    card = await self._card(uow, state.account)
                    if not card.empty or self.rules.digest_when_empty:
                        await uow.notify(card.digest_notice(day))
                await uow.save_today(planned)
            if due:
                await uow.commit()
        return len(due)
