"""The unit of work: one database transaction in which an action's every consequence is saved, or none."""

from __future__ import annotations

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.chat import ChatMessage
from core.checkout import Checkout, PaymentState
from core.discussion import CustomOffer, Discussion
from core.events import Event, Notice, Outcome
from core.i18n import to_json
from core.ledger import Ledger
from core.model import Offer, Order, Role, Stage
from core.ports import Conflict
from core.refunds import Refund, refunds_of
from core.timers import Timer, TimerPlan
from storage import mapping
from storage.accounts import Accounts
from storage.audit import Audit
from storage.conversations import Conversations
from storage.database import insert_ignoring_duplicates
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
)


class SqlUnitOfWork:
    def __init__(self, engine: AsyncEngine, clock) -> None:
        self.engine = engine
        self.clock = clock

    async def __aenter__(self) -> SqlUnitOfWork:
        self.conn = await self.engine.connect()
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

    async def order(self, order_id: str) -> Order | None:
        row = (await self.conn.execute(select(orders).where(orders.c.id == order_id))).first()
        if row is None:
            return None
        review = (await self.conn.execute(select(reviews).where(reviews.c.order_id == order_id))).first()
        return mapping.order_from(row, review)

    async def offer(self, offer_id: str) -> Offer | None:
        row = (await self.conn.execute(select(offers).where(offers.c.id == offer_id))).first()
        if row is None:
            return None
        options = (await self.conn.execute(select(offer_options).where(offer_options.c.offer_id == offer_id))).all()
        return mapping.offer_from(row, options)

    async def offers_of(self, seller: str) -> list[Offer]:
        ids = await self.conn.scalars(select(offers.c.id).where(offers.c.seller_id == seller)
                                      .order_by(offers.c.updated_at.desc(), offers.c.id))
        return [await self.offer(offer_id) for offer_id in ids.all()]

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
        return bool(await self.conn.scalar(select(accounts.c.suspended).where(accounts.c.id == account)))

    async def events(self, order_id: str) -> list[Event]:
        rows = await self.conn.execute(
            select(order_events).where(order_events.c.order_id == order_id).order_by(order_events.c.version))
        return [mapping.event_from(r) for r in rows]

    # writing

    async def save_offer(self, offer: Offer) -> None:
        row, options = mapping.offer_rows(offer, self.clock.now())
        if await self.conn.scalar(select(exists().where(offers.c.id == offer.id))):
            await self.conn.execute(update(offers).where(offers.c.id == offer.id).values(**row))
            await self.conn.execute(delete(offer_options).where(offer_options.c.offer_id == offer.id))
        else:
            await self.conn.execute(offers.insert().values(**row))
        if options:
            await self.conn.execute(offer_options.insert(), options)

    async def save_discussion(self, discussion: Discussion) -> None:
        await self.conn.execute(discussions.insert().values(**mapping.discussion_row(discussion)))

    async def queue_refund(self, refund: Refund) -> None:
        now = self.clock.now()
        await insert_ignoring_duplicates(self.conn, refunds, [{
            "provider": refund.provider, "provider_ref": refund.provider_ref, "order_id": refund.order_id,
            "account_id": refund.buyer, "amount": refund.amount, "currency": refund.currency, "state": "pending",
            "attempts": 0, "created_at": now, "next_attempt_at": now}])

    async def save_custom_offer(self, custom: CustomOffer) -> None:
        row = mapping.custom_offer_row(custom)
        if await self.conn.scalar(select(exists().where(custom_offers.c.id == custom.id))):
            await self.conn.execute(update(custom_offers).where(custom_offers.c.id == custom.id).values(**row))
        else:
            await self.conn.execute(custom_offers.insert().values(**row))

    async def checkout(self, checkout_id: str) -> Checkout | None:
        row = (await self.conn.execute(select(checkouts).where(checkouts.c.id == checkout_id))).first()
        return mapping.checkout_from(row) if row else None

    async def save_checkout(self, checkout: Checkout, expected: PaymentState | None = None) -> None:
        row = mapping.checkout_row(checkout)
        if expected is not None:
            done = await self.conn.execute(update(checkouts).where(
                checkouts.c.id == checkout.id, checkouts.c.state == expected.value).values(**row))
            if done.rowcount != 1:
                raise Conflict(checkout.id)
        elif await self.conn.scalar(select(exists().where(checkouts.c.id == checkout.id))):
            await self.conn.execute(update(checkouts).where(checkouts.c.id == checkout.id).values(**row))
        else:
            await self.conn.execute(checkouts.insert().values(**row))

    async def save(self, before: Order | None, outcome: Outcome, plan: TimerPlan) -> None:
        order = outcome.order
        row = mapping.order_row(order)
        if before is None:
            try:
                async with self.conn.begin_nested():
                    await self.conn.execute(orders.insert().values(**row))
            except IntegrityError as error:
                raise Conflict(order.id) from error
        else:
            done = await self.conn.execute(
                update(orders).where(orders.c.id == order.id, orders.c.version == before.version).values(**row))
            if done.rowcount != 1:
                raise Conflict(order.id)
        if order.review is not None and order.review != (before.review if before else None):
            await self.conn.execute(delete(reviews).where(reviews.c.order_id == order.id))
            await self.conn.execute(reviews.insert().values(**mapping.review_row(order)))
        if outcome.events:
            await self.conn.execute(order_events.insert(), [mapping.event_row(e) for e in outcome.events])
        await self._post(outcome)
        if plan.cancel:
            await self.conn.execute(delete(timers).where(timers.c.order_id == order.id, timers.c.kind.in_(plan.cancel)))
        if plan.schedule:
            await self.conn.execute(timers.insert(), [
                {"order_id": order.id, "kind": t.kind, "due_at": t.due, "claimed_until": None} for t in plan.schedule])
        for notice in outcome.notices:
            await self.notify(notice, order)
        # money the provider must give back is queued with the transition that decided it
        to_refund, by_hand = refunds_of(outcome)
        for refund in to_refund:
            await self.queue_refund(refund)
        for notice in by_hand:
            await self.notify(notice, order)

    async def _post(self, outcome: Outcome) -> None:
        for tx in outcome.moves:
            await self.conn.execute(ledger_entries.insert(), [
                {"tx_id": tx.id, "order_id": tx.order_id, "kind": tx.kind, "account": account, "amount": amount,
                 "at": tx.at} for account, amount in tx.postings])
            if tx.kind in Ledger.RESOLUTIONS:
                try:
                    async with self.conn.begin_nested():
                        await self.conn.execute(settlements.insert().values(
                            order_id=tx.order_id, tx_id=tx.id, kind=tx.kind, at=tx.at))
                except IntegrityError as error:
                    raise Conflict(f"escrow of {tx.order_id} already settled") from error

    async def notify(self, notice: Notice, order: Order | None = None) -> None:
        """One outbox row per recipient identity (a person on Telegram and Discord hears on both)."""
        if order is None and notice.order_id is not None:
            order = await self.order(notice.order_id)
        if notice.account is not None:
            who = [notice.account]
        elif notice.to is Role.BUYER:
            who = [order.buyer]
        elif notice.to is Role.SELLER:
            who = [order.seller]
        elif order is not None and order.dispute is not None and order.dispute.moderator:
            who = [order.dispute.moderator]
        else:
            who = list(await self.conn.scalars(select(accounts.c.id).where(accounts.c.moderator.is_(True))))
        if not who:
            return
        found = await self.conn.execute(select(identities.c.account_id, identities.c.platform,
                                               identities.c.external_id).where(identities.c.account_id.in_(who)))
        now = self.clock.now()
        await insert_ignoring_duplicates(self.conn, outbox, [
            {"dedupe_key": f"{notice.key}:{r.platform}:{r.external_id}", "order_id": notice.order_id,
             "account_id": r.account_id, "role": notice.to.value, "platform": r.platform,
             "external_id": r.external_id, "text": to_json(notice.text), "with_card": notice.with_card,
             "files": list(notice.files), "buttons": [[to_json(b.label), b.data] for b in notice.buttons],
             "created_at": now,
             "next_attempt_at": now, "attempts": 0}
            for r in found])

    async def add_message(self, message: ChatMessage) -> int:
        message_id = (await self.conn.execute(chat_messages.insert().values(
            order_id=message.order_id, sender_id=message.sender, role=message.role.value, platform=message.platform,
            text=message.text, flagged=message.flagged, at=message.at))).inserted_primary_key[0]
        if message.files:
            await self.conn.execute(attachments.insert(), [
                {"message_id": message_id, "order_id": message.order_id, "platform": message.platform,
                 "file_ref": ref, "name": ref.rsplit("/", 1)[-1][:300], "mime": "application/octet-stream"}
                for ref in message.files])
        return message_id

    async def messages(self, order_id: str) -> list[ChatMessage]:
        rows = await self.conn.execute(select(chat_messages).where(chat_messages.c.order_id == order_id)
                                       .order_by(chat_messages.c.id))
        out = []
        for r in rows.all():
            files = await self.conn.scalars(select(attachments.c.file_ref).where(attachments.c.message_id == r.id))
            out.append(ChatMessage(r.order_id, r.sender_id, Role(r.role), r.platform, r.text, tuple(files),
                                   r.flagged, r.at))
        return out

    async def finish_timer(self, order_id: str, timer: Timer) -> None:
        await self.conn.execute(delete(timers).where(
            timers.c.order_id == order_id, timers.c.kind == timer.kind, timers.c.due_at == timer.due))

    # reading across orders

    async def orders_of(self, account: str, stages=None, limit: int = 10, offset: int = 0) -> list[Order]:
        query = select(orders).where((orders.c.buyer_id == account) | (orders.c.seller_id == account))
        if stages:
            query = query.where(orders.c.stage.in_([s.value for s in stages]))
        rows = await self.conn.execute(query.order_by(orders.c.paid_at.desc(), orders.c.id).limit(limit).offset(offset))
        return [mapping.order_from(r) for r in rows]

    async def count_orders_of(self, account: str, stages=None) -> int:
        query = select(func.count()).select_from(orders).where(
            (orders.c.buyer_id == account) | (orders.c.seller_id == account))
        if stages:
            query = query.where(orders.c.stage.in_([s.value for s in stages]))
        return await self.conn.scalar(query)

    async def orders_in(self, stages, limit: int = 10, offset: int = 0) -> list[Order]:
        """Orders in these stages, longest waiting first: by when each entered the stage it is in now
        (for a dispute, when it was opened or frozen; taking it does not reset its place in the queue)."""
        query = select(orders).where(orders.c.stage.in_([s.value for s in stages]))
        rows = await self.conn.execute(query.order_by(_entered_stage.asc(), orders.c.id).limit(limit).offset(offset))
        return [mapping.order_from(r) for r in rows]

    async def count_orders_in(self, stages) -> int:
        return await self.conn.scalar(select(func.count()).select_from(orders).where(
            orders.c.stage.in_([s.value for s in stages])))

    async def disputes_taken_by(self, moderator: str, limit: int = 50) -> list[Order]:
        """The disputes this moderator took: the orders whose chat they are part of."""
        rows = await self.conn.execute(select(orders).where(
            orders.c.stage == Stage.DISPUTED.value, orders.c.dispute["moderator"].as_string() == moderator)
            .order_by(orders.c.id).limit(limit))
        return [mapping.order_from(r) for r in rows]

    async def balances(self) -> dict[str, int]:
        rows = await self.conn.execute(
            select(ledger_entries.c.account, func.sum(ledger_entries.c.amount)).group_by(ledger_entries.c.account))
        return {account: int(total) for account, total in rows}

    async def pending_timers(self, order_id: str) -> dict[str, object]:
        rows = await self.conn.execute(select(timers.c.kind, timers.c.due_at).where(timers.c.order_id == order_id))
        return dict(rows.all())


#: when an order last entered the stage it is in now: its latest event that moved it there
_entered_stage = (
    select(func.max(order_events.c.at))
    .where(order_events.c.order_id == orders.c.id, order_events.c.after == orders.c.stage,
           or_(order_events.c.before.is_(None), order_events.c.before != order_events.c.after))
    .correlate(orders)
    .scalar_subquery()
)
