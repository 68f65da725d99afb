"""The unit of work: one database transaction in which an action's every consequence is saved, or none."""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace

from sqlalchemy import bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.chat import ChatMessage
from core.checkout import Checkout, PaymentState
from core.discussion import CustomOffer, CustomOfferState, Discussion
from core.events import Event, Notice, Outcome
from core.i18n import to_json
from core.ledger import Ledger
from core.model import Offer, Order, Role, Stage
from core.ports import Conflict
from core.refunds import Refund
from core.deadlines import Timer, TimerPlan
from core.vouchers import Voucher
from storage import mapping
from storage.accounts import Accounts
from storage.audit import Audit
from storage.conversations import Conversations
from storage.database import READ_ONLY, insert_ignoring_duplicates
from storage.tables import (
    accounts,
    attachments,
    chat_messages,
    checkouts,
    custom_offers,
    discussions,
    identities,
    ledger_entries,
    offer_options,
    offers,
    order_events,
    orders,
    outbox,
    refunds,
    reviews,
    settlements,
    timers,
    vouchers,
)


class SqlUnitOfWork:
    """With `read_only=True` the unit only reads: on SQLite its transaction is a deferred BEGIN, so it does not
    take the write lock (WAL readers see a consistent snapshot and never wait for writers); its writes are refused."""

    def __init__(self, engine: AsyncEngine, clock, read_only: bool = False) -> None:
        self.engine = engine
        self.clock = clock
        self.read_only = read_only
        self._known: dict[str, Order] = {}  # orders this unit read or wrote, for the recipients of notices

    async def __aenter__(self) -> SqlUnitOfWork:
        self.conn = await self.engine.connect()
        if self.read_only:
            await self.conn.execution_options(**{READ_ONLY: True})
        await self.conn.begin()
        self.accounts = Accounts(self.conn, self.clock)
        self.conversations = Conversations(self.conn, self.clock)
        self.audit = Audit(self.conn)
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self.conn.in_transaction():
                await self.conn.rollback()
        finally:
            await self.conn.close()

    async def commit(self) -> None:
        try:
            await self.conn.commit()
        except IntegrityError as error:  # a unique key another transaction took first
            raise Conflict(str(error)) from error

    # reading

    def _writing(self) -> None:
        if self.read_only:  # raised, not asserted: it holds under python -O too
            raise AssertionError("a read-only unit of work never writes")

    async def order(self, order_id: str) -> Order | None:
        row = (await self.conn.execute(_ORDER, {"order_id": order_id})).first()
        if row is None:
            return None
        order = self._known[order_id] = _order_with_review(row)
        return order

    async def orders(self, order_ids: list[str]) -> dict[str, Order]:
        """These orders (those that exist), locked until the transaction ends: on PostgreSQL by FOR UPDATE,
        on SQLite by the write lock this unit already holds. A batch written from them cannot conflict."""
        self._writing()
        query = _ORDERS.with_for_update(of=orders) if self.conn.dialect.name == "postgresql" else _ORDERS
        found = {}
        for row in await self.conn.execute(query, {"order_ids": list(order_ids)}):
            found[row.id] = self._known[row.id] = _order_with_review(row)
        return found

    async def offer(self, offer_id: str) -> Offer | None:
        row = (await self.conn.execute(_OFFER, {"offer_id": offer_id})).first()
        if row is None:
            return None
        options = (await self.conn.execute(_OFFER_OPTIONS, {"offer_id": offer_id})).all()
        return mapping.offer_from(row, options)

    async def offers_of(self, seller: str) -> list[Offer]:
        rows = (await self.conn.execute(select(offers).where(offers.c.seller_id == seller)
                                        .order_by(offers.c.updated_at.desc(), offers.c.id))).all()
        if not rows:
            return []
        options: dict[str, list] = {r.id: [] for r in rows}
        for option in await self.conn.execute(  # every offer's options in one query
                select(offer_options).join(offers, offers.c.id == offer_options.c.offer_id)
                .where(offers.c.seller_id == seller)):
            options[option.offer_id].append(option)
        return [mapping.offer_from(r, options[r.id]) for r in rows]

    async def discussion(self, discussion_id: str) -> Discussion | None:
        row = (await self.conn.execute(select(discussions).where(discussions.c.id == discussion_id))).first()
        return mapping.discussion_from(row) if row else None

    async def discussion_of(self, offer_id: str, buyer: str) -> Discussion | None:
        row = (await self.conn.execute(select(discussions).where(
            discussions.c.offer_id == offer_id, discussions.c.buyer_id == buyer)
            .order_by(discussions.c.opened_at))).first()
        return mapping.discussion_from(row) if row else None

    async def custom_offer(self, custom_offer_id: str) -> CustomOffer | None:
        row = (await self.conn.execute(select(custom_offers).where(custom_offers.c.id == custom_offer_id))).first()
        return mapping.custom_offer_from(row) if row else None

    async def seller_suspended(self, account: str) -> bool:
        return bool(await self.conn.scalar(_SUSPENDED, {"account": account}))

    async def vouchers_of(self, account: str) -> list[Voucher]:
        rows = await self.conn.execute(select(vouchers).where(vouchers.c.account_id == account,
                                                              vouchers.c.amount > 0).order_by(vouchers.c.expires_at))
        return [mapping.voucher_from(r) for r in rows]

    async def draw_vouchers(self, draws: tuple[tuple[str, int], ...]) -> None:
        """Takes these amounts off these vouchers, each only if it still holds that much (else Conflict: another
        order used it meanwhile)."""
        self._writing()
        for voucher_id, amount in draws:
            done = await self.conn.execute(update(vouchers).where(vouchers.c.id == voucher_id,
                                                                  vouchers.c.amount >= amount)
                                           .values(amount=vouchers.c.amount - amount))
            if done.rowcount != 1:
                raise Conflict(f"voucher {voucher_id} no longer holds {amount}")

    async def names(self, account_ids) -> dict[str, str]:
        return await self.accounts.names(account_ids)

    async def events(self, order_id: str) -> list[Event]:
        rows = await self.conn.execute(
            select(order_events).where(order_events.c.order_id == order_id).order_by(order_events.c.version))
        return [mapping.event_from(r) for r in rows]

    # writing

    async def save_offer(self, offer: Offer) -> None:
        self._writing()
        row, options = mapping.offer_rows(offer, self.clock.now())
        await self._upsert(offers, row)
        await self.conn.execute(delete(offer_options).where(offer_options.c.offer_id == offer.id))
        if options:
            await self.conn.execute(offer_options.insert(), options)

    async def save_discussion(self, discussion: Discussion) -> None:
        self._writing()
        await self.conn.execute(discussions.insert().values(**mapping.discussion_row(discussion)))

    async def queue_refund(self, refund: Refund) -> None:
        await self._queue_refunds([refund])

    async def _queue_refunds(self, to_refund) -> None:
        self._writing()
        now = self.clock.now()
        await insert_ignoring_duplicates(self.conn, refunds, [{
            "provider": refund.provider, "provider_ref": refund.provider_ref, "order_id": refund.order_id,
            "account_id": refund.buyer, "amount": refund.amount, "currency": refund.currency, "state": "pending",
            "attempts": 0, "created_at": now, "next_attempt_at": now} for refund in to_refund])

    async def save_custom_offer(self, custom: CustomOffer, expected: CustomOfferState | None = None) -> None:
        """Writes a custom offer; with `expected`, only if it is still in that state (else Conflict): the one
        payment that settles it wins, on PostgreSQL too, where two could otherwise read it unpaid at once."""
        self._writing()
        row = mapping.custom_offer_row(custom)
        if expected is None:
            await self._upsert(custom_offers, row)
            return
        done = await self.conn.execute(update(custom_offers).where(
            custom_offers.c.id == custom.id, custom_offers.c.state == expected.value).values(**row))
        if done.rowcount != 1:
            raise Conflict(custom.id)

    async def _upsert(self, table, row: dict) -> None:
        """Inserts the row, or overwrites every column of the row with its primary key (one statement)."""
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        key = [c.name for c in table.primary_key.columns]
        statement = dialect.insert(table).values(**row)
        await self.conn.execute(statement.on_conflict_do_update(
            index_elements=key, set_={name: statement.excluded[name] for name in row if name not in key}))

    async def checkout(self, checkout_id: str) -> Checkout | None:
        row = (await self.conn.execute(select(checkouts).where(checkouts.c.id == checkout_id))).first()
        return mapping.checkout_from(row) if row else None

    async def save_checkout(self, checkout: Checkout, expected: PaymentState | None = None) -> None:
        self._writing()
        row = mapping.checkout_row(checkout)
        if expected is not None:
            done = await self.conn.execute(update(checkouts).where(
                checkouts.c.id == checkout.id, checkouts.c.state == expected.value).values(**row))
            if done.rowcount != 1:
                raise Conflict(checkout.id)
        else:
            await self._upsert(checkouts, row)

    async def save(self, before: Order | None, outcome: Outcome, plan: TimerPlan) -> None:
        await self.save_all([(before, outcome, plan)])

    async def save_all(self, changes: list[tuple[Order | None, Outcome, TimerPlan]]) -> None:
        """Each change as `save` writes it, many in one go: a statement per table for them all. Several changes
        of one order follow each other in the list, each from the version the previous one made."""
        self._writing()
        updates, events, entries, resolutions, cancelled, scheduled, notices, to_refund = [], [], [], [], [], [], [], []
        issued = []
        for before, outcome, plan in changes:
            order = outcome.order
            row = mapping.order_row(order)
            if before is None:
                # a taken id is skipped rather than failing the statement: no savepoint needed to keep the transaction
                try:
                    done = await self.conn.execute(_skipping(self.conn.dialect.name, orders), row)
                except IntegrityError as error:  # e.g. an unknown account
                    raise Conflict(order.id) from error
                if done.rowcount != 1:
                    raise Conflict(order.id)
            else:
                # only the columns that changed: fewer values to encode (several are JSON) and to bind
                old = mapping.order_row(before)
                updates.append({**{k: v for k, v in row.items() if old[k] != v},
                                "where_id": order.id, "where_version": before.version})
            if order.review is not None and order.review != (before.review if before else None):
                await self.conn.execute(delete(reviews).where(reviews.c.order_id == order.id))
                await self.conn.execute(reviews.insert().values(**mapping.review_row(order)))
            events += [mapping.event_row(e) for e in outcome.events]
            issued += [mapping.voucher_row(v) for v in outcome.vouchers]
            entries += [{"tx_id": tx.id, "order_id": tx.order_id, "kind": tx.kind, "account": account,
                         "amount": amount, "at": tx.at} for tx in outcome.moves for account, amount in tx.postings]
            resolutions += [{"order_id": tx.order_id, "tx_id": tx.id, "kind": tx.kind, "at": tx.at}
                            for tx in outcome.moves if tx.kind in Ledger.RESOLUTIONS]
            cancelled += [{"order_id": order.id, "kind": kind.format()} for kind in plan.cancel]
            scheduled += [{"order_id": order.id, "kind": t.kind.format(), "due_at": t.due, "claimed_until": None}
                          for t in plan.schedule]
            self._known[order.id] = order
            to_refund += outcome.refunds
            notices += outcome.told
        for run in _runs_of_same_columns(updates):  # in order: one order's successive changes stay in sequence
            done = await self.conn.execute(_UPDATE_ORDER, run if len(run) > 1 else run[0])
            # (a driver that cannot count an executemany's rows still has the rows locked: see `orders`)
            if (len(run) == 1 or self.conn.dialect.supports_sane_multi_rowcount) and done.rowcount != len(run):
                raise Conflict(run[0]["where_id"] if len(run) == 1 else "one order of the batch")
        if events:
            await self.conn.execute(_INSERT_EVENTS, events)
        if issued:
            await self.conn.execute(vouchers.insert(), issued)
        if entries:
            await self.conn.execute(_INSERT_LEDGER, entries)
        if resolutions:
            await self._settle(resolutions)
        if cancelled:
            await self.conn.execute(_CANCEL_TIMER, cancelled)
        if scheduled:
            await self.conn.execute(_INSERT_TIMERS, scheduled)
        await self._notify_all(notices)
        if to_refund:
            await self._queue_refunds(to_refund)

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

    async def notify(self, notice: Notice, order: Order | None = None) -> None:
        """One outbox row per recipient identity (a person on Telegram and Discord hears on both)."""
        await self._notify_all([notice], order)

    async def notify_all(self, notices: list[Notice]) -> None:
        await self._notify_all(notices)

    async def _notify_all(self, notices: list[Notice], order: Order | None = None) -> None:
        """The outbox rows of these notices: one query for every recipient's identities, one insert."""
        self._writing()
        wanted: list[tuple[Notice, list[str] | None]] = []  # None: every moderator
        for notice in notices:
            if notice.account is not None:
                wanted.append((notice, [notice.account]))
                continue
            about = order
            if about is None and notice.order_id is not None:  # the order this unit already read, if it did
                about = self._known.get(notice.order_id) or await self.order(notice.order_id)
            if notice.to is Role.BUYER:
                wanted.append((notice, [about.buyer]))
            elif notice.to is Role.SELLER:
                wanted.append((notice, [about.seller]))
            elif about is not None and about.dispute is not None and about.dispute.moderator:
                wanted.append((notice, [about.dispute.moderator]))
            else:
                wanted.append((notice, None))
        named = set(account for _, who in wanted if who for account in who)
        moderators = any(who is None for _, who in wanted)
        if not named and not moderators:
            return
        if moderators:  # every moderator's identities too, told apart by their flag
            found = (await self.conn.execute(_IDENTITIES_AND_MODERATORS, {"accounts": sorted(named)})).all()
        else:
            found = (await self.conn.execute(_IDENTITIES, {"accounts": sorted(named)})).all()
        identities_of: dict[str | None, list] = {}  # by account; None: every moderator's
        for r in found:
            if r.account_id in named:
                identities_of.setdefault(r.account_id, []).append(r)
            if moderators and r.moderator:
                identities_of.setdefault(None, []).append(r)
        now = self.clock.now()
        rows = []
        for notice, who in wanted:
            text, files = to_json(notice.text), list(notice.files)
            buttons = [[to_json(b.label), b.data] for b in notice.buttons]
            quotes = [[to_json(q.label), q.text] for q in notice.quotes] or None
            rows.extend(
                {"dedupe_key": f"{notice.key}:{r.platform}:{r.external_id}", "order_id": notice.order_id,
                 "account_id": r.account_id, "role": notice.to.value, "platform": r.platform,
                 "external_id": r.external_id, "text": text, "with_card": notice.with_card,
                 "files": files, "buttons": buttons, "quotes": quotes, "created_at": now, "next_attempt_at": now, "attempts": 0}
                for account in (who or (None,)) for r in identities_of.get(account, ()))
        if rows:
            await self.conn.execute(_skipping(self.conn.dialect.name, outbox), rows)

    async def add_message(self, message: ChatMessage) -> int:
        self._writing()
        message_id = (await self.conn.execute(chat_messages.insert().values(
            order_id=message.order_id, sender_id=message.sender, role=message.role.value, platform=message.platform,
            text=message.text, flagged=message.flagged, at=message.at, original=message.original,
            source=message.source, edit_of=message.edit_of, left_visible=message.left_visible)
        )).inserted_primary_key[0]
        if message.files:
            await self.conn.execute(attachments.insert(), [
                {"message_id": message_id, "order_id": message.order_id, "platform": message.platform,
                 "file_ref": ref, "name": ref.rsplit(":", 1)[-1][:300], "mime": "application/octet-stream"}
                for ref in message.files])
        return message_id

    async def messages(self, order_id: str) -> list[ChatMessage]:
        rows = (await self.conn.execute(select(chat_messages).where(chat_messages.c.order_id == order_id)
                                        .order_by(chat_messages.c.id))).all()
        files: dict[int, list[str]] = {r.id: [] for r in rows}
        if rows:  # every message's attachments in one query
            for a in await self.conn.execute(
                    select(attachments.c.message_id, attachments.c.file_ref)
                    .join(chat_messages, chat_messages.c.id == attachments.c.message_id)
                    .where(chat_messages.c.order_id == order_id).order_by(attachments.c.id)):
                files[a.message_id].append(a.file_ref)
        return [_message(r, files[r.id]) for r in rows]

    async def message_from(self, platform: str, source: str) -> ChatMessage | None:
        """The chat message written as this platform's message (not one of its edits), if it is one."""
        row = (await self.conn.execute(select(chat_messages).where(
            chat_messages.c.platform == platform, chat_messages.c.source == source,
            chat_messages.c.edit_of.is_(None)).order_by(chat_messages.c.id).limit(1))).first()
        return _message(row) if row else None

    async def latest_version(self, message_id: int) -> ChatMessage | None:
        """A message as it reads now: its latest edit, else itself."""
        row = (await self.conn.execute(select(chat_messages).where(
            (chat_messages.c.id == message_id) | (chat_messages.c.edit_of == message_id))
            .order_by(chat_messages.c.id.desc()).limit(1))).first()
        return _message(row) if row else None

    async def mark_left_visible(self, message_id: int) -> None:
        self._writing()
        await self.conn.execute(update(chat_messages).where(chat_messages.c.id == message_id).values(left_visible=True))

    async def flagged_messages(self, limit: int = 20) -> list[tuple[ChatMessage, str]]:
        """The latest flagged chat messages and edits, newest first, each with its order's title."""
        rows = (await self.conn.execute(
            select(chat_messages, orders.c.title.label("order_title"))
            .join(orders, orders.c.id == chat_messages.c.order_id)
            .where(chat_messages.c.flagged.is_(True) | chat_messages.c.left_visible.is_(True))
            .order_by(chat_messages.c.id.desc()).limit(limit))).all()
        return [(_message(r), r.order_title) for r in rows]

    async def finish_timer(self, order_id: str, timer: Timer) -> None:
        await self.finish_timers([(order_id, timer)])

    async def finish_timers(self, fired: list[tuple[str, Timer]]) -> None:
        self._writing()
        if fired:
            rows = [{"order_id": order_id, "kind": t.kind.format(), "due_at": t.due} for order_id, t in fired]
            await self.conn.execute(_FINISH_TIMER, rows if len(rows) > 1 else rows[0])

    # reading across orders

    async def orders_of(self, account: str, stages=None, limit: int = 10, offset: int = 0) -> list[Order]:
        query = _WITH_REVIEW.where((orders.c.buyer_id == account) | (orders.c.seller_id == account))
        if stages:
            query = query.where(orders.c.stage.in_([s.value for s in stages]))
        rows = await self.conn.execute(query.order_by(orders.c.paid_at.desc(), orders.c.id).limit(limit).offset(offset))
        return [_order_with_review(r) for r in rows]

    async def count_orders_of(self, account: str, stages=None) -> int:
        query = select(func.count()).select_from(orders).where(
            (orders.c.buyer_id == account) | (orders.c.seller_id == account))
        if stages:
            query = query.where(orders.c.stage.in_([s.value for s in stages]))
        return await self.conn.scalar(query)

    async def orders_in(self, stages, limit: int = 10, offset: int = 0) -> list[Order]:
        """Orders in these stages, longest waiting first: by when each entered the stage it is in now
        (for a dispute, when it was opened or frozen; taking it does not reset its place in the queue)."""
        query = _WITH_REVIEW.where(orders.c.stage.in_([s.value for s in stages]))
        rows = await self.conn.execute(query.order_by(_entered_stage.asc(), orders.c.id).limit(limit).offset(offset))
        return [_order_with_review(r) for r in rows]

    async def count_orders_in(self, stages) -> int:
        return await self.conn.scalar(select(func.count()).select_from(orders).where(
            orders.c.stage.in_([s.value for s in stages])))

    async def disputes_taken_by(self, moderator: str, limit: int = 50) -> list[Order]:
        """The disputes this moderator took: the orders whose chat they are part of."""
        rows = await self.conn.execute(_WITH_REVIEW.where(
            orders.c.stage == Stage.DISPUTED.value, orders.c.dispute["moderator"].as_string() == moderator)
            .order_by(orders.c.id).limit(limit))
        return [_order_with_review(r) for r in rows]

    async def balances(self) -> dict[str, int]:
        rows = await self.conn.execute(
            select(ledger_entries.c.account, func.sum(ledger_entries.c.amount)).group_by(ledger_entries.c.account))
        return {account: int(total) for account, total in rows}

    async def pending_timers(self, order_id: str) -> dict[str, object]:
        rows = await self.conn.execute(select(timers.c.kind, timers.c.due_at).where(timers.c.order_id == order_id))
        return dict(rows.all())


