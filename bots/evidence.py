"""The evidence bundle a moderator reads before deciding a dispute: one plain-text document, any platform.

Everything comes from what storage kept (the order, its event log, its chat); this only lays it out,
in the moderator's language and time zone. Plain text on purpose: it opens anywhere, quotes cleanly
into a decision, and cannot hide anything behind formatting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bots.files import name_of
from core import labels
from core.chat import ChatMessage
from core.events import Event
from core.i18n import N_, Money, translate
from core.model import Action, Order, Role, Stage

FLAG = "⚑"
EDIT = "✎"
INDENT = "    "


def filename(order_id: str) -> str:
    return f"order-{order_id}-evidence.txt"


def stamp(at: datetime, zone: tzinfo, lang: str) -> str:
    """A moment in the reader's zone, to the minute (the zone is said once, in the header)."""
    return at.astimezone(zone).strftime("%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M")


def file_names(refs: Iterable[str]) -> str:
    """A file as people know it (its name) followed by the reference that retrieves it."""
    return ", ".join(f"{name_of(ref)} ({ref})" for ref in refs)


@dataclass(frozen=True)
class Reader:
    """Who the bundle is written for: their language and zone, and the names of the people in it."""

    lang: str
    zone: tzinfo
    names: Mapping[str, str]
    currency: str

    def t(self, msgid: str, **params: object) -> str:
        return translate(msgid, self.lang).format(**params)

    def who(self, account: str, role: Role) -> str:
        role_name = translate(labels.ROLE[role], self.lang)
        return role_name if role is Role.SYSTEM else f"{self.names.get(account) or account} ({role_name})"

    def money(self, amount: int) -> str:
        return Money(amount, self.currency).render(self.lang)

    def when(self, at: datetime) -> str:
        return stamp(at, self.zone, self.lang)

    def stage(self, stage: Stage | None) -> str:
        return translate(labels.STAGE[stage], self.lang) if stage else "—"

    def heading(self, msgid: str) -> list[str]:
        title = translate(msgid, self.lang)
        return ["", title, "=" * len(title)]


def evidence_text(order: Order, events: list[Event], messages: list[ChatMessage], names: Mapping[str, str],
                  lang: str, zone: tzinfo, now: datetime) -> str:
    """The whole bundle: summary, timeline, brief, deliveries and the chat transcript, in that order."""
    r = Reader(lang, zone, names, order.currency)
    lines = [r.t(N_("Evidence — order #{order} — {title}"), order=order.id, title=order.title),
             r.t(N_("Prepared {date}; times are in {zone}."), date=r.when(now), zone=str(zone))]
    lines += _summary(r, order, events)
    lines += _timeline(r, events)
    lines += _work(r, order)
    lines += _transcript(r, messages)
    return "\n".join(lines) + "\n"


def _summary(r: Reader, order: Order, events: list[Event]) -> list[str]:
    lines = r.heading(N_("Summary"))
    lines.append(r.t(N_("Buyer: {name}"), name=r.who(order.buyer, Role.BUYER)))
    lines.append(r.t(N_("Seller: {name}"), name=r.who(order.seller, Role.SELLER)))
    lines.append(r.t(N_("Stage: {stage}"), stage=r.stage(order.stage)))
    lines.append(r.t(N_("Paid: {total} (price {price}, tip {tip})"), total=r.money(order.total),
                     price=r.money(order.price), tip=r.money(order.tip)))
    lines.append(r.t(N_("Refunded so far: {amount}"), amount=r.money(order.refunded)))
    lines.append(r.t(N_("Held in escrow: {amount}"), amount=r.money(order.held)))
    for msgid, at in ((N_("Paid on: {date}"), order.paid_at), (N_("Accepted on: {date}"), order.accepted_at),
                      (N_("Closed on: {date}"), order.closed_at)):
        if at is not None:
            lines.append(r.t(msgid, date=r.when(at)))
    dispute = order.dispute
    if dispute is not None and order.stage is Stage.DISPUTED:
        opening = _opening(events)
        opened_by = (r.who(opening.actor, opening.role) if opening
                     else translate(labels.ROLE[dispute.opened_by], r.lang))
        lines.append(r.t(N_("Dispute opened by {name} on {date}: “{reason}”"), name=opened_by,
                         date=r.when(dispute.at), reason=dispute.reason))
        lines.append(r.t(N_("Taken by: {name}"), name=r.who(dispute.moderator, Role.MODERATOR)) if dispute.moderator
                     else r.t(N_("Not taken by a moderator yet.")))
    if order.review is not None:
        verdict = translate(N_("positive") if order.review.positive else N_("negative"), r.lang)
        lines.append(r.t(N_("Review ({verdict}): “{comment}”"), verdict=verdict, comment=order.review.comment))
    return lines


