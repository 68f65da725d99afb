"""Use cases: each opens a unit of work, asks the engine, saves everything it caused, commits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from core import deadlines, engine
from core.card import Brief, Card, brief_of, order_card
from core import labels
from core.availability import pause_of
from core.chat import ChatDecision, ChatMessage, chat_recipients, check_message, may_send
from core.checkout import (
    WATCHED, Checkout, PaymentState, Price, awaiting_notices, check_payment, check_provider, placed_notices, quote,
    rejected_notices,
)
from core.discussion import CustomOfferState, check_payable, settle_custom_offer
from core.events import Notice, Outcome, Refusal, Refused
from core.i18n import N_, Money, Text
from core.model import OPEN, SYSTEM, TERMINAL, Action, Offer, Option, Order, Payload, Role, Viewer
from core.ports import Clock, Conflict, Outgoing, UnitOfWork, UnitOfWorkFactory, new_id
from core.press import moved_on, transition
from core.routing import flagged_notice, masked, relay
from core.refunds import AUTOMATIC, Refund
from core.settings import Settings
from core.deadlines import Timer, TimerPlan
from core.vouchers import draw


NO_ORDER = N_("This order does not exist.")
NO_OFFER = N_("This offer does not exist.")


def _missing(msgid: str) -> Refusal:
    return Refusal(Refused.UNKNOWN, Text.of(msgid))


@dataclass
class Service:
    uow: UnitOfWorkFactory
    clock: Clock
    settings: Settings
    ids: Callable[[], str] = new_id

    async def act(self, order_id: str, action: Action, viewer: Viewer, payload: Payload = Payload(),
                  version: int | None = None) -> Outcome | Refusal:
        """A person (or the system) acts on an order. Exactly one of two racing actions wins."""
        now = self.clock.now()
        async with self.uow() as uow:
            order = await uow.order(order_id)
            if order is None:
                return _missing(NO_ORDER)
            try:
                result = await transition(uow, order, action, viewer, now, self.settings, payload, version)
                if isinstance(result, Outcome):
                    await uow.commit()
                return result
            except Conflict:
                pass
        async with self.uow(read_only=True) as uow:
            current = await uow.order(order_id)
        return moved_on(current, viewer, now, self.settings)

    async def place(self, offer_id: str, buyer: Viewer, *, paid: int, options: tuple[str, ...] = (),
                    tip: int = 0, brief: str = "", files: tuple[str, ...] = (), payment_ref: str = "",
                    custom_offer_id: str | None = None, settle: Checkout | None = None) -> Outcome | Refusal:
        """A paid checkout becomes an order (from a published offer or a custom offer)."""
        now = self.clock.now()
        async with self.uow() as uow:
            custom = None
            offer: Offer | None
            if custom_offer_id is not None:
                custom = await uow.custom_offer(custom_offer_id)
                if custom is None:
                    return _missing(NO_OFFER)
                refusal = check_payable(custom, buyer, now)
                if refusal is not None:
                    return refusal
                offer = custom.as_offer()
            else:
                offer = await uow.offer(offer_id)
                if offer is None:
                    return _missing(NO_OFFER)
            chosen = _options(offer.options, options)
            if chosen is None:
                return Refusal(Refused.INPUT, Text.of(N_("One of the chosen options is not part of this offer.")))
            credit = settle.credit if settle is not None else 0
            result = engine.place_order(
                self.ids(), offer, buyer, now, self.settings, paid=paid, options=chosen, tip=tip, brief=brief,
                files=files, payment_ref=payment_ref, seller_suspended=await uow.seller_suspended(offer.seller),
                credit=credit,
            )
            if isinstance(result, Refusal):
                return result
            if settle is not None and settle.draws:
                try:  # vouchers are used once: a checkout paid meanwhile with the same voucher took it
                    await uow.draw_vouchers(settle.draws)
                except Conflict:
                    return Refusal(Refused.CONDITION, Text.of(
                        N_("Your voucher was used by another order meanwhile: please order again.")))
            await uow.save(None, result, deadlines.plan(None, result.order, now, self.settings))
            if settle is not None:  # the checkout and its order are saved together, or neither
                await uow.save_checkout(replace(settle, order_id=result.order.id), expected=PaymentState.AWAITING)
                for notice in placed_notices(settle, result.order.id):
                    await uow.notify(notice)
            if custom is not None:  # paid once: a second payment of it, at the same moment, is a Conflict
                paid_custom = settle_custom_offer(custom, buyer, now, CustomOfferState.PAID, result.order.id)
                assert not isinstance(paid_custom, Refusal)  # check_payable passed above, in this transaction
                await uow.save_custom_offer(paid_custom, expected=CustomOfferState.SENT)
            await uow.commit()
            return result

    async def checkout(self, buyer: Viewer, provider: str, *, offer_id: str | None = None,
                       custom_offer_id: str | None = None, options: tuple[str, ...] = (), tip: int = 0,
                       brief: str = "", files: tuple[str, ...] = ()) -> Checkout | Outcome | Order | Refusal:
        """The buyer's choice, checked now as the order would be, waiting for its payment; the buyer's vouchers
        pay what they can (the order is placed at once when they pay it all)."""
        now = self.clock.now()
        async with self.uow() as uow:
            offer = await self._orderable(uow, buyer, now, offer_id, custom_offer_id)
            if isinstance(offer, Refusal):
                return offer
            paused = await pause_of(uow, offer.seller, now)  # away or full: no new order, custom ones included
            if paused is not None:
                return paused.refusal
            chosen = _options(offer.options, options)
            if chosen is None:
                return Refusal(Refused.INPUT, Text.of(N_("One of the chosen options is not part of this offer.")))
            total = quote(offer, tuple(options), tip)
            assert total is not None  # the options were found the offer's just above
            draws = draw(await uow.vouchers_of(buyer.account), total, offer.currency, now)
            credit = sum(amount for _, amount in draws)
            trial = engine.place_order("trial", offer, buyer, now, self.settings, paid=total - credit, options=chosen,
                                       tip=tip, brief=brief, files=files, credit=credit,
                                       seller_suspended=await uow.seller_suspended(offer.seller))
            if isinstance(trial, Refusal):
                return trial
            refusal = check_provider(provider, offer.currency)
            if refusal is not None:
                return refusal
            checkout = Checkout(self.ids(), buyer.account, offer.seller, offer_id, custom_offer_id, tuple(options), tip,
                                brief, tuple(files), total - credit, offer.currency, provider, now, credit=credit,
                                draws=draws)
            await uow.save_checkout(checkout)
            for notice in awaiting_notices(checkout, offer.title):
                await uow.notify(notice)
            await uow.commit()
        if checkout.amount == 0:  # the buyer's vouchers pay it all: nothing to wait for
            return await self.pay(checkout.id, 0, checkout.currency, f"voucher:{checkout.id}")
        return checkout

    async def price(self, buyer: Viewer, offer: Offer, options: tuple[str, ...], tip: int) -> Price:
        """What this choice would cost this buyer now, their vouchers taken off (shown before they confirm)."""
        total = quote(offer, tuple(options), tip) or 0
        async with self.uow(read_only=True) as uow:
            draws = draw(await uow.vouchers_of(buyer.account), total, offer.currency, self.clock.now())
        return Price(total, sum(amount for _, amount in draws))

    async def _orderable(self, uow: UnitOfWork, buyer: Viewer, now: datetime, offer_id: str | None,
                         custom_offer_id: str | None) -> Offer | Refusal:
        if custom_offer_id is not None:
            custom = await uow.custom_offer(custom_offer_id)
            if custom is None:
                return _missing(NO_OFFER)
            return check_payable(custom, buyer, now) or custom.as_offer()
        offer = await uow.offer(offer_id) if offer_id else None
        return offer if offer is not None else _missing(NO_OFFER)

    async def precheck(self, checkout_id: str, amount: int, currency: str) -> Refusal | None:
        """Telegram's pre-checkout question: may this payment go ahead? (The offer may have changed.)"""
        async with self.uow(read_only=True) as uow:
            checkout = await uow.checkout(checkout_id)
            if checkout is None:
                return _missing(NO_OFFER)
            refusal = check_payment(checkout, amount, currency)
            if refusal is None:
                offer = await self._orderable(uow, Viewer(checkout.buyer), self.clock.now(), checkout.offer_id,
                                              checkout.custom_offer_id)
                if isinstance(offer, Refusal):
                    refusal = offer
                elif not offer.active or await uow.seller_suspended(offer.seller):
                    refusal = Refusal(Refused.OFFER, Text.of(N_("This offer is paused or no longer exists.")))
                elif quote(offer, checkout.options, checkout.tip) != checkout.amount + checkout.credit:
                    refusal = Refusal(Refused.OFFER, Text.of(
                        N_("The seller changed this offer since you chose: please order it again.")))
            return refusal

    async def pay(self, checkout_id: str, amount: int, currency: str, provider_ref: str) -> Outcome | Order | Refusal:
        """A confirmed payment places the order. Idempotent: the same payment twice places it once
        (the second call returns the order already placed). A Stars payment that cannot place the order
        (paid twice, the offer paused meanwhile) is queued to go back to the buyer."""
        async with self.uow(read_only=True) as uow:
            checkout = await uow.checkout(checkout_id)
            if checkout is None:
                return _missing(NO_OFFER)
            if checkout.state is PaymentState.PAID and checkout.provider_ref == provider_ref:
                return await _placed(uow, checkout)
            refusal = check_payment(checkout, amount, currency)
        if refusal is not None:
            return await self._give_back(checkout, amount, currency, provider_ref, refusal)
        try:
            result = await self.place(checkout.offer_id or "", Viewer(checkout.buyer), paid=amount,
                                      options=checkout.options, tip=checkout.tip, brief=checkout.brief,
                                      files=checkout.files, payment_ref=f"{checkout.provider}:{provider_ref}",
                                      custom_offer_id=checkout.custom_offer_id,
                                      settle=checkout.settle(PaymentState.PAID, provider_ref))
        except Conflict:  # the same payment delivered twice at once (the other placed it), or another payment won
            async with self.uow(read_only=True) as uow:
                settled = await uow.checkout(checkout_id)
                assert settled is not None  # read above: a checkout is never deleted
                if settled.state is PaymentState.PAID and settled.provider_ref == provider_ref:
                    return await _placed(uow, settled)
                custom = await uow.custom_offer(checkout.custom_offer_id) if checkout.custom_offer_id else None
            result = (custom and check_payable(custom, Viewer(checkout.buyer), self.clock.now())) or Refusal(
                Refused.STAGE, Text.of(N_("This checkout was already paid or cancelled.")))
        if isinstance(result, Refusal):
            return await self._give_back(checkout, amount, currency, provider_ref, result)
        return result

    async def _give_back(self, checkout: Checkout, amount: int, currency: str, provider_ref: str,
                         refusal: Refusal) -> Refusal:
        """Money the provider took for nothing goes back, if the provider lets us give it back ourselves."""
        if checkout.provider not in AUTOMATIC:
            return refusal
        async with self.uow() as uow:
            await uow.queue_refund(Refund(checkout.provider, provider_ref, checkout.buyer, amount, currency))
            await uow.notify(Notice(None, Role.BUYER, Text.of(
                N_("Your payment could not place the order: {reason} It will be refunded in full."),
                reason=refusal.reason), f"refund:{provider_ref}", with_card=False, account=checkout.buyer))
            await uow.commit()
        return refusal

    async def confirm_payment(self, checkout_id: str, moderator: Viewer) -> Outcome | Order | Refusal:
        """A moderator saw the money of a manual payment arrive: the order is placed."""
        async with self.uow(read_only=True) as uow:
            checkout = await uow.checkout(checkout_id)
        refusal = _may_confirm(checkout, moderator)
        if refusal is not None:
            return refusal
        assert checkout is not None  # _may_confirm refuses a missing checkout
        return await self.pay(checkout_id, checkout.amount, checkout.currency, f"moderator:{moderator.account}")

    async def decide_payment(self, checkout_id: str, moderator: Viewer,
                             confirmed: bool) -> Outcome | Order | Checkout | Refusal:
        """A moderator's word on a manual payment: the money came (the order is placed), or it never will."""
        if confirmed:
            return await self.confirm_payment(checkout_id, moderator)
        return await self.reject_payment(checkout_id, moderator)

    async def reject_payment(self, checkout_id: str, moderator: Viewer | None = None) -> Checkout | Refusal:
        """A checkout that will never be paid. When a moderator says the money never came, the buyer hears it."""
        async with self.uow() as uow:
            checkout = await uow.checkout(checkout_id)
            refusal = _may_confirm(checkout, moderator) if moderator is not None else None
            if refusal is not None:
                return refusal
            if checkout is None or checkout.state is not PaymentState.AWAITING:
                return Refusal(Refused.STAGE, Text.of(N_("This checkout was already paid or cancelled.")))
            checkout = checkout.settle(PaymentState.REJECTED)
            try:
                await uow.save_checkout(checkout, expected=PaymentState.AWAITING)
            except Conflict:
                return Refusal(Refused.STAGE, Text.of(N_("This checkout was already paid or cancelled.")))
            for notice in rejected_notices(checkout) if moderator is not None else ():
                await uow.notify(notice)
            await uow.commit()
            return checkout

    async def fire(self, order_id: str, timer: Timer) -> Outcome | tuple[Notice, ...] | None:
        """A due timer: the system acts, or people are told (the party who must act reminded, both parties that
        their closed order's chat ended). Dropped if no longer relevant."""
        try:
            (result,) = await self.fire_all([(order_id, timer)])
        except Conflict:
            return None  # a person acted first; the timer is re-planned by their action
        return result

    async def fire_all(self, due: list[tuple[str, Timer]]) -> list[Outcome | tuple[Notice, ...] | None]:
        """Due timers in one transaction, each applied to the order as the ones before it left it (a deadline's
        outcome, a reminder, or nothing when no longer relevant): the orders read (and locked) in one query, then
        written in a statement per table. A Conflict or any failure undoes them all: the caller then
        fires them one by one, so that one bad timer cannot hold back the others."""
        now = self.clock.now()
        async with self.uow() as uow:
            current = await uow.orders(list(dict.fromkeys(order_id for order_id, _ in due)))
            results: list[Outcome | tuple[Notice, ...] | None] = []
            changes: list[tuple[Order | None, Outcome, TimerPlan]] = []
            notices: list[Notice] = []
            for order_id, timer in due:  # in order: a second timer of one order sees what the first did
                order = current.get(order_id)
                result = self._due(order, timer, now) if order is not None else None
                if isinstance(result, Outcome):
                    changes.append((order, result, deadlines.plan(order, result.order, now, self.settings)))
                    current[order_id] = result.order
                elif result is not None:
                    notices += result
                results.append(result)
            await uow.save_all(changes)
            await uow.notify_all(notices)
            await uow.finish_timers(due)
            await uow.commit()
            return results

    def _due(self, order: Order, timer: Timer, now: datetime) -> Outcome | tuple[Notice, ...] | None:
        """What a due timer does to this order now: a deadline's outcome, a reminder, the end of its chat told to
        both parties, or nothing."""
        if not deadlines.still_relevant(order, timer, self.settings):
            return None
        if timer.ends_chat:
            return tuple(Notice(order.id, role, Text.of(deadlines.CHAT_ENDED, order=order.id),
                                f"{order.id}:{timer.kind}:{role.value}", with_card=False)
                         for role in (Role.BUYER, Role.SELLER))
        if timer.is_reminder:
            reminded = deadlines.reminder(order, timer, now, self.settings)
            if reminded is None:
                return None
            role, text = reminded
            return (Notice(order.id, role, text, f"{order.id}:{order.version}:{timer.kind}"),)
        assert timer.action is not None  # neither a reminder nor the chat's end: a deadline's system action
        outcome = engine.apply(order, timer.action, SYSTEM, max(now, timer.due), self.settings)
        return outcome if isinstance(outcome, Outcome) else None

    async def say(self, order_id: str, viewer: Viewer, text: str, platform: str,
                  files: tuple[str, ...] = (), source: str | None = None) -> ChatMessage | Refusal:
        """A chat message to the order's other parties, if the chat policy lets this person write now. `source`:
        the platform's reference of the message as written, which its edits will name. One that hid contact
        details is flagged to the moderators at once; the evidence keeps what was written."""
        now = self.clock.now()
        problem = check_message(text, tuple(files), self.settings)
        if problem is not None:
            return Refusal(Refused.INPUT, problem)
        async with self.uow() as uow:
            order = await uow.order(order_id)
            if order is None:
                return _missing(NO_ORDER)
            said = await relay(uow, order, viewer, text, platform, tuple(files), source, now, self.settings)
            if isinstance(said, ChatMessage):
                await uow.commit()
            return said

    async def edit(self, platform: str, source: str, viewer: Viewer,
                   text: str) -> tuple[ChatMessage, Refusal | None] | None:
        """A chat message its writer edited where they wrote it: the edit is kept beside the message (the evidence
        has both, with their times), masked, flagged to the moderators when it hides contact details, and relayed
        to the other parties as an edit if this person may write there now (else the refusal says why). None when
        `source` is none of this person's chat messages, or the edit changes none of its words."""
        now = self.clock.now()
        async with self.uow() as uow:
            first = await uow.message_from(platform, source)
            if first is None or first.sender != viewer.account:
                return None
            assert first.id is not None  # read from storage: it has its id
            latest = await uow.latest_version(first.id)
            if latest is not None and latest.written == text:  # a platform's own update (a link's preview)
                return None
            order = await uow.order(first.order_id)
            assert order is not None  # a chat message's order is never deleted
            kept, flagged = masked(text, self.settings)
            edit = ChatMessage(order.id, viewer.account, first.role, platform, kept, (), flagged, now,
                               original=text if kept != text else None, source=source, edit_of=first.id)
            edit_id = await uow.add_message(edit)
            decision = may_send(order, viewer, now, self.settings)
            refusal = None
            if not decision.allowed:
                assert decision.reason is not None  # a refusal always says why
                refusal = Refusal(Refused.STAGE, decision.reason, decision.unblock, order)
            elif len(text) > self.settings.max_text:
                refusal = Refusal(Refused.INPUT, Text.of(N_("This text is too long ({length} characters; the limit "
                                                            "is {limit})."), length=len(text),
                                                         limit=self.settings.max_text))
            else:
                said = Text.of(N_("The {role} edited a message on order #{order}; it now reads: {text}"),
                               role=Text.of(labels.ROLE[first.role]), order=order.id, text=kept)
                for to in chat_recipients(order, first.role):
                    await uow.notify(Notice(order.id, to, said, f"{order.id}:chat:{edit_id}:{to.value}",
                                            with_card=False))
            if flagged:
                await uow.notify(flagged_notice(order.id, first.role, kept, edit_id, edited=True))
            await uow.commit()
            return replace(edit, id=edit_id), refusal

    async def left_visible(self, message: ChatMessage) -> None:
        """A flagged message whose unmasked copy stays where it was written (the platform would not take it down):
        the evidence says so, and the moderators are told at once that the other party may have read it."""
        assert message.id is not None  # a message saved by `say` or `edit`
        async with self.uow() as uow:
            await uow.mark_left_visible(message.id)
            await uow.notify(Notice(message.order_id, Role.MODERATOR, Text.of(
                N_("⚠ A message with contact details on order #{order} could not be taken down where it was "
                   "written: the other party may have read them. It is in the evidence and in /flagged."),
                order=message.order_id), f"{message.order_id}:visible:{message.id}", with_card=False))
            await uow.commit()

    async def names(self, account_ids: Iterable[str]) -> dict[str, str]:
        """People's display names, for texts that tell several orders or people apart."""
        async with self.uow(read_only=True) as uow:
            return await uow.names(account_ids)

    async def orders_of(self, viewer: Viewer, limit: int = 10) -> list[Order]:
        """This person's orders as buyer or seller, the latest paid first."""
        async with self.uow(read_only=True) as uow:
            return await uow.orders_of(viewer.account, limit=limit)

    async def listed(self, viewer: Viewer, which: str, limit: int = 200) -> list[Order]:
        """This person's orders under a list's filter: "act" those where they can act now, "open" the running
        ones, "closed" the closed ones."""
        async with self.uow(read_only=True) as uow:
            found = await uow.orders_of(viewer.account, TERMINAL if which == "closed" else OPEN, limit=limit)
        if which == "act":
            now = self.clock.now()
            found = [o for o in found if engine.allowed_actions(o, viewer, now, self.settings)]
        return found

    async def took_a_dispute(self, viewer: Viewer) -> bool:
        """Whether this person took a dispute still open (a moderator then writes in its chat as one)."""
        async with self.uow(read_only=True) as uow:
            return bool(await uow.disputes_taken_by(viewer.account, limit=1))

    async def refund_failed(self, refund: Refund, error: str) -> None:
        """A provider refused to give a payment back: the moderators are asked to give the money back by hand."""
        async with self.uow() as uow:
            await uow.notify(Notice(refund.order_id, Role.MODERATOR, Text.of(
                N_("Telegram could not refund {amount} to the buyer (order {order}, charge {charge}): {error}. "
                   "Please give the money back by hand."),
                amount=Money(refund.amount, refund.currency), order=refund.order_id or "—",
                charge=refund.provider_ref, error=error), f"refund:{refund.provider_ref}:failed", with_card=False))
            await uow.commit()

    async def order(self, order_id: str) -> Order | None:
        async with self.uow(read_only=True) as uow:
            return await uow.order(order_id)

    async def card(self, order_id: str, viewer: Viewer) -> Card | Refusal:
        order = await self.order(order_id)
        if order is None or order.role_of(viewer) is None:
            return _missing(NO_ORDER)
        return order_card(order, viewer, self.clock.now(), self.settings)

    def notice_card(self, message: Outgoing) -> Card | None:
        """The card under a notice: its order as the relay's batch read it, as this reader sees it now; None when
        the notice has no card, or its order is gone or not theirs to see. No read of its own."""
        order = message.order
        if order is None or not message.with_card:
            return None
        viewer = Viewer(message.account_id, moderator=message.role is Role.MODERATOR)
        if order.role_of(viewer) is None:
            return None
        return order_card(order, viewer, self.clock.now(), self.settings)

    async def brief(self, order_id: str, viewer: Viewer) -> Brief | Refusal:
        """The whole brief, for the order's parties and the moderators."""
        order = await self.order(order_id)
        found = brief_of(order, viewer, self.settings) if order is not None else None
        return found if found is not None else _missing(NO_ORDER)

    async def chat(self, order_id: str, viewer: Viewer) -> ChatDecision:
        order = await self.order(order_id)
        if order is None:
            return ChatDecision(False, Text.of(NO_ORDER))
        return may_send(order, viewer, self.clock.now(), self.settings)


