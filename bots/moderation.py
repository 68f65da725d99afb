"""Moderation for any platform: the dispute queue, the evidence bundle, suspensions and the audit trail.

Each platform's adapter parses its commands, asks core.sanctions whether the person may moderate,
and shows what these functions return; the words are built here once, in the reader's language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bots.evidence import FLAG, evidence_text, stamp
from bots.parsing import whole_number
from core.people import Person
from core import labels, sanctions
from core.card import when
from core.checkout import Checkout, PaymentState
from core.events import Event, Outcome, Refusal
from core.i18n import N_, Money, translate
from core.model import Order, Role, Stage
from core.people import Account
from storage.audit import GROUNDS, AuditEntry, decision_subject
from storage.store import Store

PAGE = 5
AUDIT_DEFAULT = 20
AUDIT_MAX = 100
REASON_SHOWN = 200  # a queue line quotes the start of a reason; the evidence has it whole
SANCTION = {"suspend": N_("suspended {name}"), "unsuspend": N_("lifted the suspension of {name}"),
            "confirm-payment": N_("confirmed the manual payment {name}"),
            "reject-payment": N_("rejected the manual payment {name}")}


@dataclass(frozen=True)
class QueuePage:
    orders: list[Order]
    names: dict[str, str]
    page: int  # from 0
    pages: int
    total: int


async def dispute_queue(store: Store, page: int) -> QueuePage:
    """One page of the disputes waiting for a decision, the longest waiting first."""
    async with store.unit_of_work() as uow:
        total = await uow.count_orders_in([Stage.DISPUTED])
        pages = max(1, math.ceil(total / PAGE))
        page = min(max(page, 0), pages - 1)
        orders = await uow.orders_in([Stage.DISPUTED], limit=PAGE, offset=page * PAGE)
        people = {o.buyer for o in orders} | {o.seller for o in orders}
        people |= {o.dispute.moderator for o in orders if o.dispute and o.dispute.moderator}
        names = await uow.accounts.names(people)
    return QueuePage(orders, names, page, pages, total)


def queue_text(queue: QueuePage, lang: str, zone: tzinfo, now: datetime) -> str:
    def t(msgid: str, **params: object) -> str:
        return translate(msgid, lang).format(**params)

    if not queue.total:
        return t(N_("No dispute is waiting for a moderator."))
    lines = [t(N_("Disputes waiting: {count} — page {page}/{pages}"), count=queue.total, page=queue.page + 1,
               pages=queue.pages)]
    for number, order in enumerate(queue.orders, queue.page * PAGE + 1):
        dispute = order.dispute
        lines += ["", f"{number}. #{order.id} — {order.title} — {Money(order.held, order.currency).render(lang)}"]
        opened = when(dispute.at, now, zone, lang)
        reason = dispute.reason if len(dispute.reason) <= REASON_SHOWN else dispute.reason[:REASON_SHOWN] + "…"
        party = {Role.BUYER: order.buyer, Role.SELLER: order.seller}.get(dispute.opened_by)
        if party is None:  # a moderator froze it: the parties did not ask for this
            lines.append(t(N_("Frozen by a moderator on {date}: “{reason}”"), date=opened, reason=reason))
        else:
            lines.append(t(N_("Opened by the {role} ({name}) on {date}: “{reason}”"),
                           role=translate(labels.ROLE[dispute.opened_by], lang),
                           name=queue.names.get(party) or party, date=opened, reason=reason))
        if dispute.moderator:
            lines.append(t(N_("Taken by {name}."), name=queue.names.get(dispute.moderator) or dispute.moderator))
        else:
            lines.append(t(N_("Not taken yet.")))
    return "\n".join(lines)


async def evidence(store: Store, order_id: str, lang: str, zone: tzinfo, now: datetime) -> str | None:
    """The evidence bundle of an order as a document's text; None if there is no such order."""
    async with store.unit_of_work() as uow:
        order = await uow.order(order_id)
        if order is None:
            return None
        events = await uow.events(order_id)
        messages = await uow.messages(order_id)
        people = {order.buyer, order.seller} | {e.actor for e in events} | {m.sender for m in messages}
        names = await uow.accounts.names(people)
    return evidence_text(order, events, messages, names, lang, zone, now)


async def suspend(store: Store, moderator: Person, account: Account, suspended: bool,
                  reason: str) -> Refusal | None:
    """Suspends (or lets back) an account, logged with its reason and as whom; None when done, else why not."""
    async with store.unit_of_work() as uow:
        current = await uow.accounts.get(account.id)
        refusal = sanctions.suspension_refusal(moderator.viewer, current.id, current.suspended, suspended, reason)
        if refusal is not None:
            return refusal
        await uow.accounts.suspend(moderator.account.id, current.id, suspended, reason.strip(),
                                   as_whom=str(moderator.moderator))
        await uow.commit()
    return None


