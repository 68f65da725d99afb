"""The checkout on Discord is stored, not held in memory: it goes on after the bot restarts, and only the
buyer's current checkout can be pressed; paid by hand, the buyer is told how in a message that lasts."""

from dataclasses import replace

import discord
import pytest
from sqlalchemy import select

from bots.config import PaymentConfig
from bots.discord.routes import CheckoutControl
from bots.discord.shop import PAY_AS_SHOWN, PAY_AS_TOLD
from bots.manual_payment import HOW_TO_PAY
from core.i18n import Money, translate
from storage.tables import checkouts
from tests.e2e.discord_world import control, discord_world, labels, read
from tests.e2e.test_discord_moderation import private_message
from tests.e2e.test_discord_orders import met, private_answer

STALE = "Nothing to answer here any more."


async def order_now(world, buyer, post):
    """[Order now] on the shared offer: the buyer's private checkout message."""
    flow = private_message(await buyer.click(post, label="Order now"))
    assert flow.ephemeral
    return flow.message


async def shared(world, seller):
    await world.offer(seller)
    return (await seller.slash(world.channel, "offer share", offer="logo")).response.message


async def test_a_checkout_begun_before_a_restart_goes_on_after_it_with_what_was_chosen(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        mod = world.member("mod", moderator=True)
        await mod.slash(world.channel, "orders")
        flow = await order_now(world, ben, await shared(world, ana))
        await ben.select(flow, ["source"], custom_id=control(flow, "b:opt:"))
        await ben.select(world.now(flow, world.channel, viewer=ben), ["10"], custom_id=control(flow, "b:tip:"))

        before = world.client
        await world.restart()
        assert world.client is not before
        flow = world.now(flow, world.channel, viewer=ben)
        form = await ben.click(flow, label="Write the brief")
        await ben.submit_modal(form, {"text": "A fox for my bakery"})
        summary = world.now(flow, world.channel, viewer=ben)
        assert "Options: Source files" in read(summary) and "Tip: €15.00" in read(summary)
        assert "Total to pay: €165.00" in read(summary)

        await world.restart()
        await ben.click(summary, label="Confirm order (€165.00)")
        told = world.now(flow, world.channel, viewer=ben).content
        assert "as soon as a moderator confirms your payment of €165.00" in told
        await world.settle()
        await mod.user.click(world.last_dm(mod, "Payment to confirm"), label="Confirm payment")
        await world.settle()
        paid = world.last_dm(ben, "Your payment was confirmed")
        order = await world.rt.service.order(paid.content.split("#")[1].split(" ")[0])
        assert (order.price, order.tip, order.brief) == (15_000, 1_500, "A fox for my bakery")


async def test_an_older_checkout_a_forged_one_and_a_cancelled_one_change_nothing(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben, eve = await met(world, "ana", "ben", "eve")
        post = await shared(world, ana)
        first = await order_now(world, ben, post)
        second = await order_now(world, ben, post)  # a new checkout replaces the unfinished one
        refused = await ben.select(first, ["10"], custom_id=control(first, "b:tip:"))
        assert private_answer(refused) == STALE
        assert "Total to pay: €120.00" in read(world.now(first, world.channel, viewer=ben))
        await ben.select(second, ["10"], custom_id=control(second, "b:tip:"))
        assert "Total to pay: €132.00" in read(world.now(second, world.channel, viewer=ben))

        # another person's checkout id, on a message they can press: it is not theirs, nothing happens
        view = discord.ui.View(timeout=None)
        view.add_item(CheckoutControl(discord.ui.Button(label="Confirm", custom_id=control(second, "b:brief:")
                                                       .replace("b:brief:", "b:confirm:"))))
        forged = await world.client.get_channel(world.channel.id).send("Forged", view=view)
        refused = await eve.click(forged, label="Confirm")
        assert private_answer(refused) == STALE
        refused = await ben.click(forged, label="Confirm")  # his checkout, but not at its summary yet
        assert private_answer(refused) == STALE

        await ben.click(world.now(second, world.channel, viewer=ben), label="Cancel")
        cancelled = world.now(second, world.channel, viewer=ben)
        assert cancelled.content == "Cancelled: nothing was ordered." and labels(cancelled) == []
        await world.settle()
        assert not [m for m in world.dms(ana) if "Payment to confirm" in m.content]
        async with world.rt.store.unit_of_work() as uow:
            assert await uow.conversations.dialog("discord", f"{ben.id}:checkout") is None


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_a_manual_payment_tells_the_buyer_how_to_pay_in_a_message_that_lasts(tmp_path, lang):
    async with discord_world(tmp_path) as world:
        world.rt.config = replace(world.rt.config, payment=PaymentConfig(
            (("en", "Bank transfer to IBAN FR76 1234."), ("fr", "Virement sur l'IBAN FR76 1234."))))
        ana, ben = await met(world, "ana", "ben")
        await ben.slash(world.channel, "language", language=lang)
        flow = await order_now(world, ben, await shared(world, ana))
        form = await ben.click(flow, label=translate("Write the brief", lang))
        await ben.submit_modal(form, {"text": "A fox for my bakery"})
        summary = world.now(flow, world.channel, viewer=ben)
        assert translate(PAY_AS_SHOWN, lang) in read(summary)  # what the next step keeps
        [confirm] = [label for label in labels(summary) if label.startswith(translate("Confirm order ({total})",
                                                                                      lang).split("(")[0])]
        await ben.click(summary, label=confirm)
        async with world.rt.store.engine.connect() as conn:
            reference = await conn.scalar(select(checkouts.c.id))
        instructions = "Bank transfer to IBAN FR76 1234." if lang == "en" else "Virement sur l'IBAN FR76 1234."
        told = translate(HOW_TO_PAY, lang).format(total=Money(12_000, "EUR").render(lang), title="Logo",
                                                  instructions=instructions, reference=reference)
        assert world.now(flow, world.channel, viewer=ben).content == told  # the answer, which a phone may lose
        assert world.dms(ben)[-1].content == told  # and the message that lasts


async def test_without_instructions_the_buyer_is_told_plainly_that_a_moderator_will_say_how_to_pay(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        flow = await order_now(world, ben, await shared(world, ana))
        await ben.submit_modal(await ben.click(flow, label="Write the brief"), {"text": "A fox"})
        summary = world.now(flow, world.channel, viewer=ben)
        assert PAY_AS_TOLD in read(summary) and "you will be told" not in read(summary)
        await ben.click(summary, label="Confirm order (€120.00)")
        told = world.dms(ben)[-1].content
        assert told.startswith("Your order will be placed as soon as a moderator confirms your payment of €120.00 "
                               "for “Logo”. A moderator will tell you how to pay: mention the reference ")