def _timeline(r: Reader, events: list[Event]) -> list[str]:
    """Every event of the log: when, who, what, the stage it moved from and to, and what came with it."""
    lines = r.heading(N_("Timeline"))
    for event in events:
        moved = f"{r.stage(event.before)} → {r.stage(event.after)}" if event.before else f"→ {r.stage(event.after)}"
        lines.append(f"{r.when(event.at)} — {r.who(event.actor, event.role)} — "
                     f"{translate(labels.ACTION[event.action], r.lang)} — {moved}")
        lines += [INDENT + detail for detail in _details(r, event)]
    return lines


def _work(r: Reader, order: Order) -> list[str]:
    """What was asked (the brief) and what was delivered, with every file reference."""
    lines = r.heading(N_("Brief"))
    lines += _indented(order.brief) if order.brief else [INDENT + r.t(N_("(empty)"))]
    if order.brief_files:
        lines.append(INDENT + r.t(N_("Files: {files}"), files=file_names(order.brief_files)))
    lines += r.heading(N_("Deliveries"))
    if not order.deliveries:
        lines.append(INDENT + r.t(N_("Nothing was delivered.")))
    for number, delivery in enumerate(order.deliveries, 1):
        timing = r.t(N_("on time")) if delivery.on_time else r.t(N_("late"))
        lines.append(f"{number}. {r.when(delivery.at)} ({timing})")
        lines += _indented(delivery.message) if delivery.message else []
        if delivery.files:
            lines.append(INDENT + r.t(N_("Files: {files}"), files=file_names(delivery.files)))
    return lines


def _transcript(r: Reader, messages: list[ChatMessage]) -> list[str]:
    """The order's whole chat, edits beside what they changed; messages whose contact details were masked
    carry the flag and, for the moderator alone, what was written before masking."""
    lines = r.heading(N_("Chat transcript"))
    if any(m.flagged for m in messages):
        lines.append(r.t(N_("{flag} marks a message in which contact details were masked; "
                            "it was flagged to moderators."), flag=FLAG))
    if not messages:
        lines.append(INDENT + r.t(N_("No messages.")))
    written = {m.id: m.at for m in messages}
    for message in messages:
        mark = f"{FLAG} " if message.flagged else ""
        who = r.who(message.sender, message.role)
        if message.edit_of is not None:
            first = written.get(message.edit_of)
            lines.append(f"{mark}{EDIT} {r.when(message.at)} — " + r.t(
                N_("{name} edited the message of {date}; it now reads:"), name=who,
                date=r.when(first) if first else "?"))
        else:
            lines.append(f"{mark}{r.when(message.at)} — {who}:")
        lines += _indented(message.text)
        if message.original is not None:
            lines.append(INDENT + r.t(N_("As written, before masking (for moderators only):")))
            lines += [INDENT + line for line in _indented(message.original)]
        if message.left_visible:
            lines.append(INDENT + r.t(N_("Its unmasked copy could not be taken down where it was written: "
                                         "the other party may have read it.")))
        if message.files:
            lines.append(INDENT + r.t(N_("Files: {files}"), files=file_names(message.files)))
    return lines


def _opening(events: list[Event]) -> Event | None:
    """The event that put the order in dispute this time (a buyer's, a seller's, or a moderator's freeze)."""
    return next((e for e in reversed(events) if e.after is Stage.DISPUTED and e.before is not Stage.DISPUTED), None)


def _details(r: Reader, event: Event) -> list[str]:
    """What came with an action: its text (a reason, a request), amounts, a new delay, files."""
    details = []
    if event.get("text"):
        said = str(event.get("text")).splitlines()
        said[0] = "“" + said[0]
        said[-1] += "”"
        details += said
    if event.get("to_buyer") is not None:
        details.append(r.t(N_("To the buyer: {amount}; the rest to the seller."),
                           amount=r.money(int(event.get("to_buyer")))))
    if event.get("amount") is not None:
        details.append(r.t(N_("Amount: {amount}"), amount=r.money(int(event.get("amount")))))
    if event.action is Action.REQUEST_EXTENSION:
        details.append(r.t(N_("More time asked: {days} days"), days=event.get("days")))
    elif event.action is Action.ACCEPT_EXTENSION:
        due = datetime.fromisoformat(str(event.get("delivery_due")))
        details.append(r.t(N_("More time given: {days} days; delivery now due {date}"), days=event.get("days"),
                           date=r.when(due)))
    elif event.get("days") is not None:
        details.append(r.t(N_("New delivery time: {days} days"), days=event.get("days")))
    if event.get("files"):
        details.append(r.t(N_("Files: {files}"), files=file_names(event.get("files"))))
    return details


def _indented(text: str) -> list[str]:
    return [INDENT + line for line in text.splitlines()] or [INDENT]