_REVIEW_FIELDS = ("positive", "comment", "at", "reply", "reply_at")

# The statements of the busiest paths, built once: SQLAlchemy then reuses their compiled form and cache key
# instead of rebuilding them (and their parameters) for every call; the values are bound at execution.

#: an order with its review, if it has one, in one query
_WITH_REVIEW = (select(orders, *(reviews.c[name].label(f"review_{name}") for name in _REVIEW_FIELDS))
                .select_from(orders.outerjoin(reviews, reviews.c.order_id == orders.c.id)))
_ORDER = _WITH_REVIEW.where(orders.c.id == bindparam("order_id"))
#: (in id order: two processes locking overlapping batches take the rows in the same order, so neither deadlocks)
_ORDERS = _WITH_REVIEW.where(orders.c.id.in_(bindparam("order_ids", expanding=True))).order_by(orders.c.id)
_OFFER = select(offers).where(offers.c.id == bindparam("offer_id"))
_OFFER_OPTIONS = select(offer_options).where(offer_options.c.offer_id == bindparam("offer_id"))
_SUSPENDED = select(accounts.c.suspended).where(accounts.c.id == bindparam("account"))
#: the new order, only if it is still at the version it was read at
_UPDATE_ORDER = update(orders).where(orders.c.id == bindparam("where_id"),
                                     orders.c.version == bindparam("where_version"))
