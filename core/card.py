"""The platform-neutral order card: what one viewer sees of an order, and its plain-text rendering."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from core import labels
from core.buttons import ButtonData
from core.engine import allowed_actions
from core.events import Choice
from core.i18n import N_, Mark, Moment, Money, Text, translate
from core.model import Action, Deadline, Order, Role, Stage, Viewer
from core.notices import days_text, shown
from core.settings import Settings
from core.table import TABLE, Needs

#: the marketplace's seven stages, as people know them
STEPS = (N_("Discussion"), N_("Order"), N_("Acceptance"), N_("Work"), N_("Delivery"), N_("Revision"), N_("Closing"))
STEP_OF = {
    Stage.PENDING: 3,
    Stage.IN_PROGRESS: 4,
    Stage.DELIVERED: 5,
    Stage.REVISION_REQUESTED: 6,
    Stage.REVISION_REFUSED: 6,
    Stage.COMPLETED: 7,
    Stage.CANCELLED: 7,
    Stage.EXPIRED: 7,
}
NEEDS = {row.action: row.needs for row in TABLE}

NEXT: dict[tuple[Stage, Role | None], str] = {
    (Stage.PENDING, Role.BUYER): N_("Waiting for the seller to accept. Make sure the brief says everything they need."),
    (Stage.PENDING, Role.SELLER): N_("Read the brief, then accept or decline before the deadline."),
    (Stage.IN_PROGRESS, Role.BUYER): N_("The seller is working on your order."),
    (Stage.IN_PROGRESS, Role.SELLER): N_("Deliver before the deadline."),
    (Stage.DELIVERED, Role.BUYER): N_("Check the delivery, then complete the order or request a revision."),
    (Stage.DELIVERED, Role.SELLER): N_("Waiting for the buyer to check your delivery."),
    (Stage.REVISION_REQUESTED, Role.BUYER): N_("Waiting for the seller's answer to your revision request."),
    (Stage.REVISION_REQUESTED, Role.SELLER): N_("The buyer asks for a revision: accept or refuse it."),
    (Stage.REVISION_REFUSED, Role.BUYER): N_("The seller refused the revision: complete the order or open a dispute."),
    (Stage.REVISION_REFUSED, Role.SELLER): N_("Waiting for the buyer's decision."),
    (Stage.DISPUTED, Role.MODERATOR): N_("Read the evidence, then decide: refund, pay, split or resume."),
    (Stage.COMPLETED, Role.BUYER): N_("Completed. Thank you!"),
    (Stage.COMPLETED, Role.SELLER): N_("Completed: you were paid."),
    (Stage.CANCELLED, Role.BUYER): N_("Cancelled: you were refunded in full."),
}
NEXT_BY_STAGE = {
    Stage.DISPUTED: N_("A moderator is handling this order; deadlines are paused."),
    Stage.COMPLETED: N_("Completed: the seller was paid."),
    Stage.CANCELLED: N_("Cancelled: the buyer was refunded in full."),
    Stage.EXPIRED: N_("Expired: the order stayed unfinished too long."),
}
LATE = {
    Role.BUYER: N_("The order is late: you can cancel it for a full refund, or keep waiting."),
    Role.SELLER: N_("You are late: deliver as soon as possible."),
}
CANCELLATION = {
    Role.BUYER: N_("You asked to cancel; waiting for the seller's answer."),
    Role.SELLER: N_("The buyer asks to cancel: accept or refuse."),
}
#: a request for more time waits for the buyer's answer
EXTENSION = {
    Role.BUYER: N_("The seller asks for more time: accept or decline their extension request."),
    Role.SELLER: N_("You asked for more time: keep working while the buyer answers."),
}
OVERDUE = N_("The seller did not answer in time: the buyer can open a dispute.")
REVIEW_ME = N_("Completed. You can leave a review.")
#: before the brief is written, the seller cannot accept: each side is told who must act
NO_BRIEF = {
    Role.BUYER: N_("Write the brief: the seller cannot accept your order before it is written."),
    Role.SELLER: N_("Waiting for the buyer's brief: you can accept once it is written (or decline now)."),
}
NO_BRIEF_NOTE = N_("No brief yet: the seller cannot accept the order before the buyer writes it.")
WRITE_BRIEF = N_("Write the brief")
SHOW_BRIEF = N_("Show the brief")
EXCERPT = 160  # characters of the brief on the card; the whole brief is one button away

#: how much a button stands out: the step people are expected to take, the usual ones, and those rarely
#: needed (shown one tap further, behind "More…", when the card has other buttons)
PRIMARY, NORMAL, MORE = "primary", "normal", "more"
PRIMARY_ACTIONS = frozenset({Action.ACCEPT, Action.DELIVER, Action.COMPLETE, Action.ACCEPT_REVISION,
                             Action.TAKE_DISPUTE, Action.REVIEW, Action.ACCEPT_EXTENSION})
#: asking for more time is rare (behind "More…"), until the order is late: then it is what the seller needs
RARE_ACTIONS = frozenset({Action.OPEN_DISPUTE, Action.REPORT_DELIVERY, Action.PROPOSE_PARTIAL_REFUND,
                          Action.FREEZE, Action.REQUEST_EXTENSION})


@dataclass(frozen=True)
class Button:
    label: Text
    data: str  # core.buttons payload
    needs: Needs  # NOTHING: act at once; otherwise ask for input first
    rank: str = NORMAL  # PRIMARY, NORMAL or MORE (behind a "More…" button)


@dataclass(frozen=True)
class Card:
    order_id: str
    title: str
    stage: Stage
    role: Role | None
    step: int  # 1..7 along STEPS
    price: int
    tip: int
    refunded: int
    currency: str
    dates: tuple[tuple[Text, datetime], ...]
    notes: tuple[Text, ...]
    next_step: Text
    buttons: tuple[Button, ...]
    brief: str = ""  # the start of the brief, masked like the chat ("" when none)
    brief_more: bool = False  # the brief goes on (or has files): the whole is behind `links`
    payout: int | None = None  # for the seller, when a commission applies: what they will be paid
    links: tuple[Choice, ...] = ()  # buttons that show something without acting (the whole brief)

    @property
    def main_buttons(self) -> tuple[Button, ...]:
        """The buttons shown at once; the rare ones wait behind "More…" unless they are all there is."""
        main = tuple(b for b in self.buttons if b.rank != MORE)
        return main if main else self.buttons

    @property
    def more_buttons(self) -> tuple[Button, ...]:
        return tuple(b for b in self.buttons if b not in self.main_buttons)


def order_card(order: Order, viewer: Viewer, now: datetime, settings: Settings) -> Card:
    role = order.role_of(viewer)
    actions = allowed_actions(order, viewer, now, settings) if role is not Role.SYSTEM else ()
    brief = shown(order.brief, settings)
    excerpt = brief if len(brief) <= EXCERPT else brief[:EXCERPT].rsplit(" ", 1)[0] + "…"
    payout = None
    if role is Role.SELLER and settings.commission_basis_points and order.held:
        payout = order.held - settings.commission(order.held)
    step = STEP_OF.get(order.stage) or STEP_OF.get(order.dispute.previous if order.dispute else Stage.PENDING, 3)
    dates = [(Text.of(N_("Paid")), order.paid_at)]
    dates += [(Text.of(labels.DEADLINE[kind]), due) for kind, due in order.deadlines if kind is not Deadline.EXPIRY]
    if order.closed_at:
        dates.append((Text.of(N_("Closed")), order.closed_at))
    return Card(
        order_id=order.id,
        title=order.title,
        stage=order.stage,
        role=role,
        step=step,
        price=order.price,
        tip=order.tip,
        refunded=order.refunded,
        currency=order.currency,
        dates=tuple(dates),
        notes=_notes(order, role, settings),
        next_step=Text.of(_next(order, role)),
        buttons=tuple(sorted((_button(order, a) for a in actions), key=lambda b: b.rank != PRIMARY)),
        brief=excerpt,
        brief_more=excerpt != brief or bool(order.brief_files),
        payout=payout,
        links=(Choice(Text.of(SHOW_BRIEF), f"x:brief:{order.id}"),)
        if role in (Role.BUYER, Role.SELLER, Role.MODERATOR) and _has_brief(order) else (),
    )


def _has_brief(order: Order) -> bool:
    return bool(order.brief.strip() or order.brief_files)


@dataclass(frozen=True)
class Brief:
    """The whole brief as one person may read it: the seller reads it masked like the chat; its writer and the
    moderators read it as written."""

    order_id: str
    title: str
    text: str
    files: tuple[str, ...]


def brief_of(order: Order, viewer: Viewer, settings: Settings) -> Brief | None:
    """The brief for a party or a moderator; None for anyone else."""
    role = order.role_of(viewer)
    if role not in (Role.BUYER, Role.SELLER, Role.MODERATOR):
        return None
    text = shown(order.brief, settings) if role is Role.SELLER else order.brief
    return Brief(order.id, order.title, text, order.brief_files)


def _button(order: Order, action: Action) -> Button:
    label, rank = labels.ACTION[action], NORMAL
    if action is Action.EDIT_BRIEF and not _has_brief(order):
        label, rank = WRITE_BRIEF, PRIMARY
    elif action in PRIMARY_ACTIONS:
        rank = PRIMARY
    elif action is Action.REQUEST_EXTENSION and order.late:
        rank = NORMAL
    elif action in RARE_ACTIONS:
        rank = MORE
    return Button(Text.of(label), ButtonData(order.id, action, order.version).encode(), NEEDS[action], rank)


def _next(order: Order, role: Role | None) -> str:
    if order.stage is Stage.PENDING and role in NO_BRIEF and not _has_brief(order):
        return NO_BRIEF[role]
    if order.stage is Stage.IN_PROGRESS and role in CANCELLATION and order.cancellation_reason is not None:
        return CANCELLATION[role]
    if order.stage is Stage.IN_PROGRESS and role in EXTENSION and order.extension is not None:
        return EXTENSION[role]
    if order.stage is Stage.IN_PROGRESS and role in LATE and order.late:
        return LATE[role]
    if order.stage is Stage.COMPLETED and role is Role.BUYER and order.review is None:
        return REVIEW_ME
    return NEXT.get((order.stage, role)) or NEXT_BY_STAGE.get(order.stage) or NEXT[(order.stage, Role.BUYER)]


def _notes(order: Order, role: Role | None, settings: Settings) -> tuple[Text, ...]:
    """What stands out about the order now; people's words are shown as the other party reads them."""
    def said(text: str | None) -> str:
        return shown(text or "", settings)

    notes = []
    if order.stage is Stage.PENDING and not _has_brief(order) and role is Role.MODERATOR:
        notes.append(Text.of(NO_BRIEF_NOTE))
    if order.late:
        notes.append(Text.of(N_("Late: the delivery deadline has passed.")))
    if order.cancellation_reason is not None:
        notes.append(Text.of(N_("Cancellation requested: “{reason}”"), reason=said(order.cancellation_reason)))
    if order.cancellation_answer_overdue or order.revision_answer_overdue:
        notes.append(Text.of(OVERDUE))
    if order.extension is not None:
        notes.append(Text.of(N_("Extension requested: {extra} (“{reason}”)"), extra=days_text(order.extension.days),
                             reason=said(order.extension.reason)))
    if order.proposal is not None:
        notes.append(Text.of(N_("Partial refund proposed: {amount} (“{reason}”)"),
                             amount=Money(order.proposal.amount, order.currency), reason=said(order.proposal.reason)))
    if order.revision_request and order.stage in (Stage.REVISION_REQUESTED, Stage.REVISION_REFUSED):
        notes.append(Text.of(N_("Revision requested: “{request}”"), request=said(order.revision_request)))
    if order.dispute is not None and order.stage is Stage.DISPUTED:
        notes.append(Text.of(N_("Dispute: “{reason}”"), reason=said(order.dispute.reason)))
    if order.review is not None:
        verdict = N_("positive") if order.review.positive else N_("negative")
        notes.append(Text.of(N_("Review ({verdict}): “{comment}”"), verdict=Text.of(verdict), comment=said(order.review.comment)))
        if order.review.reply:
            notes.append(Text.of(N_("Seller's reply: “{reply}”"), reply=said(order.review.reply)))
    return tuple(notes)


