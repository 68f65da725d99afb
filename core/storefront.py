"""Use cases before an order: sellers publish offers, visitors look, ask questions, get custom offers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from core.availability import Pause, pause_of
from core.discussion import (
    CustomOffer, Discussion, check_payable, check_seller, open_discussion, send_custom_offer,
)
from core.engine import may_order
from core.events import Choice, Notice, Refusal, Refused
from core.i18n import N_, Money, Text
from core.model import Offer, Role, Viewer
from core.notices import shown
from core.offers import Shown, check_offer, may_change, shown_to
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory, new_id
from core.settings import Settings

NO_OFFER = N_("This offer does not exist.")


def _missing() -> Refusal:
    return Refusal(Refused.UNKNOWN, Text.of(NO_OFFER))


@dataclass
class Storefront:
    uow: UnitOfWorkFactory
    clock: Clock
    settings: Settings
    ids: Callable[[], str] = new_id

    # sellers

    async def publish(self, seller: Viewer, offer: Offer) -> Offer | Refusal:
        """A new offer (no id yet), or a new version of one of the seller's (orders already placed keep what
        they bought; a paused offer stays paused). Its words are kept masked: every visitor reads them, and an
        order's title and options are copied from them."""
        refusal = check_offer(offer)
        if refusal is not None:
            return refusal
        offer = replace(offer, id=offer.id or self.ids(), title=shown(offer.title, self.settings),
                        description=shown(offer.description, self.settings),
                        options=tuple(replace(o, title=shown(o.title, self.settings)) for o in offer.options))
        async with self.uow() as uow:
            current = await uow.offer(offer.id)
            if current is not None and (refusal := may_change(current, seller)):
                return refusal
            offer = replace(offer, seller=seller.account, active=current.active if current else True)
            await uow.save_offer(offer)
            await uow.commit()
        return offer

    async def set_active(self, offer_id: str, seller: Viewer, active: bool) -> Offer | Refusal:
        """Pause (no new orders, the link says so) or resume an offer."""
        async with self.uow() as uow:
            offer = await uow.offer(offer_id)
            refusal = may_change(offer, seller)
            if refusal is not None:
                return refusal
            assert offer is not None  # may_change refuses a missing offer
            offer = replace(offer, active=active)
            await uow.save_offer(offer)
            await uow.commit()
        return offer

    async def editable(self, offer_id: str, seller: Viewer) -> Offer | Refusal:
        async with self.uow() as uow:
            offer = await uow.offer(offer_id)
        refusal = may_change(offer, seller)
        if refusal is not None:
            return refusal
        assert offer is not None  # may_change refuses a missing offer
        return offer

    async def offers_of(self, seller: Viewer) -> list[Offer]:
        async with self.uow() as uow:
            return await uow.offers_of(seller.account)

    # visitors

    async def view(self, offer_id: str, viewer: Viewer) -> Shown | Refusal:
        async with self.uow() as uow:
            offer = await uow.offer(offer_id)
            if offer is None:
                return _missing()
            refusal = may_order(offer, viewer, await uow.seller_suspended(offer.seller))
            own = viewer.account == offer.seller  # its seller is told too that buyers find it paused
            paused = await self._paused(uow, offer.seller) if refusal is None or own else None
            return shown_to(offer, viewer, refusal, paused)

    async def orderable(self, buyer: Viewer, offer_id: str | None = None,
                        custom_offer_id: str | None = None) -> Offer | Refusal:
        """The offer this buyer is about to choose options for and pay, if they may order it now."""
        async with self.uow() as uow:
            if custom_offer_id is not None:
                custom = await uow.custom_offer(custom_offer_id)
                if custom is None:
                    return _missing()
                offer, refusal = custom.as_offer(), check_payable(custom, buyer, self.clock.now())
            else:
                found = await uow.offer(offer_id or "")
                if found is None:
                    return _missing()
                offer, refusal = found, None
            refusal = refusal or may_order(offer, buyer, await uow.seller_suspended(offer.seller))
            if refusal is None and (paused := await self._paused(uow, offer.seller)) is not None:
                refusal = paused.refusal  # a custom offer too: the seller takes no new order, whichever
            return refusal or offer

    async def _paused(self, uow: UnitOfWork, seller: str) -> Pause | None:
        """Is this seller away or at their limit of orders in progress now? (evaluated against the clock: a
        time off ends by itself, with no job to run)"""
        return await pause_of(uow, seller, self.clock.now())

    # discussions

    async def ask(self, offer_id: str, buyer: Viewer, text: str) -> Discussion | Refusal:
        """A visitor's question about an offer, relayed to its seller (one discussion per buyer and offer)."""
        async with self.uow() as uow:
            offer = await uow.offer(offer_id)
            discussion = await uow.discussion_of(offer_id, buyer.account) if offer is not None else None
            opened = await self._open(uow, offer, buyer, discussion.id if discussion else self.ids())
            if isinstance(opened, Refusal):
                return opened
            assert offer is not None  # _open refuses a missing offer
            if discussion is None:
                discussion = opened
                await uow.save_discussion(discussion)
            return await self._relay(uow, discussion, offer, buyer, text)

    async def askable(self, offer_id: str, buyer: Viewer) -> Offer | Refusal:
        """The offer, if this visitor may ask its seller a question now (before they write it)."""
        async with self.uow() as uow:
            offer = await uow.offer(offer_id)
            opened = await self._open(uow, offer, buyer, "")
        if isinstance(opened, Refusal):
            return opened
        assert offer is not None  # _open refuses a missing offer
        return offer

    async def _open(self, uow: UnitOfWork, offer: Offer | None, buyer: Viewer,
                    discussion_id: str) -> Discussion | Refusal:
        if offer is None:
            return _missing()
        opened = open_discussion(discussion_id, offer, buyer, self.clock.now())
        if not isinstance(opened, Refusal) and await uow.seller_suspended(offer.seller):
            return Refusal(Refused.SUSPENDED, Text.of(N_("This seller cannot take orders at the moment.")))
        return opened

    async def say(self, discussion_id: str, viewer: Viewer, text: str) -> Discussion | Refusal:
        """A message in a discussion, to its other party."""
        async with self.uow() as uow:
            discussion = await uow.discussion(discussion_id)
            if discussion is None or viewer.account not in (discussion.buyer, discussion.seller):
                return Refusal(Refused.STRANGER, Text.of(N_("This discussion is not yours.")))
            offer = await uow.offer(discussion.offer_id)
            if offer is None:
                return _missing()
            return await self._relay(uow, discussion, offer, viewer, text)

    async def discussed_offer(self, discussion_id: str, viewer: Viewer) -> Offer | Refusal:
        """The offer a discussion is about, for one of its two parties."""
        async with self.uow() as uow:
            discussion = await uow.discussion(discussion_id)
            if discussion is None or viewer.account not in (discussion.buyer, discussion.seller):
                return Refusal(Refused.STRANGER, Text.of(N_("This discussion is not yours.")))
            return await uow.offer(discussion.offer_id) or _missing()

    async def custom_offer_draft(self, discussion_id: str, seller: Viewer) -> Offer | Refusal:
        """The offer a custom offer starts from (its title and currency), for this discussion's seller only."""
        async with self.uow() as uow:
            discussion = await uow.discussion(discussion_id)
            if discussion is None or seller.account not in (discussion.buyer, discussion.seller):
                return Refusal(Refused.STRANGER, Text.of(N_("This discussion is not yours.")))
            return check_seller(discussion, seller) or await uow.offer(discussion.offer_id) or _missing()

    async def _relay(self, uow: UnitOfWork, discussion: Discussion, offer: Offer, sender: Viewer,
                     text: str) -> Discussion | Refusal:
        """Contact details are masked like in an order's chat: a discussion is where people try to leave."""
        if not text.strip():
            return Refusal(Refused.INPUT, Text.of(N_("The message is empty.")))
        if len(text) > self.settings.max_text:
            return Refusal(Refused.INPUT, Text.of(
                N_("This text is too long ({length} characters; the limit is {limit})."),
                length=len(text), limit=self.settings.max_text))
        await uow.notify(_relayed(discussion, offer, sender, shown(text, self.settings), self.ids()))
        await uow.commit()
        return discussion

    async def send_custom_offer(self, discussion_id: str, seller: Viewer, *, title: str, description: str,
                                price: int, delivery_days: int) -> CustomOffer | Refusal:
        """A price and delivery time made for this buyer, payable once within its validity (its words masked:
        the buyer reads them, and the order placed from it is named by its title)."""
        now = self.clock.now()
        async with self.uow() as uow:
            discussion = await uow.discussion(discussion_id)
            if discussion is None:
                return Refusal(Refused.STRANGER, Text.of(N_("This discussion is not yours.")))
            offer = await uow.offer(discussion.offer_id)
            if offer is None:
                return _missing()
            custom = send_custom_offer(self.ids(), discussion, seller, now, self.settings,
                                       title=shown(title, self.settings), description=shown(description, self.settings),
                                       price=price, currency=offer.currency, delivery_days=delivery_days)
            if isinstance(custom, Refusal):
                return custom
            await uow.save_custom_offer(custom)
            await uow.notify(Notice(None, Role.BUYER, Text.of(
                N_("The seller made you a custom offer: “{title}”, {price}, delivered in {days} days.\n{description}\n"
                   "You can pay it until {until} (UTC)."),
                title=custom.title, price=Money(custom.price, custom.currency), days=custom.delivery_days,
                description=custom.description, until=custom.expires_at.strftime("%Y-%m-%d %H:%M")),
                f"custom:{custom.id}", with_card=False, account=custom.buyer,
                buttons=(Choice(Text.of(N_("Pay")), f"c:pay:{custom.id}"),)))
            await uow.commit()
        return custom


def _relayed(discussion: Discussion, offer: Offer, sender: Viewer, text: str, key: str) -> Notice:
    """The message as its reader gets it, with the buttons to answer (and, for the seller, to make an offer)."""
    reply = Choice(Text.of(N_("Reply")), f"d:reply:{discussion.id}")
    if sender.account == discussion.buyer:
        said = Text.of(N_("A question about your offer “{title}”:\n{text}"), title=offer.title, text=text)
        return Notice(None, Role.SELLER, said, f"discussion:{discussion.id}:{key}", with_card=False,
                      account=discussion.seller,
                      buttons=(reply, Choice(Text.of(N_("Send a custom offer")), f"d:custom:{discussion.id}")))
    said = Text.of(N_("The seller of “{title}” answers:\n{text}"), title=offer.title, text=text)
    return Notice(None, Role.BUYER, said, f"discussion:{discussion.id}:{key}", with_card=False,
                  account=discussion.buyer, buttons=(reply,))
