"""Moderation's use cases: the dispute queue, an order's evidence, suspensions, the audit trail (each moderator's
act kept with as whom it was made) and the flagged chat messages, read and written through the ports. The front
ends word what they return, in the reader's language (bots/moderation.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from core import sanctions
from core.chat import ChatMessage
from core.checkout import Checkout, PaymentState
from core.events import Event, Outcome, Refusal
from core.model import Order, Role, Stage
from core.people import Account, Person

if TYPE_CHECKING:  # core.ports names this module's Audit port: imported for the annotations only
    from core.ports import Clock, UnitOfWorkFactory

#: an audit row that only says as whom a moderator made a decision of the event log (subject "order:<id>:<version>")
GROUNDS = "grounds"


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: an act on an account (suspend, unsuspend) or a payment (confirm, reject), not
    on an order (those are in the order's event log)."""

    actor: str
    action: str
    subject: str  # "account:<id>", "checkout:<id>"
    reason: str
    at: datetime
    as_whom: str | None = None

    @property
    def account(self) -> str | None:
        kind, _, ident = self.subject.partition(":")
        return ident if kind == "account" else None


def decision_subject(order_id: str, version: int) -> str:
    return f"order:{order_id}:{version}"


class Audit(Protocol):
    """The audit trail's port, kept by storage (storage/audit.py)."""

    async def record(self, entry: AuditEntry) -> None: ...
    async def entries(self, limit: int = 20) -> list[AuditEntry]: ...
    async def grounds(self, decisions: list[Event]) -> dict[tuple[str, int], str]: ...
    async def decisions(self, limit: int = 20) -> list[Event]: ...


@dataclass(frozen=True)
class QueuePage:
    orders: list[Order]
    names: dict[str, str]
    page: int  # from 0
    pages: int
    total: int


@dataclass(frozen=True)
class Evidence:
    order: Order
    events: list[Event]
    messages: list[ChatMessage]
    names: dict[str, str]


@dataclass(frozen=True)
class Trail:
    """Sanctions and moderators' decisions on orders, with as whom each was made, and what names them."""

    entries: list[AuditEntry]
    decisions: list[Event]
    grounds: dict[tuple[str, int], str]
    orders: dict[str, Order]
    names: dict[str, str]


def audit_entries(who: Person, result: object, now: datetime, checkout_id: str | None = None) -> list[AuditEntry]:
    """What a moderator's act adds to the audit trail: which identity acted and what made it a moderator, next to
    the act (a decision's event names only the account); a manual payment's confirmation or rejection
    (`checkout_id`) whole. Nothing for anyone acting as no moderator."""
    if who.moderator is None:
        return []
    as_whom = str(who.moderator)
    if checkout_id is not None and isinstance(result, Outcome):
        return [AuditEntry(who.account.id, "confirm-payment", f"checkout:{checkout_id}", f"#{result.order.id}",
                           now, as_whom)]
    if checkout_id is not None and isinstance(result, Checkout) and result.state is PaymentState.REJECTED:
        return [AuditEntry(who.account.id, "reject-payment", f"checkout:{checkout_id}", "", now, as_whom)]
    if isinstance(result, Outcome):
        return [AuditEntry(who.account.id, GROUNDS, decision_subject(e.order_id, e.version), "", e.at, as_whom)
                for e in result.events if e.role is Role.MODERATOR]
    return []


@dataclass
class Moderation:
    uow: UnitOfWorkFactory
    clock: Clock

    async def dispute_queue(self, page: int, size: int) -> QueuePage:
        """One page of the disputes waiting for a decision, the longest waiting first."""
        async with self.uow() as uow:
            total = await uow.count_orders_in([Stage.DISPUTED])
            pages = max(1, math.ceil(total / size))
            page = min(max(page, 0), pages - 1)
            orders = await uow.orders_in([Stage.DISPUTED], limit=size, offset=page * size)
            people = {o.buyer for o in orders} | {o.seller for o in orders}
            people |= {o.dispute.moderator for o in orders if o.dispute and o.dispute.moderator}
            names = await uow.accounts.names(people)
        return QueuePage(orders, names, page, pages, total)

    async def evidence(self, order_id: str) -> Evidence | None:
        """What an order's evidence bundle is made of; None if there is no such order."""
        async with self.uow() as uow:
            order = await uow.order(order_id)
            if order is None:
                return None
            events = await uow.events(order_id)
            messages = await uow.messages(order_id)
            people = {order.buyer, order.seller} | {e.actor for e in events} | {m.sender for m in messages}
            names = await uow.accounts.names(people)
        return Evidence(order, events, messages, names)

    async def suspend(self, moderator: Person, account: Account, suspended: bool, reason: str) -> Refusal | None:
        """Suspends (or lets back) an account, logged with its reason and as whom; None when done, else why not."""
        async with self.uow() as uow:
            current = await uow.accounts.get(account.id)
            assert current is not None  # an account is never deleted
            refusal = sanctions.suspension_refusal(moderator.viewer, current.id, current.suspended, suspended,
                                                   reason)
            if refusal is not None:
                return refusal
            await uow.accounts.suspend(moderator.account.id, current.id, suspended, reason.strip(),
                                       as_whom=str(moderator.moderator))
            await uow.commit()
        return None

    async def record(self, who: Person, result: object, checkout_id: str | None = None) -> None:
        """After a moderator's act: its audit entries (`audit_entries`), in a transaction of their own."""
        entries = audit_entries(who, result, self.clock.now(), checkout_id)
        if entries:
            async with self.uow() as uow:
                for entry in entries:
                    await uow.audit.record(entry)
                await uow.commit()

    async def flagged(self, limit: int) -> tuple[list[tuple[ChatMessage, str]], dict[str, str]]:
        """The latest chat messages and edits that hid contact details, newest first, with their order's title;
        and their writers' names."""
        async with self.uow(read_only=True) as uow:
            found = await uow.flagged_messages(limit)
            names = await uow.accounts.names({message.sender for message, _ in found})
        return found, names

    async def trail(self, limit: int) -> Trail:
        async with self.uow() as uow:
            entries = await uow.audit.entries(limit)
            decisions = await uow.audit.decisions(limit)
            grounds = await uow.audit.grounds(decisions)
            orders = {o.id: o for o in [await uow.order(i) for i in {d.order_id for d in decisions}] if o}
            people = ({e.actor for e in entries} | {e.account for e in entries if e.account}
                      | {d.actor for d in decisions})
            names = await uow.accounts.names(people)
        return Trail(entries, decisions, grounds, orders, names)
