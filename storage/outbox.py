"""The notification outbox: rows written with the transition, sent later, each marked exactly once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from core.events import Choice, Quote
from core.i18n import from_json
from core.model import Role
from core.ports import Outgoing
from storage.claims import claim_outbox
from storage.orders import WITH_REVIEW, order_with_review
from storage.tables import accounts, identities, orders, outbox, platform_messages
from storage.database import insert_ignoring_duplicates


class Outbox:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[tuple[int, int, Outgoing | None]]:
        """(row id, attempts so far, message) for due rows; the message is None while the person
        cannot be reached yet (they never started the bot on that platform). Each message carries its order as
        this read finds it: the recipients and the orders of the whole batch are read together, so sending a
        notice reads no order of its own."""
        rows = await claim_outbox(self.engine, now, limit, lease)
        if not rows:
            return []
        async with self.engine.connect() as conn:
            found = await conn.execute(
                select(identities.c.platform, identities.c.external_id, identities.c.chat_id,
                       accounts.c.language, accounts.c.timezone, accounts.c.timezone_set)
                .join(accounts, accounts.c.id == identities.c.account_id)
                .where(identities.c.account_id.in_({r.account_id for r in rows})))
            people = {(r.platform, r.external_id): r for r in found}
            order_ids = sorted({r.order_id for r in rows if r.order_id})
            by_id = ({row.id: order_with_review(row) for row in await conn.execute(_ORDERS, {"ids": order_ids})}
                     if order_ids else {})
        claimed = []
        for row in rows:
            person = people.get((row.platform, row.external_id))
            message = None
            if person is not None and person.chat_id:
                message = Outgoing(row.dedupe_key, row.platform, person.chat_id, row.account_id, person.language,
                                   person.timezone, row.order_id, Role(row.role), from_json(row.text),
                                   row.with_card, tuple(row.files),
                                   tuple(Choice(from_json(label), data) for label, data in row.buttons or ()),
                                   tuple(Quote(from_json(label), text) for label, text in row.quotes or ()),
                                   person.timezone_set, by_id.get(row.order_id))
            claimed.append((row.id, row.attempts, message))
        return claimed

    async def sent(self, row_id: int, now: datetime, message: Outgoing, message_id: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(outbox).where(outbox.c.id == row_id)
                               .values(sent_at=now, claimed_until=None, last_error=None))
            await insert_ignoring_duplicates(conn, platform_messages, [{
                "platform": message.platform, "chat_id": message.chat_id, "message_id": message_id,
                "order_id": message.order_id, "account_id": message.account_id, "kind": "notice",
                "dedupe_key": message.dedupe_key, "at": now}])

    async def later(self, row_id: int, at: datetime, error: str, attempt: bool) -> None:
        """Tries again at `at`; `attempt` says whether this counted as a failed attempt."""
        values = {"next_attempt_at": at, "claimed_until": None, "last_error": error[:1000]}
        if attempt:
            values["attempts"] = outbox.c.attempts + 1
        async with self.engine.begin() as conn:
            await conn.execute(update(outbox).where(outbox.c.id == row_id).values(**values))

    async def failed(self, row_id: int, now: datetime, error: str) -> None:
        """Gives up on a row (kept, with its error, for an operator to see)."""
        async with self.engine.begin() as conn:
            await conn.execute(update(outbox).where(outbox.c.id == row_id)
                               .values(failed_at=now, claimed_until=None, last_error=error[:1000],
                                       attempts=outbox.c.attempts + 1))

    async def was_sent(self, dedupe_key: str) -> bool:
        async with self.engine.connect() as conn:
            return bool(await conn.scalar(select(platform_messages.c.message_id)
                                          .where(platform_messages.c.dedupe_key == dedupe_key)))


#: the orders of a batch of notices, with their reviews
_ORDERS = WITH_REVIEW.where(orders.c.id.in_(bindparam("ids", expanding=True)))
