"""The refund queue: whole payments to give back through their provider, each claimed, tried and closed once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from core.refunds import Refund
from storage.tables import identities, refunds


@dataclass(frozen=True)
class PendingRefund:
    id: int
    refund: Refund
    attempts: int
    #: the buyer's identity on the provider's platform (who paid), None if they have none there any more
    external_id: str | None


class RefundQueue:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def claim(self, provider: str, platform: str, now: datetime, limit: int,
                    lease: timedelta) -> list[PendingRefund]:
        """Pending refunds of one provider, due now, leased to the caller (like the outbox: a crashed
        claimer only delays them by the lease)."""
        free = or_(refunds.c.claimed_until.is_(None), refunds.c.claimed_until < now)
        query = (select(refunds).where(refunds.c.provider == provider, refunds.c.state == "pending",
                                       refunds.c.next_attempt_at <= now, free)
                 .order_by(refunds.c.next_attempt_at, refunds.c.id).limit(limit))
        async with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = (await conn.execute(query)).all()
            if not rows:
                return []
            await conn.execute(update(refunds).where(refunds.c.id.in_([r.id for r in rows]))
                               .values(claimed_until=now + lease))
            found = await conn.execute(select(identities.c.account_id, identities.c.external_id).where(
                identities.c.platform == platform, identities.c.account_id.in_({r.account_id for r in rows})))
            who = dict(found.all())
        return [PendingRefund(r.id, Refund(r.provider, r.provider_ref, r.account_id, r.amount, r.currency, r.order_id),
                              r.attempts, who.get(r.account_id)) for r in rows]

    async def done(self, refund_id: int, now: datetime) -> None:
        await self._set(refund_id, state="done", done_at=now, claimed_until=None, last_error=None)

    async def later(self, refund_id: int, at: datetime, error: str) -> None:
        await self._set(refund_id, next_attempt_at=at, claimed_until=None, last_error=error[:1000],
                        attempts=refunds.c.attempts + 1)

    async def failed(self, refund_id: int, error: str) -> None:
        """Given up: kept with its error for a moderator or an operator to finish by hand."""
        await self._set(refund_id, state="failed", claimed_until=None, last_error=error[:1000],
                        attempts=refunds.c.attempts + 1)

    async def state(self, provider_ref: str) -> str | None:
        async with self.engine.connect() as conn:
            return await conn.scalar(select(refunds.c.state).where(refunds.c.provider_ref == provider_ref))

    async def _set(self, refund_id: int, **values) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(refunds).where(refunds.c.id == refund_id).values(**values))