async def record(store: Store, who: Person, result: object, checkout_id: str | None = None) -> None:
    """After a moderator's act: which identity acted and what made it a moderator, kept in the audit trail next
    to the act (a decision's event names only the account); a manual payment's confirmation or rejection
    (`checkout_id`) is written here whole."""
    if who.moderator is None:
        return
    as_whom, now = str(who.moderator), store.clock.now()
    if checkout_id is not None and isinstance(result, Outcome):
        entries = [AuditEntry(who.account.id, "confirm-payment", f"checkout:{checkout_id}", f"#{result.order.id}",
                              now, as_whom)]
    elif checkout_id is not None and isinstance(result, Checkout) and result.state is PaymentState.REJECTED:
        entries = [AuditEntry(who.account.id, "reject-payment", f"checkout:{checkout_id}", "", now, as_whom)]
    elif isinstance(result, Outcome):
        entries = [AuditEntry(who.account.id, GROUNDS, decision_subject(e.order_id, e.version), "", e.at, as_whom)
                   for e in result.events if e.role is Role.MODERATOR]
    else:
        return
    if entries:
        async with store.unit_of_work() as uow:
            for entry in entries:
                await uow.audit.record(entry)
            await uow.commit()


async def flagged_text(store: Store, limit: int, lang: str, zone: tzinfo) -> str:
    """The latest chat messages and edits that hid contact details, newest first: the order, who wrote it, why it
    was flagged and the masked text (what was written is in the order's evidence, for moderators only)."""
    def t(msgid: str, **params: object) -> str:
        return translate(msgid, lang).format(**params)

    async with store.unit_of_work(read_only=True) as uow:
        found = await uow.flagged_messages(limit)
        names = await uow.accounts.names({message.sender for message, _ in found})
    if not found:
        return t(N_("No message has been flagged."))
    lines = [t(N_("Flagged messages, newest first (times in {zone}); /evidence <order> has what was written:"),
               zone=str(zone))]
    for message, title in found:
        role = translate(labels.ROLE[message.role], lang)
        why = [t(N_("contact details hidden in an edit") if message.edit_of is not None
                 else N_("contact details hidden"))] if message.flagged else []
        if message.left_visible:
            why.append(t(N_("its unmasked copy could not be taken down: the other party may have read it")))
        text = message.text if len(message.text) <= REASON_SHOWN else message.text[:REASON_SHOWN] + "…"
        lines += ["", f"{FLAG} {stamp(message.at, zone, lang)} — #{message.order_id} {title} — "
                      f"{names.get(message.sender) or message.sender} ({role}) — {'; '.join(why)}",
                  f"“{text}”"]
    return "\n".join(lines)


def audit_limit(words: list[str]) -> int | None:
    """/audit [N]: how many lines; None if what was typed is not a number."""
    if not words:
        return AUDIT_DEFAULT
    number = whole_number(words[0], 4)
    return min(max(number, 1), AUDIT_MAX) if number is not None else None


async def audit_text(store: Store, limit: int, lang: str, zone: tzinfo) -> str:
    """Sanctions and moderators' decisions on orders, merged, newest first."""
    async with store.unit_of_work() as uow:
        entries = await uow.audit.entries(limit)
        decisions = await uow.audit.decisions(limit)
        grounds = await uow.audit.grounds(decisions)
        orders = {o.id: o for o in [await uow.order(i) for i in {d.order_id for d in decisions}] if o}
        people = {e.actor for e in entries} | {e.account for e in entries if e.account} | {d.actor for d in decisions}
        names = await uow.accounts.names(people)
    lines = [(e.at, _sanction_line(e, names, lang, zone)) for e in entries]
    lines += [(d.at, _decision_line(d, orders.get(d.order_id), names, lang, zone)
               + _as_whom(grounds.get((d.order_id, d.version)), lang)) for d in decisions]
    lines.sort(key=lambda item: item[0], reverse=True)
    if not lines:
        return translate(N_("Nothing in the audit trail yet."), lang)
    header = translate(N_("Audit trail, newest first (times in {zone}):"), lang).format(zone=str(zone))
    return "\n".join([header] + [line for _, line in lines[:limit]])


def _sanction_line(entry: AuditEntry, names: dict[str, str], lang: str, zone: tzinfo) -> str:
    subject = (names.get(entry.account) or entry.account) if entry.account else entry.subject.partition(":")[2]
    done = translate(SANCTION[entry.action], lang).format(name=subject) if entry.action in SANCTION else entry.action
    said = f": “{entry.reason}”" if entry.reason else ""
    return (f"{stamp(entry.at, zone, lang)} — {names.get(entry.actor) or entry.actor} — {done}{said}"
            + _as_whom(entry.as_whom, lang))


def _as_whom(as_whom: str | None, lang: str) -> str:
    """The identity and what made it a moderator, as the audit keeps it ("discord:<user> role:<role>")."""
    return " — " + translate(N_("as {who}"), lang).format(who=as_whom) if as_whom else ""


def _decision_line(event: Event, order: Order | None, names: dict[str, str], lang: str, zone: tzinfo) -> str:
    line = (f"{stamp(event.at, zone, lang)} — {names.get(event.actor) or event.actor} — "
            f"{translate(labels.ACTION[event.action], lang)} — #{event.order_id}")
    if event.get("text"):
        line += f": “{event.get('text')}”"
    if event.get("to_buyer") is not None and order is not None:
        line += " — " + translate(N_("To the buyer: {amount}; the rest to the seller."), lang).format(
            amount=Money(int(event.get("to_buyer")), order.currency).render(lang))
    if event.get("days") is not None:
        line += " — " + translate(N_("New delivery time: {days} days"), lang).format(days=event.get("days"))
    return line
