"""Deadlines and reminders as data: what should be scheduled for an order, and what a fired timer means."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.i18n import N_, Text
from core.model import DEADLINE_ACTION, Action, Deadline, Order, Role
from core.settings import Settings

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


#: not a deadline, nothing to apply: when a closed order's chat ends (`chat_after_closing` after it closed), both
#: parties are told (and the platforms close what they kept open for it, like a Discord order room)
CHAT_END = "chat_end"
CHAT_ENDED = N_("The chat of order #{order} has ended: messages about it are no longer passed on.")


@dataclass(frozen=True)
class Timer:
    """A row to schedule: a deadline (the system acts), a reminder or the end of a closed order's chat (someone is
    told)."""

    kind: str  # "acceptance" for a deadline, "acceptance@86400" for its reminder 24 h before, or CHAT_END
    due: datetime

    @property
    def deadline(self) -> Deadline:
        return Deadline(self.kind.split("@")[0])

    @property
    def is_reminder(self) -> bool:
        return "@" in self.kind

    @property
    def ends_chat(self) -> bool:
        return self.kind == CHAT_END

    @property
    def action(self) -> Action | None:
        return None if self.is_reminder or self.ends_chat else DEADLINE_ACTION[self.deadline]


def reminder_kind(deadline: Deadline, before: timedelta) -> str:
    return f"{deadline.value}@{int(before.total_seconds())}"


def timers(order: Order, settings: Settings) -> dict[str, datetime]:
    """Every timer this order should have now: its running deadlines, and a reminder before each one; once closed,
    the end of its chat.

    A reminder is kept only if it falls inside the deadline's own window (after it started).
    """
    out: dict[str, datetime] = {}
    for deadline, due in order.deadlines:
        out[deadline.value] = due
        for before in settings.reminders.get(deadline, ()):
            if before > timedelta(0):
                out[reminder_kind(deadline, before)] = due - before
    if order.stage.is_terminal and order.closed_at is not None:
        out[CHAT_END] = order.closed_at + settings.chat_after_closing
    return out


@dataclass(frozen=True)
class TimerPlan:
    """How the scheduled timers change when an order moves from one version to the next."""

    cancel: tuple[str, ...]
    schedule: tuple[Timer, ...]


def plan(before: Order | None, after: Order, now: datetime, settings: Settings) -> TimerPlan:
    """Timers to cancel and to (re)schedule. Reminders already in the past are not scheduled anew:
    a reminder that is due now but still pending stays pending (it is unchanged), so none is lost."""
    old = timers(before, settings) if before is not None else {}
    new = timers(after, settings)
    cancel = tuple(sorted(kind for kind, due in old.items() if new.get(kind) != due))
    schedule = tuple(
        Timer(kind, due)
        for kind, due in sorted(new.items())
        if old.get(kind) != due and (not Timer(kind, due).is_reminder or due > now)
    )
    return TimerPlan(cancel, schedule)


def still_relevant(order: Order, timer: Timer, settings: Settings) -> bool:
    """A fired timer is acted on only if the order still wants exactly it (else it is dropped)."""
    return timers(order, settings).get(timer.kind) == timer.due


def reminder(order: Order, timer: Timer, now: datetime, settings: Settings) -> tuple[Role, Text] | None:
    """Who to remind and what to say, or None: when the thing was already done, when its deadline has passed
    (a restart, a batch, a clock jump fires reminders late: one after its deadline would announce the past),
    or when a later reminder of the same deadline is due too (only the latest of them is worth sending)."""
    if not timer.is_reminder or not still_relevant(order, timer, settings):
        return None
    deadline = timer.deadline
    due = order.deadline(deadline)
    role = REMINDED.get(deadline)
    if role is None or due is None or due <= now:
        return None
    if any(timer.due < due - before <= now for before in settings.reminders.get(deadline, ())):
        return None
    if deadline is Deadline.ACCEPTANCE and not (order.brief.strip() or order.brief_files):
        return Role.BUYER, Text.of(BRIEF_REMINDER, order=order.id)
    return role, Text.of(REMINDER_TEXT[deadline], order=order.id)
