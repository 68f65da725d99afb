"""Moderation's words for any platform: the dispute queue, the evidence bundle, the audit trail and the flagged
messages, as core.moderation returns them, worded here once in the reader's language.

Each platform's adapter parses its commands, asks core.sanctions whether the person may moderate, and shows
what these functions return; suspensions and the audit entries of moderators' acts are core.moderation's.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from bots.evidence import FLAG, evidence_text, stamp
from bots.parsing import whole_number
from core import labels
from core.card import when
from core.events import Event
from core.i18n import N_, Money, translate
from core.model import Order, Role
from core.moderation import AuditEntry, Moderation, QueuePage

PAGE = 5
AUDIT_DEFAULT = 20
AUDIT_MAX = 100
REASON_SHOWN = 200  # a queue line quotes the start of a reason; the evidence has it whole
SANCTION = {"suspend": N_("suspended {name}"), "unsuspend": N_("lifted the suspension of {name}"),
            "confirm-payment": N_("confirmed the manual payment {name}"),
            "reject-payment": N_("rejected the manual payment {name}")}


async def dispute_queue(moderation: Moderation, page: int) -> QueuePage:
    """One page of the disputes waiting for a decision, the longest waiting first."""
    return await moderation.dispute_queue(page, PAGE)


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


async def evidence(moderation: Moderation, order_id: str, lang: str, zone: tzinfo, now: datetime) -> str | None:
    """The evidence bundle of an order as a document's text; None if there is no such order."""
    found = await moderation.evidence(order_id)
    if found is None:
        return None
    return evidence_text(found.order, found.events, found.messages, found.names, lang, zone, now)


async def flagged_text(moderation: Moderation, limit: int, lang: str, zone: tzinfo) -> str:
    """The latest chat messages and edits that hid contact details, newest first: the order, who wrote it, why it
    was flagged and the masked text (what was written is in the order's evidence, for moderators only)."""
    def t(msgid: str, **params: object) -> str:
        return translate(msgid, lang).format(**params)

    found, names = await moderation.flagged(limit)
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


async def audit_text(moderation: Moderation, limit: int, lang: str, zone: tzinfo) -> str:
    """Sanctions and moderators' decisions on orders, merged, newest first."""
    trail = await moderation.trail(limit)
    names = trail.names
    lines = [(e.at, _sanction_line(e, names, lang, zone)) for e in trail.entries]
    lines += [(d.at, _decision_line(d, trail.orders.get(d.order_id), names, lang, zone)
               + _as_whom(trail.grounds.get((d.order_id, d.version)), lang)) for d in trail.decisions]
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
