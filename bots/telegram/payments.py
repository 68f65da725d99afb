"""Money on Telegram: Stars payments (pre-checkout, successful payment), moderators confirming manual
payments, and Stars going back to buyers from the refund queue.

Core decides whether a payment may go ahead, places the order once, and queues refunds in the same
transaction as the cancellation; this module answers Telegram and drains that queue.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Bot, Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bots import parsing
from bots.telegram.cards import send_card
from bots.telegram.context import PLATFORM, Turn, runtime
from bots.telegram.messages import LIMIT
from bots.telegram.pacing import seconds
from core.events import Outcome, Refusal
from core.i18n import N_
from core.model import Order

log = logging.getLogger(__name__)


async def on_precheck(update: Update, context: Turn) -> None:
    """Telegram asks whether it may take the Stars; it must be answered within 10 seconds."""
    query = update.pre_checkout_query
    refusal = await runtime(context).service.precheck(query.invoice_payload, query.total_amount, query.currency)
    if refusal is None:
        await query.answer(ok=True)
        return
    await query.answer(ok=False, error_message=refusal.render(context.person.lang)[:255])


async def on_paid(update: Update, context: Turn) -> None:
    """The Stars were taken: the order is placed (once, however often Telegram says so) and its card shown.
    A payment core cannot use is already queued to go back, and the buyer told, by core."""
    who = context.person
    rt = runtime(context)
    paid = update.effective_message.successful_payment
    result = await rt.service.pay(paid.invoice_payload, paid.total_amount, paid.currency,
                                  paid.telegram_payment_charge_id)
    if isinstance(result, Refusal):
        log.warning("payment %s refused: %s", paid.telegram_payment_charge_id, result.render("en"))
        return
    order = result.order if isinstance(result, Outcome) else result
    card = await rt.service.card(order.id, who.viewer)
    if not isinstance(card, Refusal):
        await send_card(context.bot, rt, who, card,
                        who.t(N_("Paid: your order is placed.")))


async def on_confirmation(update: Update, context: Turn) -> None:
    """A moderator's Confirm payment / Reject on a manual payment (core refuses anyone else)."""
    query = update.callback_query
    who = context.person
    rt = runtime(context)
    parsed = parsing.payment_button(query.data)
    if parsed is None:
        await query.answer(who.t(N_("This button is not valid.")), show_alert=True)
        return
    verb, checkout_id = parsed
    result = await rt.service.decide_payment(checkout_id, who.viewer, confirmed=verb == "ok")
    await rt.moderation.record(who, result, checkout_id)
    if isinstance(result, Refusal):
        await query.answer(result.render(who.lang)[:200], show_alert=True)
        return
    if isinstance(result, Order):  # a second tap: the order was placed by the first
        await query.answer(who.t(N_("Already confirmed: order #{order}."), order=result.id), show_alert=True)
        return
    await query.answer(who.t(N_("Done.")))
    if verb == "ok":
        note = who.t(N_("✅ Confirmed by {name}: order #{order} is placed."), name=who.account.display_name,
                     order=result.order.id)
    else:
        note = who.t(N_("❌ Rejected by {name}: the buyer was told."), name=who.account.display_name)
    if query.message:
        text = f"{query.message.text}\n\n{note}"
        await query.edit_message_text(text if len(text) <= LIMIT else note, reply_markup=None)


class StarsRefunder:
    """Gives whole Stars payments back, from the refund queue core fills with each cancellation.

    Exactly once: a refund is claimed (a lease), sent, then marked done. If the process dies between
    Telegram's refund and the mark, the next attempt gets CHARGE_ALREADY_REFUNDED and marks it done.
    """

    def __init__(self, bot: Bot, runtime, batch: int = 20, max_attempts: int = 8,
                 backoff: timedelta = timedelta(seconds=30), lease: timedelta = timedelta(seconds=60)) -> None:
        self.bot = bot
        self.runtime = runtime
        self.queue = runtime.refunds
        self.batch, self.max_attempts, self.backoff, self.lease = batch, max_attempts, backoff, lease

    async def drain(self) -> int:
        """Refunds everything due now; returns how many were refunded."""
        refunded = 0
        while True:
            claimed = await self.queue.claim("stars", PLATFORM, self.runtime.clock.now(), self.batch, self.lease)
            for pending in claimed:
                refunded += await self._refund(pending)
            if len(claimed) < self.batch:
                return refunded

    async def _refund(self, pending) -> int:
        now, refund = self.runtime.clock.now(), pending.refund
        if pending.external_id is None:
            await self._give_up(pending, "the buyer has no Telegram account any more")
            return 0
        try:
            await self.bot.refund_star_payment(int(pending.external_id), refund.provider_ref)
        except BadRequest as error:
            if "ALREADY_REFUNDED" in error.message.upper():  # done before a crash: it counts, once
                await self.queue.done(pending.id, now)
                return 1
            await self._give_up(pending, error.message)
            return 0
        except RetryAfter as wait:
            await self.queue.later(pending.id, now + timedelta(seconds=seconds(wait)), str(wait))
            return 0
        except (TimedOut, NetworkError) as error:  # Telegram may or may not have refunded: asking again is safe
            if pending.attempts + 1 >= self.max_attempts:
                await self._give_up(pending, str(error))
            else:
                await self.queue.later(pending.id, now + self.backoff * 2 ** pending.attempts, str(error))
            return 0
        await self.queue.done(pending.id, now)
        return 1

    async def _give_up(self, pending, error: str) -> None:
        """Kept as failed, and the moderators are asked to give the money back by hand."""
        log.error("Stars refund %s failed: %s", pending.refund.provider_ref, error)
        await self.queue.failed(pending.id, error)
        await self.runtime.service.refund_failed(pending.refund, error)
