"""Paying on Telegram, end to end: Stars from the offer link to the review, Stars refunded on cancellation,
manual payments confirmed by a moderator, and a payment Telegram delivers twice."""

from dataclasses import replace

import pytest
from sqlalchemy import select

from bots.config import PaymentConfig
from bots.manual_payment import HOW_TO_PAY
from core import ledger
from core.i18n import Money, translate
from core.model import Stage
from bots.telegram.payments import StarsRefunder
from storage.tables import checkouts
from tests.e2e.telegram_shop import LOGO_STARS, is_invoice, say, started, tap, then, text_of
from tests.e2e.telegram_world import LOGO, MODERATOR_ID, telegram_world

BEN, ANA, EVE = 100, 200, 300


async def orders_of(world, user_id: int):
    account = await world.account(user_id)
    async with world.rt.store.unit_of_work() as uow:
        return await uow.orders_of(account.id)


async def checkout_with_stars(world, ben, *, option: bool = True, tip: str = "10 % (+⭐ 130)") -> dict:
    """Ben opens the offer link, picks the option and a tip, writes a brief with a file: the invoice."""
    page = await say(world, ben, "/start offer_logo", "A vector logo")
    step = await tap(world, ben, page, "Order now", "choose your options")
    if option:
        step = await tap(world, ben, step, "⬜ Source files (+⭐ 300)",
                         match=lambda m: "✅ Source files (+⭐ 300)" in world.buttons(m))
    step = await tap(world, ben, step, "Next", "The price is ⭐ 1,300" if option else "The price is ⭐ 1,000")
    await tap(world, ben, step, tip, "Send the brief")
    await say(world, ben, "A fox for my bakery", "Got it")
    got = await then(world, BEN, lambda: ben.send_document("sketch.png", b"\x89PNG fox"), "Got it")
    summary = await tap(world, ben, got, "Done", "Total to pay")
    total = text_of(summary).rsplit("Total to pay: ", 1)[1]
    return await tap(world, ben, summary, f"Pay {total}", match=is_invoice)


async def test_two_people_go_from_the_offer_link_to_the_review_and_the_money_follows(tmp_path):
    async with telegram_world(tmp_path, payment="stars") as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO_STARS)
        invoice = await checkout_with_stars(world, ben)
        assert invoice["invoice"]["currency"] == "XTR" and invoice["invoice"]["total_amount"] == 1_430
        charge = ben.pay(invoice)
        card = await world.wait_reply(BEN, "Paid: your order is placed.")
        order, = await orders_of(world, BEN)
        assert (order.price, order.tip, order.payment_ref) == (1_300, 130, f"stars:{charge}")
        assert order.brief == "A fox for my bakery" and order.brief_files[0].endswith(":sketch.png")
        assert "Amount: ⭐ 1,430 (tip ⭐ 130 included)" in text_of(card)
        assert world.fake.pre_checkout_answers[-1]["ok"] is True

        await world.settle()
        new = await world.wait_reply(ANA, f"New order #{order.id}")
        assert world.buttons(new) == ["Accept", "Decline", "Show the brief"]
        accepted = await tap(world, ana, new, "Accept", match=lambda m: "Deliver" in world.buttons(m))
        await tap(world, ana, accepted, "Deliver", "Send your delivery")
        got = await then(world, ANA, lambda: ana.send_document("fox.svg", b"<svg/>"), "Got it")
        await tap(world, ana, got, "Done", "5/7 Delivery")
        await world.settle()
        delivered = await world.wait_reply(BEN, "was delivered")
        asked = await tap(world, ben, delivered, "Complete", "Leave a review with it?")
        asked = await tap(world, ben, asked, "👍 Positive", "A few words")
        completed = await say(world, ben, "Lovely fox!", "Review (positive): “Lovely fox!”")
        assert "7/7 Closing" in text_of(completed)
        await world.settle()
        told = await world.wait_reply(ANA, "is completed")
        await tap(world, ana, told, "Reply to the review", "Write your reply")
        replied = await say(world, ana, "Thank you, Ben!", "Seller's reply: “Thank you, Ben!”")
        assert world.buttons(replied) == ["Show the brief"]
        await world.settle()
        ben_sees = await world.wait_reply(BEN, "the seller replied to your review")
        assert "Seller's reply: “Thank you, Ben!”" in text_of(ben_sees)

        async with world.rt.store.unit_of_work() as uow:
            balances = await uow.balances()
        seller = await world.account(ANA)
        assert balances[ledger.seller(seller.id)] == 1_430
        assert balances[ledger.escrow(order.id)] == 0 and balances[ledger.WORLD] == -1_430
        assert world.fake.refunds == []


async def test_a_stars_order_cancelled_while_pending_is_refunded_exactly_once(tmp_path):
    async with telegram_world(tmp_path, payment="stars") as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO_STARS)
        invoice = await checkout_with_stars(world, ben, option=False, tip="No tip")
        charge = ben.pay(invoice)
        card = await world.wait_reply(BEN, "Paid: your order is placed.")
        asked = await tap(world, ben, card, "Cancel the order", "press Skip")
        await tap(world, ben, asked, "Skip", "Cancelled: you were refunded in full.")
        order, = await orders_of(world, BEN)
        assert order.stage is Stage.CANCELLED
        assert await world.rt.store.refunds.state(charge) == "pending"

        refunder = StarsRefunder(world.app.bot, world.rt)
        assert await refunder.drain() == 1
        assert await refunder.drain() == 0
        assert world.fake.refunds == [{"user_id": BEN, "telegram_payment_charge_id": charge}]
        assert await world.rt.store.refunds.state(charge) == "done"


