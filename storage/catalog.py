"""What sellers offer: offers and their options, the discussions buyers open about them, and custom offers."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, select, update

from core.discussion import CustomOffer, CustomOfferState, Discussion
from core.model import Offer
from core.ports import Conflict
from storage import mapping
from storage.tables import accounts, custom_offers, discussions, offer_options, offers
from storage.transaction import InTransaction


class CatalogRows(InTransaction):
    """The catalog part of `SqlUnitOfWork`."""

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

    async def seller_suspended(self, account: str) -> bool:
        return bool(await self.conn.scalar(_SUSPENDED, {"account": account}))

    async def save_offer(self, offer: Offer) -> None:
        self.writing()
        row, options = mapping.offer_rows(offer, self.clock.now())
        await self.upsert(offers, row)
        await self.conn.execute(delete(offer_options).where(offer_options.c.offer_id == offer.id))
        if options:
            await self.conn.execute(offer_options.insert(), options)

    async def discussion(self, discussion_id: str) -> Discussion | None:
        row = (await self.conn.execute(select(discussions).where(discussions.c.id == discussion_id))).first()
        return mapping.discussion_from(row) if row else None

    async def discussion_of(self, offer_id: str, buyer: str) -> Discussion | None:
        row = (await self.conn.execute(select(discussions).where(
            discussions.c.offer_id == offer_id, discussions.c.buyer_id == buyer)
            .order_by(discussions.c.opened_at))).first()
        return mapping.discussion_from(row) if row else None

    async def save_discussion(self, discussion: Discussion) -> None:
        self.writing()
        await self.conn.execute(discussions.insert().values(**mapping.discussion_row(discussion)))

    async def custom_offer(self, custom_offer_id: str) -> CustomOffer | None:
        row = (await self.conn.execute(select(custom_offers).where(custom_offers.c.id == custom_offer_id))).first()
        return mapping.custom_offer_from(row) if row else None

    async def save_custom_offer(self, custom: CustomOffer, expected: CustomOfferState | None = None) -> None:
        """Writes a custom offer; with `expected`, only if it is still in that state (else Conflict): the one
        payment that settles it wins, on PostgreSQL too, where two could otherwise read it unpaid at once."""
        self.writing()
        row = mapping.custom_offer_row(custom)
        if expected is None:
            await self.upsert(custom_offers, row)
            return
        done = await self.conn.execute(update(custom_offers).where(
            custom_offers.c.id == custom.id, custom_offers.c.state == expected.value).values(**row))
        if done.rowcount != 1:
            raise Conflict(custom.id)


_OFFER = select(offers).where(offers.c.id == bindparam("offer_id"))
_OFFER_OPTIONS = select(offer_options).where(offer_options.c.offer_id == bindparam("offer_id"))
_SUSPENDED = select(accounts.c.suspended).where(accounts.c.id == bindparam("account"))
