"""The orders and everything a change of one writes with it: its events, ledger entries, settlement, review,
vouchers issued, timers, notices and refunds, gathered per table and written a statement per table."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from types import SimpleNamespace

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from core.deadlines import Timer, TimerPlan
from core.events import Event, Notice, Outcome
from core.ledger import Ledger
from core.model import Order
from core.ports import Conflict
from core.refunds import Refund
from storage import mapping
from storage.inline import many_rows
from storage.tables import ledger_entries, order_events, orders, reviews, settlements, timers, vouchers
from storage.transaction import InTransaction, skipping


@dataclass
class Writes:
    """What a batch of changes writes, table by table: gathered from the outcomes first (nothing to decide, only
    rows to build), then written a statement per table."""

    new_orders: list[dict] = field(default_factory=list)
    #: only the columns that changed, with the version each was read at (in order: one order's successive changes
    #: follow each other, each from the version the previous one made)
    order_updates: list[dict] = field(default_factory=list)
    reviews: dict[str, dict] = field(default_factory=dict)  # by order: its latest review
    events: list[dict] = field(default_factory=list)
    vouchers: list[dict] = field(default_factory=list)
    ledger: list[dict] = field(default_factory=list)
    settlements: list[dict] = field(default_factory=list)
    cancelled_timers: list[dict] = field(default_factory=list)
    scheduled_timers: list[dict] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    parties: set[str] = field(default_factory=set)  # whose Today card the changes put out of date

    def add(self, before: Order | None, outcome: Outcome, plan: TimerPlan) -> None:
        order = outcome.order
        row = mapping.order_row(order)
        if before is None:
            self.new_orders.append(row)
        else:
            # only the columns that changed: fewer values to encode (several are JSON) and to bind
            old = mapping.order_row(before)
            self.order_updates.append({**{k: v for k, v in row.items() if old[k] != v},
                                       "where_id": order.id, "where_version": before.version})
        if order.review is not None and order.review != (before.review if before else None):
            self.reviews[order.id] = mapping.review_row(order)
        self.events += [mapping.event_row(e) for e in outcome.events]
        self.vouchers += [mapping.voucher_row(v) for v in outcome.vouchers]
        self.ledger += [{"tx_id": tx.id, "order_id": tx.order_id, "kind": tx.kind, "account": account,
                         "amount": amount, "at": tx.at} for tx in outcome.moves for account, amount in tx.postings]
        self.settlements += [{"order_id": tx.order_id, "tx_id": tx.id, "kind": tx.kind, "at": tx.at}
                             for tx in outcome.moves if tx.kind in Ledger.RESOLUTIONS]
        self.cancelled_timers += [{"order_id": order.id, "kind": kind.format()} for kind in plan.cancel]
        self.scheduled_timers += [{"order_id": order.id, "kind": t.kind.format(), "due_at": t.due,
                                   "claimed_until": None} for t in plan.schedule]
        self.notices += outcome.told
        self.refunds += outcome.refunds
        self.parties.update((order.buyer, order.seller))


class OrderRows(InTransaction):
    """The orders part of `SqlUnitOfWork`. What a change tells people and gives back goes through the unit's
    notices and payments parts (`notify_all`, `queue_refunds`), in the same transaction."""

    async def order(self, order_id: str) -> Order | None:
        row = (await self.conn.execute(_ORDER, {"order_id": order_id})).first()
        if row is None:
            return None
        order = self.known[order_id] = order_with_review(row)
        return order

    async def orders(self, order_ids: list[str]) -> dict[str, Order]:
        """These orders (those that exist), locked until the transaction ends: on PostgreSQL by FOR UPDATE,
        on SQLite by the write lock this unit already holds. A batch written from them cannot conflict."""
        self.writing()
        query = _ORDERS.with_for_update(of=orders) if self.conn.dialect.name == "postgresql" else _ORDERS
        found = {}
        for row in await self.conn.execute(query, {"order_ids": list(order_ids)}):
            found[row.id] = self.known[row.id] = order_with_review(row)
        return found

    async def events(self, order_id: str) -> list[Event]:
        rows = await self.conn.execute(
            select(order_events).where(order_events.c.order_id == order_id).order_by(order_events.c.version))
        return [mapping.event_from(r) for r in rows]

    async def save(self, before: Order | None, outcome: Outcome, plan: TimerPlan) -> None:
        await self.save_all([(before, outcome, plan)])

    async def save_all(self, changes: list[tuple[Order | None, Outcome, TimerPlan]]) -> None:
        """Each change as `save` writes it, many in one go: a statement per table for them all. Several changes
        of one order follow each other in the list, each from the version the previous one made."""
        self.writing()
        writes = Writes()
        for before, outcome, plan in changes:
            writes.add(before, outcome, plan)
            self.known[outcome.order.id] = outcome.order
        await self.write(writes)

    async def write(self, writes: Writes) -> None:
        dialect = self.conn.dialect.name
        for row in writes.new_orders:
            # a taken id is skipped rather than failing the statement: no savepoint needed to keep the transaction
            try:
                done = await self.conn.execute(skipping(dialect, orders), row)
            except IntegrityError as error:  # e.g. an unknown account
                raise Conflict(row["id"]) from error
            if done.rowcount != 1:
                raise Conflict(row["id"])
        for run in _runs_of_same_columns(writes.order_updates):  # in order: one order's changes stay in sequence
            done = await self.conn.execute(_UPDATE_ORDER, run if len(run) > 1 else run[0])
            # (a driver that cannot count an executemany's rows still has the rows locked: see `orders`)
            if (len(run) == 1 or self.conn.dialect.supports_sane_multi_rowcount) and done.rowcount != len(run):
                raise Conflict(run[0]["where_id"] if len(run) == 1 else "one order of the batch")
        if writes.reviews:
            await self.conn.execute(delete(reviews).where(reviews.c.order_id.in_(list(writes.reviews))))
            await self.conn.execute(reviews.insert(), list(writes.reviews.values()))
        if writes.events:
            await self.conn.execute(_INSERT_EVENTS, writes.events)
        if writes.vouchers:
            await self.conn.execute(vouchers.insert(), writes.vouchers)
        if writes.ledger:
            await self.conn.execute(_INSERT_LEDGER, writes.ledger)
        if writes.settlements:
            await self._settle(writes.settlements)
        if writes.cancelled_timers:
            await self.conn.execute(_CANCEL_TIMER, writes.cancelled_timers)
        if writes.scheduled_timers:
            await self.conn.execute(_INSERT_TIMERS, writes.scheduled_timers)
        await self.notify_all(writes.notices, touched=writes.parties)
        if writes.refunds:
            await self.queue_refunds(writes.refunds)

    async def _settle(self, resolutions: list[dict]) -> None:
        """One settlement per order, ever: a second is skipped by the key, not failed (the transaction stays
        usable without a savepoint), and the skip is counted from what the insert returns."""
        statement = _settling(self.conn.dialect.name)
        try:  # (many rows: SQLAlchemy's "insertmanyvalues" sends them as few multi-row INSERTs, RETURNING kept)
            settled = (await self.conn.execute(statement, resolutions)).all()
        except IntegrityError as error:
            raise Conflict(f"escrow of {resolutions[0]['order_id']} already settled") from error
        if len(settled) != len(resolutions):
            taken = {r["order_id"] for r in resolutions} - {order_id for (order_id,) in settled}
            raise Conflict(f"escrow of {', '.join(sorted(taken)) or 'an order'} already settled")

    async def finish_timer(self, order_id: str, timer: Timer) -> None:
        await self.finish_timers([(order_id, timer)])

    async def finish_timers(self, fired: list[tuple[str, Timer]]) -> None:
        self.writing()
        if fired:
            rows = [{"order_id": order_id, "kind": t.kind.format(), "due_at": t.due} for order_id, t in fired]
            await self.conn.execute(_FINISH_TIMER, rows if len(rows) > 1 else rows[0])


_REVIEW_FIELDS = ("positive", "comment", "at", "reply", "reply_at")

# The statements of the busiest paths, built once: SQLAlchemy then reuses their compiled form and cache key
# instead of rebuilding them (and their parameters) for every call; the values are bound at execution.

#: an order with its review, if it has one, in one query
WITH_REVIEW = (select(orders, *(reviews.c[name].label(f"review_{name}") for name in _REVIEW_FIELDS))
               .select_from(orders.outerjoin(reviews, reviews.c.order_id == orders.c.id)))
_ORDER = WITH_REVIEW.where(orders.c.id == bindparam("order_id"))
#: (in id order: two processes locking overlapping batches take the rows in the same order, so neither deadlocks)
_ORDERS = WITH_REVIEW.where(orders.c.id.in_(bindparam("order_ids", expanding=True))).order_by(orders.c.id)
#: the new order, only if it is still at the version it was read at
_UPDATE_ORDER = many_rows(update(orders).where(orders.c.id == bindparam("where_id"),
                                               orders.c.version == bindparam("where_version")))
_INSERT_EVENTS = many_rows(order_events.insert())
_INSERT_LEDGER = many_rows(ledger_entries.insert())
_INSERT_TIMERS = many_rows(timers.insert())
_CANCEL_TIMER = many_rows(delete(timers).where(timers.c.order_id == bindparam("order_id"),
                                               timers.c.kind == bindparam("kind")))
_FINISH_TIMER = many_rows(delete(timers).where(timers.c.order_id == bindparam("order_id"),
                                               timers.c.kind == bindparam("kind"), timers.c.due_at == bindparam("due_at")))


def order_with_review(row) -> Order:
    review = (SimpleNamespace(**{name: getattr(row, f"review_{name}") for name in _REVIEW_FIELDS})
              if row.review_at is not None else None)
    return mapping.order_from(row, review)


def _runs_of_same_columns(updates: list[dict]) -> list[list[dict]]:
    """Consecutive updates setting the same columns, together: one executemany each (it needs equal keys)."""
    runs: list[list[dict]] = []
    for update_ in updates:
        if runs and runs[-1][0].keys() == update_.keys():
            runs[-1].append(update_)
        else:
            runs.append([update_])
    return runs


@cache
def _settling(dialect_name: str):
    """A settlement insert that skips an order already settled and returns the orders it did settle."""
    return skipping(dialect_name, settlements).returning(settlements.c.order_id)
