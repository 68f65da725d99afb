"""Everything about deadlines: what each triggers and in which stages it runs, the timers and reminders an order
should have, their kinds as stored, and what a fired timer means."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, cached_property

from core.i18n import N_, Text
from core.model import Action, Deadline, Order, Role, Stage
from core.settings import Settings

#: the system action each deadline triggers when it passes
DEADLINE_ACTION: dict[Deadline, Action] = {
    Deadline.ACCEPTANCE: Action.ACCEPTANCE_TIMEOUT,
    Deadline.DELIVERY: Action.DELIVERY_OVERDUE,
    Deadline.CANCELLATION_ANSWER: Action.CANCELLATION_ANSWER_OVERDUE,
    Deadline.REVIEW_WINDOW: Action.REVIEW_WINDOW_CLOSE,
    Deadline.REVISION_ANSWER: Action.REVISION_ANSWER_OVERDUE,
    Deadline.REVISION_REFUSED_CHOICE: Action.REVISION_CHOICE_TIMEOUT,
    Deadline.EXTENSION_ANSWER: Action.EXTENSION_ANSWER_OVERDUE,
    Deadline.EXPIRY: Action.EXPIRE,
}
#: the deadline each system action consumes
ACTION_DEADLINE = {action: deadline for deadline, action in DEADLINE_ACTION.items()}

#: the deadlines that may run in each stage; anything else is dropped when an order moves
DEADLINES_BY_STAGE: dict[Stage, frozenset[Deadline]] = {
    Stage.PENDING: frozenset({Deadline.ACCEPTANCE, Deadline.EXPIRY}),
    Stage.IN_PROGRESS: frozenset({Deadline.DELIVERY, Deadline.CANCELLATION_ANSWER, Deadline.EXTENSION_ANSWER,
                                  Deadline.EXPIRY}),
    Stage.DELIVERED: frozenset({Deadline.REVIEW_WINDOW, Deadline.EXPIRY}),
    Stage.REVISION_REQUESTED: frozenset({Deadline.REVISION_ANSWER, Deadline.EXPIRY}),
    Stage.REVISION_REFUSED: frozenset({Deadline.REVISION_REFUSED_CHOICE, Deadline.EXPIRY}),
    Stage.DISPUTED: frozenset(),
    Stage.COMPLETED: frozenset(),
    Stage.CANCELLED: frozenset(),
    Stage.EXPIRED: frozenset(),
}


def passed(order: Order, kind: Deadline, now: datetime) -> bool:
    """Does the order run this deadline, and has it passed? (the guard of the system action it triggers)"""
    at = order.deadline(kind)
    return at is not None and at <= now

#: who must act before each deadline, and so who is reminded
REMINDED = {
    Deadline.ACCEPTANCE: Role.SELLER,
    Deadline.DELIVERY: Role.SELLER,
    Deadline.CANCELLATION_ANSWER: Role.SELLER,
    Deadline.REVISION_ANSWER: Role.SELLER,
    Deadline.REVIEW_WINDOW: Role.BUYER,
    Deadline.REVISION_REFUSED_CHOICE: Role.BUYER,
    Deadline.EXTENSION_ANSWER: Role.BUYER,
}

#: before the brief is written the seller cannot accept: the acceptance reminders go to the buyer instead
BRIEF_REMINDER = N_("Reminder: order #{order} is still waiting for your brief. The seller cannot accept it before "
                    "you write it, and it will be cancelled and refunded if it is not accepted in time.")

REMINDER_TEXT = {
    Deadline.ACCEPTANCE: N_("Reminder: order #{order} is waiting for you to accept it, or it will be cancelled and refunded."),
    Deadline.DELIVERY: N_("Reminder: order #{order} is due soon. Deliver it on time."),
    Deadline.CANCELLATION_ANSWER: N_("Reminder: the buyer of order #{order} asked to cancel; please answer."),
    Deadline.REVISION_ANSWER: N_("Reminder: the buyer of order #{order} asked for a revision; please accept or refuse it."),
    Deadline.REVIEW_WINDOW: N_("Reminder: order #{order} will close and pay the seller soon. Complete it or request a revision before then."),
    Deadline.REVISION_REFUSED_CHOICE: N_("Reminder: order #{order} will close and pay the seller soon. Complete it or open a dispute before then."),
    Deadline.EXTENSION_ANSWER: N_("Reminder: the seller of order #{order} asked for more time; please accept or decline it, or it will be declined."),
}


CHAT_ENDED = N_("The chat of order #{order} has ended: messages about it are no longer passed on.")


@dataclass(frozen=True)
class TimerKind:
    """What a timer is for: a deadline passing (the system acts), a reminder `before` it (the party who must act is
    told), or, with no deadline, the end of a closed order's chat (both parties are told, and the platforms close
    what they kept open for it, like a Discord order room: `chat_after_closing` after the order closed).

    Stored as text (`format`, `parse`): "acceptance", "acceptance@86400" (its reminder 24 h before), "chat_end"."""

    deadline: Deadline | None
    before: timedelta | None = None  # a reminder: this long before the deadline

    def __post_init__(self) -> None:
        if self.deadline is None and self.before is not None:
            raise ValueError("only a deadline has reminders")

    @classmethod
    def reminder(cls, deadline: Deadline, before: timedelta) -> TimerKind:
        """The reminder this long before the deadline, to the second (as it is stored)."""
        return cls(deadline, timedelta(seconds=int(before.total_seconds())))

    @property
    def is_reminder(self) -> bool:
        return self.before is not None

    @property
    def ends_chat(self) -> bool:
        return self.deadline is None

    @property
    def action(self) -> Action | None:
        """The system action this timer triggers: only a deadline's own timer has one."""
        return DEADLINE_ACTION[self.deadline] if self.deadline is not None and self.before is None else None

    def format(self) -> str:
        return self._text

    __str__ = format  # notice keys name the timer as it is stored

    def __hash__(self) -> int:  # by its text, computed once: a drain hashes each kind a dozen times
        return hash(self._text)

    @cached_property
    def _text(self) -> str:
        if self.deadline is None:
            return _CHAT_END
        if self.before is None:
            return self.deadline.value
        return f"{self.deadline.value}@{int(self.before.total_seconds())}"

    @classmethod
    def parse(cls, text: str) -> TimerKind:
        """A kind as `format` wrote it (a ValueError for anything else)."""
        if text == _CHAT_END:
            return CHAT_END
        name, at, seconds = text.partition("@")
        if not at:
            return cls(Deadline(name))
        if not seconds.isdigit():
            raise ValueError(f"not a timer kind: {text!r}")
        return cls(Deadline(name), timedelta(seconds=int(seconds)))