def _may_confirm(checkout: Checkout | None, moderator: Viewer) -> Refusal | None:
    """Only a moderator who is not a party to it vouches for a manual payment."""
    if checkout is None:
        return _missing(NO_OFFER)
    if not moderator.moderator:
        return Refusal(Refused.ROLE, Text.of(N_("Only a moderator can confirm or reject a payment.")))
    if moderator.account in (checkout.buyer, checkout.seller):
        return Refusal(Refused.ROLE, Text.of(N_("You cannot confirm a payment for your own order.")))
    if checkout.provider in WATCHED:
        return Refusal(Refused.ROLE, Text.of(N_("This payment goes through Telegram: no moderator confirms it.")))
    return None


def _options(available: tuple[Option, ...], wanted: tuple[str, ...]) -> tuple[Option, ...] | None:
    by_id = {o.id: o for o in available}
    if len(set(wanted)) != len(wanted) or any(w not in by_id for w in wanted):
        return None
    return tuple(by_id[w] for w in wanted)


async def _placed(uow: UnitOfWork, checkout: Checkout) -> Order:
    """The order a paid checkout placed."""
    assert checkout.order_id is not None  # a paid checkout names its order
    order = await uow.order(checkout.order_id)
    assert order is not None  # placed in the checkout's transaction
    return order