_INSERT_EVENTS = order_events.insert()
_INSERT_LEDGER = ledger_entries.insert()
_INSERT_TIMERS = timers.insert()
_CANCEL_TIMER = delete(timers).where(timers.c.order_id == bindparam("order_id"), timers.c.kind == bindparam("kind"))
_FINISH_TIMER = delete(timers).where(timers.c.order_id == bindparam("order_id"), timers.c.kind == bindparam("kind"),
                                     timers.c.due_at == bindparam("due_at"))
_IDENTITY_COLUMNS = (identities.c.account_id, identities.c.platform, identities.c.external_id)
_IDENTITIES = select(*_IDENTITY_COLUMNS).where(identities.c.account_id.in_(bindparam("accounts", expanding=True)))
#: the moderators are the identities the last live check found to be one (each notice is checked again when sent)
_IDENTITIES_AND_MODERATORS = (
    select(*_IDENTITY_COLUMNS, identities.c.moderator)
    .where(or_(identities.c.account_id.in_(bindparam("accounts", expanding=True)), identities.c.moderator.is_(True))))


def _message(row, files: list[str] = ()) -> ChatMessage:
    return ChatMessage(row.order_id, row.sender_id, Role(row.role), row.platform, row.text, tuple(files), row.flagged,
                       row.at, row.id, row.original, row.source, row.edit_of, row.left_visible)


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
    return _skipping(dialect_name, settlements).returning(settlements.c.order_id)


def _order_with_review(row) -> Order:
    review = (SimpleNamespace(**{name: getattr(row, f"review_{name}") for name in _REVIEW_FIELDS})
              if row.review_at is not None else None)
    return mapping.order_from(row, review)


@cache
def _skipping(dialect_name: str, table):
    """An INSERT of this table that skips a row whose key is taken (its rowcount says which happened)."""
    return (postgresql if dialect_name == "postgresql" else sqlite).insert(table).on_conflict_do_nothing()


#: when an order last entered the stage it is in now: its latest event that moved it there
_entered_stage = (
    select(func.max(order_events.c.at))
    .where(order_events.c.order_id == orders.c.id, order_events.c.after == orders.c.stage,
           or_(order_events.c.before.is_(None), order_events.c.before != order_events.c.after))
    .correlate(orders)
    .scalar_subquery()
)
