"""What moderators did: sanctions from the audit log and order decisions from the event log, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.events import Event
from core.model import Role
from storage import mapping
from storage.tables import audit_log, order_events


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: an act on an account (suspend, unsuspend), not on an order."""

    actor: str
    action: str
    subject: str  # "account:<id>"
    reason: str
    at: datetime

    @property
    def account(self) -> str | None:
        kind, _, ident = self.subject.partition(":")
        return ident if kind == "account" else None


class Audit:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def entries(self, limit: int = 20) -> list[AuditEntry]:
        rows = await self.conn.execute(
            select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit))
        return [AuditEntry(r.actor_id, r.action, r.subject, r.reason, r.at) for r in rows]

    async def decisions(self, limit: int = 20) -> list[Event]:
        """Moderators' acts on orders (take, decide, freeze, unfreeze). The role is recorded per event:
        a moderator who is a party to an order acts there as buyer or seller, and that is no decision."""
        rows = await self.conn.execute(
            select(order_events).where(order_events.c.role == Role.MODERATOR.value)
            .order_by(order_events.c.at.desc(), order_events.c.id.desc()).limit(limit))
        return [mapping.event_from(r) for r in rows]