async def test_a_refund_interrupted_after_telegram_did_it_is_not_done_twice(tmp_path):
    async with telegram_world(tmp_path, payment="stars") as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO_STARS)
        charge = ben.pay(await checkout_with_stars(world, ben, option=False, tip="No tip"))
        card = await world.wait_reply(BEN, "Paid: your order is placed.")
        asked = await tap(world, ben, card, "Cancel the order", "press Skip")
        await tap(world, ben, asked, "Skip", "Cancelled")
        await world.app.bot.refund_star_payment(BEN, charge)  # a crash came right after Telegram refunded
        assert await StarsRefunder(world.app.bot, world.rt).drain() == 1
        assert len(world.fake.refunds) == 1 and await world.rt.store.refunds.state(charge) == "done"


async def test_a_moderator_confirms_a_manual_payment_and_nobody_else_can(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana, eve, mod = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"), (EVE, "Eve", "en"),
                                           (MODERATOR_ID, "Mo", "en"))
        await world.offer(ANA, LOGO)
        page = await say(world, ben, "/start offer_logo", "A vector logo")
        step = await tap(world, ben, page, "Order now", "choose your options")
        step = await tap(world, ben, step, "Next", "The price is €120.00")
        await tap(world, ben, step, "No tip", "Send the brief")
        got = await say(world, ben, "A fox", "Got it")
        summary = await tap(world, ben, got, "Done", "Total to pay: €120.00")
        waiting = await tap(world, ben, summary, "Pay €120.00", "as soon as a moderator confirms")
        assert "for “Logo”. A moderator will tell you how to pay: mention the reference" in text_of(waiting)
        assert await orders_of(world, BEN) == []

        await world.settle()
        request = await world.wait_reply(MODERATOR_ID, "Payment to confirm: €120.00 for “Logo”")
        reference = text_of(waiting).rsplit("reference ", 1)[1].split()[0]
        assert reference in text_of(request) and world.buttons(request) == ["Confirm payment", "Reject"]
        forged = eve.press(request, world.button(request, "Confirm payment"), check=False)
        answer = await world.fake.wait_for(lambda: world.fake.answer_for(forged))
        assert "Only a moderator" in answer.text and await orders_of(world, BEN) == []

        await tap(world, mod, request, "Confirm payment", "✅ Confirmed by Mo")
        order, = await orders_of(world, BEN)
        assert order.payment_ref == f"manual:moderator:{(await world.account(MODERATOR_ID)).id}"
        again = mod.press(request, f"p:ok:{reference}", check=False)
        assert "Already confirmed" in (await world.fake.wait_for(lambda: world.fake.answer_for(again))).text
        await world.settle()
        placed = await world.wait_reply(BEN, f"Your payment was confirmed: order #{order.id} is placed.")
        assert "Cancel the order" in world.buttons(placed)
        await world.wait_reply(ANA, f"New order #{order.id}")


async def test_the_same_successful_payment_delivered_twice_places_one_order(tmp_path):
    async with telegram_world(tmp_path, payment="stars") as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO_STARS)
        invoice = await checkout_with_stars(world, ben, option=False, tip="No tip")
        world.fake.duplicate_next(2)  # the pre-checkout query and the successful payment, each twice
        ben.pay(invoice)
        await world.wait_reply(BEN, "Paid: your order is placed.")
        paid = next(u for u in world.fake.updates if "successful_payment" in u.get("message", {}))
        await world.fake.wait_for(lambda: world.fake.deliveries.count(paid["update_id"]) == 2)
        # and once more as a new update of a new message, past the duplicate guard: core's idempotence holds alone
        cards = len([m for m in world.fake.sent_to(BEN) if "Paid: your order is placed." in text_of(m)])
        world.fake.queue_update({"message": {**paid["message"], "message_id": paid["message"]["message_id"] + 1000}})
        await world.fake.wait_for(lambda: len([m for m in world.fake.sent_to(BEN)
                                               if "Paid: your order is placed." in text_of(m)]) > cards)
        assert len(await orders_of(world, BEN)) == 1 and len(world.fake.payments) == 1
        await world.settle()
        assert len([m for m in world.fake.sent_to(ANA) if "New order #" in text_of(m)]) == 1


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_a_manual_payment_tells_the_buyer_how_to_pay_in_their_language_with_the_amount_and_reference(
        tmp_path, lang):
    async with telegram_world(tmp_path) as world:
        world.rt.config = replace(world.rt.config, payment=PaymentConfig(
            (("en", "Bank transfer to IBAN FR76 1234."), ("fr", "Virement sur l'IBAN FR76 1234."))))
        ben, ana = await started(world, (BEN, "Ben", lang), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        t = lambda msgid: translate(msgid, lang)  # noqa: E731
        page = await say(world, ben, "/start offer_logo", "A vector logo")
        step = await tap(world, ben, page, t("Order now"), match=lambda m: t("Next") in world.buttons(m))
        step = await tap(world, ben, step, t("Next"), match=lambda m: t("No tip") in world.buttons(m))
        await tap(world, ben, step, t("No tip"), match=lambda m: t("Done") in world.buttons(m))
        got = await say(world, ben, "A fox", "")
        summary = await tap(world, ben, got, t("Done"), match=lambda m: len(world.buttons(m)) == 3)
        [pay] = [label for label in world.buttons(summary) if label.startswith(t("Pay {total}").split("{")[0])]
        told = text_of(await tap(world, ben, summary, pay, "FR76 1234"))
        async with world.rt.store.engine.connect() as conn:
            reference = await conn.scalar(select(checkouts.c.id))
        instructions = "Bank transfer to IBAN FR76 1234." if lang == "en" else "Virement sur l'IBAN FR76 1234."
        assert told == translate(HOW_TO_PAY, lang).format(total=Money(12_000, "EUR").render(lang), title="Logo",
                                                         instructions=instructions, reference=reference)