_CHAT_END = "chat_end"
CHAT_END = TimerKind(None)


@dataclass(frozen=True)
class Timer:
    """A row to schedule: a deadline (the system acts), a reminder or the end of a closed order's chat (someone is
    told)."""

    kind: TimerKind
    due: datetime

    @property
    def deadline(self) -> Deadline | None:
        return self.kind.deadline

    @property
    def is_reminder(self) -> bool:
        return self.kind.is_reminder

    @property
    def ends_chat(self) -> bool:
        return self.kind.ends_chat

    @property
    def action(self) -> Action | None:
        return self.kind.action


def timers(order: Order, settings: Settings) -> dict[TimerKind, datetime]:
    """Every timer this order should have now: its running deadlines, and a reminder before each one; once closed,
    the end of its chat.

    A reminder is kept only if it falls inside the deadline's own window (after it started).
    """
    out: dict[TimerKind, datetime] = {}
    for deadline, due in order.deadlines:
        kind, reminders = _kinds(deadline, tuple(settings.reminders.get(deadline, ())))
        out[kind] = due
        for reminder_kind, before in reminders:
            out[reminder_kind] = due - before
    if order.stage.is_terminal and order.closed_at is not None:
        out[CHAT_END] = order.closed_at + settings.chat_after_closing
    return out


@cache
def _kinds(deadline: Deadline, befores: tuple[timedelta, ...]) -> tuple[TimerKind, tuple[tuple[TimerKind, timedelta], ...]]:
    """A deadline's kind and its reminders' (those before it), made once: an order's timers are asked for three
    times each time it changes."""
    return TimerKind(deadline), tuple((TimerKind.reminder(deadline, before), before) for before in befores
                                      if before > timedelta(0))


@dataclass(frozen=True)
class TimerPlan:
    """How the scheduled timers change when an order moves from one version to the next."""

    cancel: tuple[TimerKind, ...]
    schedule: tuple[Timer, ...]


def plan(before: Order | None, after: Order, now: datetime, settings: Settings) -> TimerPlan:
    """Timers to cancel and to (re)schedule. Reminders already in the past are not scheduled anew:
    a reminder that is due now but still pending stays pending (it is unchanged), so none is lost."""
    old = timers(before, settings) if before is not None else {}
    new = timers(after, settings)
    cancel = tuple(sorted((kind for kind, due in old.items() if new.get(kind) != due), key=TimerKind.format))
    schedule = tuple(
        Timer(kind, due)
        for kind, due in sorted(new.items(), key=lambda item: item[0].format())
        if old.get(kind) != due and (not kind.is_reminder or due > now)
    )
    return TimerPlan(cancel, schedule)


def still_relevant(order: Order, timer: Timer, settings: Settings) -> bool:
    """A fired timer is acted on only if the order still wants exactly it (else it is dropped)."""
    return timers(order, settings).get(timer.kind) == timer.due


def reminder(order: Order, timer: Timer, now: datetime, settings: Settings) -> tuple[Role, Text] | None:
    """Who to remind and what to say, or None: when the thing was already done, when its deadline has passed
    (a restart, a batch, a clock jump fires reminders late: one after its deadline would announce the past),
    or when a later reminder of the same deadline is due too (only the latest of them is worth sending)."""
    deadline = timer.deadline
    if deadline is None or not timer.is_reminder or not still_relevant(order, timer, settings):
        return None
    due = order.deadline(deadline)
    role = REMINDED.get(deadline)
    if role is None or due is None or due <= now:
        return None
    if any(timer.due < due - before <= now for before in settings.reminders.get(deadline, ())):
        return None
    if deadline is Deadline.ACCEPTANCE and not (order.brief.strip() or order.brief_files):
        return Role.BUYER, Text.of(BRIEF_REMINDER, order=order.id)
    return role, Text.of(REMINDER_TEXT[deadline], order=order.id)
