"""What moderators did: sanctions from the audit log and order decisions from the event log, newest first,
each with the identity that acted and what made it a moderator (as whom)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.events import Event
from core.model import Role
from core.moderation import GROUNDS, AuditEntry, decision_subject
from storage import mapping
from storage.tables import audit_log, order_events


class Audit:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def record(self, entry: AuditEntry) -> None:
        await self.conn.execute(audit_log.insert().values(
            actor_id=entry.actor, action=entry.action, subject=entry.subject[:80], reason=entry.reason, at=entry.at,
            as_whom=entry.as_whom[:200] if entry.as_whom else None))

    async def entries(self, limit: int = 20) -> list[AuditEntry]:
        rows = await self.conn.execute(
            select(audit_log).where(audit_log.c.action != GROUNDS)
            .order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit))
        return [AuditEntry(r.actor_id, r.action, r.subject, r.reason, r.at, r.as_whom) for r in rows]

    async def grounds(self, decisions: list[Event]) -> dict[tuple[str, int], str]:
        """As whom each of these decisions was made, by (order, version), for those recorded."""
        subjects = {decision_subject(e.order_id, e.version) for e in decisions}
        if not subjects:
            return {}
        rows = await self.conn.execute(select(audit_log.c.subject, audit_log.c.as_whom).where(
            audit_log.c.action == GROUNDS, audit_log.c.subject.in_(subjects)))
        found = {}
        for subject, as_whom in rows:
            _, order_id, version = subject.split(":")
            found[(order_id, int(version))] = as_whom
        return found

    async def decisions(self, limit: int = 20) -> list[Event]:
        """Moderators' acts on orders (take, decide, freeze, unfreeze). The role is recorded per event:
        a moderator who is a party to an order acts there as buyer or seller, and that is no decision."""
        rows = await self.conn.execute(
            select(order_events).where(order_events.c.role == Role.MODERATOR.value)
            .order_by(order_events.c.at.desc(), order_events.c.id.desc()).limit(limit))
        return [mapping.event_from(r) for r in rows]