# --- rendering ------------------------------------------------------------------------------------

def progress_bar(step: int, stage: Stage) -> str:
    cells = ["●" if i < step else "○" for i in range(1, 8)]
    cells[step - 1] = "✕" if stage in (Stage.CANCELLED, Stage.EXPIRED) else ("●" if stage.is_terminal else "◉")
    return "".join(cells)


def when(at: datetime, now: datetime, zone: tzinfo, lang: str, mark: Mark | None = None) -> str:
    """A date in the reader's zone, with how far it is from now (each part through the platform's `mark`)."""
    return Moment(at).render(lang, zone, now, mark)


def zone_name(zone: tzinfo, now: datetime) -> str:
    """A zone as people can check it: its name and its offset now ("Europe/Paris, UTC+01:00")."""
    offset = now.astimezone(zone).strftime("%z")
    name = str(getattr(zone, "key", "") or zone)
    return f"{name}, UTC{offset[:3]}:{offset[3:]}" if offset and name != "UTC" else "UTC"


def render_text(card: Card, lang: str, zone: tzinfo, now: datetime, zone_note: bool = False,
                brief: bool = True, mark: Mark | None = None) -> str:
    """The card as plain text, for any chat that shows text and buttons. `zone_note`: the reader did not choose
    their time zone, so the card says which one its times are in (and how to choose). `brief`: the start of the
    brief (left out under a notice that carries the whole of it). `mark`: how the platform shows a live date."""
    def t(msgid: str, **kw: object) -> str:
        return translate(msgid, lang).format(**kw)

    lines = [t(N_("Order #{order} — {title}"), order=card.order_id, title=card.title)]
    lines.append(f"{progress_bar(card.step, card.stage)}  {card.step}/7 {translate(STEPS[card.step - 1], lang)}"
                 f" — {translate(labels.STAGE[card.stage], lang)}")
    amount = Money(card.price + card.tip, card.currency).render(lang)
    if card.tip:
        amount += " " + t(N_("(tip {tip} included)"), tip=Money(card.tip, card.currency).render(lang))
    lines.append(t(N_("Amount: {amount}"), amount=amount))
    if card.refunded:
        lines.append(t(N_("Refunded so far: {amount}"), amount=Money(card.refunded, card.currency).render(lang)))
    if card.payout is not None:
        lines.append(t(N_("Your payout: {amount}, after the platform's commission"),
                       amount=Money(card.payout, card.currency).render(lang)))
    for label, at in card.dates:
        lines.append(t(N_("{label}: {date}"), label=label.render(lang), date=when(at, now, zone, lang, mark)))
    if card.brief and brief:
        lines.append(t(N_("Brief: “{excerpt}”"), excerpt=card.brief))
    for note in card.notes:
        lines.append(f"• {note.render(lang)}")
    lines.append(f"→ {card.next_step.render(lang)}")
    if zone_note and card.dates:
        lines.append(t(N_("Times are in {zone}: /timezone to use yours."), zone=zone_name(zone, now)))
    return "\n".join(lines)

