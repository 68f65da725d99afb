"""Time off and capacity: a seller away between two dates or at their limit of orders in progress takes no new
order; their offers reopen by themselves, and visitors who asked are told once when they do."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.events import Notice, Refusal, Refused
from core.i18n import N_, Moment, Text
from core.model import Offer, Role, Stage, Viewer
from core.settings import Settings

if TYPE_CHECKING:  # the ports name this module's types: imported for the checker only
    from core.ports import Clock, UnitOfWork, UnitOfWorkFactory

#: the orders that count towards a seller's capacity: accepted and still theirs to work on. A delivered order
#: (the buyer checks it), a refused revision (the buyer chooses), a dispute (a moderator decides) and an order
#: not yet accepted do not count: the seller has nothing to make for them now.
IN_PROGRESS: frozenset[Stage] = frozenset({Stage.IN_PROGRESS, Stage.REVISION_REQUESTED})

AWAY = N_("The seller is away: new orders open again on {until}.")
AWAY_SAYING = N_("The seller is away: new orders open again on {until}. Their message: “{message}”")
FULL = N_("The seller has as many orders in progress as they take at once: new orders open again when an order "
          "finishes.")
REOPENED = N_("Good news: “{title}” is open for orders again.")
WATCHING = N_("We will tell you once when “{title}” is open for orders again.")
NOT_PAUSED = N_("This offer is open for orders: no need to wait.")
BAD_DAY = N_("That is not a date: write it like 2026-12-24 or 24/12/2026.")
ENDS_BEFORE = N_("The end of your time off must come after its start, and after today.")
TOO_LONG = N_("Time off may last at most {days} days.")
MESSAGE_TOO_LONG = N_("Your away message may have at most {limit} characters.")
STATUS_AWAY = N_("Time off: from {start} until {until}.")
STATUS_MESSAGE = N_("Visitors read: “{message}”")
STATUS_LIMIT = N_("Orders in progress: {count}, at most {limit} at once.")
STATUS_OPEN = N_("Your offers are open for new orders.")
STATUS_PAUSED = N_("Your offers are paused: no new orders for now. Orders already running go on as usual, with "
                   "their reminders.")
BAD_LIMIT = N_("The number of orders in progress must be a whole number between 1 and {limit}, or “off”.")


class Why(str, Enum):
    AWAY = "away"
    FULL = "full"


@dataclass(frozen=True)
class TimeOff:
    """What a seller set: away from..until (UTC; `until` excluded), with a message; a limit of orders in progress."""

    seller: str
    away_from: datetime | None = None
    away_until: datetime | None = None
    message: str = ""
    max_in_progress: int | None = None  # None: no limit

    def away_at(self, now: datetime) -> bool:
        if self.away_until is None or now >= self.away_until:
            return False
        return self.away_from is None or self.away_from <= now


@dataclass(frozen=True)
class Pause:
    """Why a seller takes no new order now, and when it reopens (None: when one of their orders finishes)."""

    why: Why
    until: datetime | None = None
    message: str = ""

    @property
    def text(self) -> Text:
        if self.why is Why.FULL:
            return Text.of(FULL)
        until = Moment(self.until or datetime.min.replace(tzinfo=UTC))
        if self.message:
            return Text.of(AWAY_SAYING, until=until, message=self.message)
        return Text.of(AWAY, until=until)

    @property
    def refusal(self) -> Refusal:
        return Refusal(Refused.OFFER, self.text)


def pause(time_off: TimeOff | None, in_progress: int, now: datetime) -> Pause | None:
    """Is this seller paused now? Away comes first: it says a date; a full seller reopens when an order finishes."""
    if time_off is None:
        return None
    if time_off.away_at(now):
        assert time_off.away_until is not None  # away_at needs an end
        return Pause(Why.AWAY, time_off.away_until, time_off.message)
    if time_off.max_in_progress is not None and in_progress >= time_off.max_in_progress:
        return Pause(Why.FULL)
    return None


async def pause_of(uow: UnitOfWork, seller: str, now: datetime) -> Pause | None:
    """`pause` as the unit of work knows it; the orders are counted only for a seller who set a limit."""
    off = await uow.time_off(seller)
    if off is None:
        return None
    counted = await uow.count_in_progress(seller, IN_PROGRESS) if off.max_in_progress is not None else 0
    return pause(off, counted, now)


def next_check(paused: Pause | None, now: datetime, settings: Settings) -> datetime | None:
    """When a visitor waiting for this seller's offer is looked at again: None, they are told now; the end of the
    time off; or, for a full seller, after `reopen_check` (an order may finish any time)."""
    if paused is None:
        return None
    if paused.why is Why.AWAY and paused.until is not None:
        return paused.until
    return now + settings.reopen_check


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def read_day(typed: str) -> date | None:
    """A day as a seller types it: 2026-12-24 or 24/12/2026."""
    typed = typed.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(typed, pattern).date()
        except ValueError:
            continue
    return None


def away_between(first: str, last: str, zone_name: str, now: datetime,
                 settings: Settings) -> tuple[datetime, datetime] | Text:
    """The first and last days away as typed, in the seller's zone: from the start of the first day to the end
    of the last (UTC), or what is wrong with them."""
    start, end = read_day(first), read_day(last)
    if start is None or end is None:
        return Text.of(BAD_DAY)
    zone = zone_of(zone_name)
    try:
        away_from = datetime.combine(start, time(), zone).astimezone(UTC)
        away_until = datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC)
    except OverflowError:  # the year 9999's last day has no day after it
        return Text.of(BAD_DAY)
    if away_until <= away_from or away_until <= now:
        return Text.of(ENDS_BEFORE)
    if away_until - max(away_from, now) > timedelta(days=settings.max_away_days):
        return Text.of(TOO_LONG, days=settings.max_away_days)
    return away_from, away_until


def read_limit(typed: str, settings: Settings) -> int | None | Text:
    """A limit of orders in progress as typed: a number, or "off"/"0" for none."""
    typed = typed.strip().lower()
    if typed in ("off", "0", "non", "aucun", "aucune"):
        return None
    if re.fullmatch("[0-9]{1,6}", typed) and 1 <= int(typed) <= settings.max_in_progress_limit:
        return int(typed)  # ASCII digits only: str.isdigit() accepts "²", which int() refuses
    return Text.of(BAD_LIMIT, limit=settings.max_in_progress_limit)


@dataclass(frozen=True)
class Watch:
    """A visitor who asked to be told when a paused offer reopens: looked at again at `due`."""

    offer_id: str
    account: str
    seller: str
    due: datetime
    since: datetime  # when they asked: a later request is told again


def reopened(offer: Offer, watch: Watch) -> Notice:
    """The one notice a waiting visitor gets; the key makes it once per request."""
    key = f"reopen:{offer.id}:{watch.account}:{watch.since:%Y%m%d%H%M%S}"
    return Notice(None, Role.BUYER, Text.of(REOPENED, title=offer.title), key, with_card=False, account=watch.account)


@dataclass
class Availability:
    """The sellers' time off and capacity, and the visitors waiting for a paused offer."""

    uow: UnitOfWorkFactory
    clock: Clock
    settings: Settings

    async def time_off(self, seller: Viewer) -> TimeOff:
        async with self.uow(read_only=True) as uow:
            return await uow.time_off(seller.account) or TimeOff(seller.account)

    async def status(self, seller: Viewer) -> tuple[Text, ...]:
        """What the seller set, as lines: their time off and message, their limit and how full they are."""
        now = self.clock.now()
        async with self.uow(read_only=True) as uow:
            off = await uow.time_off(seller.account) or TimeOff(seller.account)
            counted = await uow.count_in_progress(seller.account, IN_PROGRESS)
        lines = []
        if off.away_until is not None and off.away_until > now:
            lines.append(Text.of(STATUS_AWAY, start=Moment(off.away_from or now), until=Moment(off.away_until)))
            if off.message:
                lines.append(Text.of(STATUS_MESSAGE, message=off.message))
        if off.max_in_progress is not None:
            lines.append(Text.of(STATUS_LIMIT, count=counted, limit=off.max_in_progress))
        paused = pause(off, counted, now)
        lines.append(Text.of(STATUS_PAUSED if paused else STATUS_OPEN))
        return tuple(lines)

    async def go_away(self, seller: Viewer, first: str, last: str, message: str, zone: str) -> TimeOff | Refusal:
        """Away from the first day to the last (both included, in the seller's zone), with a message for visitors."""
        message = " ".join(message.split())
        if len(message) > self.settings.max_away_message:
            return Refusal(Refused.INPUT, Text.of(MESSAGE_TOO_LONG, limit=self.settings.max_away_message))
        between = away_between(first, last, zone, self.clock.now(), self.settings)
        if isinstance(between, Text):
            return Refusal(Refused.INPUT, between)
        return await self._change(seller, away_from=between[0], away_until=between[1], message=message)

    async def come_back(self, seller: Viewer) -> TimeOff:
        """Time off cleared: the seller's offers open now (unless they are at their limit)."""
        return await self._change(seller, away_from=None, away_until=None, message="")

    async def limit(self, seller: Viewer, typed: str) -> TimeOff | Refusal:
        limit = read_limit(typed, self.settings)
        if isinstance(limit, Text):
            return Refusal(Refused.INPUT, limit)
        return await self._change(seller, max_in_progress=limit)

    async def _change(self, seller: Viewer, **changes: object) -> TimeOff:
        """Saved; the visitors waiting for this seller are looked at again now (they may be told at once)."""
        async with self.uow() as uow:
            current = await uow.time_off(seller.account) or TimeOff(seller.account)
            changed = replace(current, **changes)  # type: ignore[arg-type]
            await uow.save_time_off(changed)
            await uow.recheck_watches(seller.account, self.clock.now())
            await uow.commit()
        return changed

    async def watch(self, offer_id: str, visitor: Viewer) -> Text | Refusal:
        """A visitor asks to be told when this paused offer reopens: one notice then, and forgotten."""
        now = self.clock.now()
        async with self.uow() as uow:
            offer = await uow.offer(offer_id)
            if offer is None:
                return Refusal(Refused.UNKNOWN, Text.of(N_("This offer does not exist.")))
            paused = await pause_of(uow, offer.seller, now)
            due = next_check(paused, now, self.settings)
            if due is None or not offer.active:
                return Refusal(Refused.CONDITION, Text.of(NOT_PAUSED))
            await uow.save_watches([Watch(offer.id, visitor.account, offer.seller, due, now)])
            await uow.commit()
        return Text.of(WATCHING, title=offer.title)

    async def reopen_due(self, limit: int = 100) -> int:
        """The waiting visitors due to be looked at: told (and forgotten) if their offer is open again, else looked
        at again later. Returns how many were looked at (the scheduler's poll)."""
        now = self.clock.now()
        async with self.uow(read_only=True) as uow:  # every poll asks; a writing unit only when one is due
            if not await uow.due_watches(now, 1, lock=False):
                return 0
        async with self.uow() as uow:
            due = await uow.due_watches(now, limit)
            offers = {w.offer_id: await uow.offer(w.offer_id) for w in due}
            paused = {seller: await pause_of(uow, seller, now) for seller in {w.seller for w in due}}
            told, later, gone = _sorted(due, offers, paused, now, self.settings)
            await uow.notify_all(told)
            await uow.forget_watches(gone)
            await uow.save_watches(later)
            await uow.commit()
        return len(due)


def _sorted(due: Iterable[Watch], offers: dict[str, Offer | None], paused: dict[str, Pause | None],
            now: datetime, settings: Settings) -> tuple[list[Notice], list[Watch], list[Watch]]:
    """Each due watch: told (its offer open again), later (still paused), or gone (told, or the offer withdrawn)."""
    told: list[Notice] = []
    later: list[Watch] = []
    gone: list[Watch] = []
    for watch in due:
        offer = offers.get(watch.offer_id)
        if offer is None or not offer.active:  # withdrawn by its seller: nothing will reopen
            gone.append(watch)
            continue
        again = next_check(paused.get(watch.seller), now, settings)
        if again is None:
            told.append(reopened(offer, watch))
            gone.append(watch)
        else:
            later.append(replace(watch, due=again))
    return told, later, gone
