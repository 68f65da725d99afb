"""Moderators on Discord are identities checked live at every act: the attacks of issue 11, replayed through the
real discord.py client against simcord, each refused and changing nothing.

The marketplace (tests/e2e/discord_world.py) names its server and its moderator role by id in the config.
Eve makes a server of her own, invites the bot and gives herself a role called "Moderator" there.
"""

from __future__ import annotations

import discord

from bots.discord.admission import ELSEWHERE
from core.buttons import ButtonData
from core.checkout import PaymentState
from core.model import Action, Stage, Viewer
from tests.e2e.discord_world import labels
from tests.e2e.test_discord_moderation import disputed, private_message
from tests.e2e.test_discord_orders import met, private_answer
from tests.e2e.test_discord_rooms import room_of, room_world, thread

MODERATOR_COMMANDS = (("disputes", {}), ("evidence", {"number": "ORDER"}), ("audit", {}))


def her_own_server(world):
    """Eve's server, with the bot in it and a role called "Moderator" she gave herself (every permission too)."""
    server = world.env.create_guild("Eve's server")
    lounge = server.create_text_channel("lounge")
    fake = server.create_role("Moderator", permissions=discord.Permissions(administrator=True))
    eve = server.add_member(world.env.create_user("eve"), roles=[fake])
    return server, lounge, eve


async def manual_checkout(world, buyer) -> str:
    """A buyer's checkout waiting for a moderator to confirm the money came; the notice goes out."""
    account = await world.account(buyer)
    checkout = await world.rt.service.checkout(Viewer(account.id), "manual", offer_id="logo", brief="A fox")
    await world.settle()
    return checkout.id


async def checkout_state(world, checkout_id: str) -> PaymentState:
    async with world.rt.store.unit_of_work() as uow:
        return (await uow.checkout(checkout_id)).state


async def forged(world, channel, buttons: dict[str, str]):
    """A message of the bot's in this channel carrying these buttons {label: custom id}: Discord lets nobody
    press a button they cannot see, so a forged press needs one (tests/e2e/discord_world.py says so too)."""
    from bots.discord.routes import OrderButton, PaymentButton

    view = discord.ui.View(timeout=None)
    for label, custom_id in buttons.items():
        kind = PaymentButton if custom_id.startswith("p:") else OrderButton
        view.add_item(kind(discord.ui.Button(label=label, custom_id=custom_id)))
    return await world.client.get_channel(channel.id).send("Buttons", view=view)


async def test_a_moderator_role_named_in_another_server_is_refused_every_moderator_command(tmp_path):
    async with room_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        order_id = await disputed(world, ana, ben)
        _, lounge, eve = her_own_server(world)
        before = await world.rt.service.order(order_id)
        for command, options in MODERATOR_COMMANDS + (("orders", {}),):
            options = {k: order_id if v == "ORDER" else v for k, v in options.items()}
            refused = await eve.slash(lounge, command, **options)
            assert private_answer(refused) == ELSEWHERE, command
            assert not refused.response.attachments  # no evidence bundle
        assert await world.rt.service.order(order_id) == before
        assert await world.account(eve) is None  # not even an account: nothing was served there


async def test_a_moderator_role_named_in_another_server_cannot_suspend_a_seller_of_the_marketplace(tmp_path):
    async with room_world(tmp_path) as world:
        ana, _ = await met(world, "ana", "ben")
        server, lounge, eve = her_own_server(world)
        ana_there = server.add_member(ana.user)
        refused = await eve.slash(lounge, "suspend", member=ana_there, reason="Scam")
        assert private_answer(refused) == ELSEWHERE
        assert not (await world.account(ana)).suspended


async def test_a_moderator_role_named_in_another_server_cannot_take_or_refund_a_dispute(tmp_path):
    async with room_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        order_id = await disputed(world, ana, ben)
        server, lounge, eve = her_own_server(world)
        version = (await world.rt.service.order(order_id)).version
        buttons = {"Take": ButtonData(order_id, Action.TAKE_DISPUTE, version).encode(),
                   "Refund": ButtonData(order_id, Action.REFUND_ALL, version).encode()}
        there = await forged(world, lounge, buttons)
        for label in buttons:
            assert private_answer(await eve.click(there, label=label)) == ELSEWHERE
        # in the marketplace's server too, where she is a member like any other: not a moderator
        eve_here = world.guild.add_member(eve.user)
        here = await forged(world, world.channel, buttons)
        for label in buttons:
            assert "not yours" in private_answer(await eve_here.click(here, label=label))
        order = await world.rt.service.order(order_id)
        assert (order.stage, order.version, order.dispute.moderator) == (Stage.DISPUTED, version, None)
        await world.settle()
        members = {m.id for m in await (await thread(world, room_of(world))).fetch_members()}
        assert eve.id not in members  # never added to the order's private room


async def test_a_moderator_role_named_in_another_server_cannot_confirm_a_payment_never_made(tmp_path):
    async with room_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await world.offer(ana)
        server, lounge, eve = her_own_server(world)
        await eve.slash(lounge, "orders")  # what used to make her a moderator everywhere
        checkout_id = await manual_checkout(world, ben)
        buttons = {"Confirm payment": f"p:ok:{checkout_id}"}
        assert private_answer(await eve.click(await forged(world, lounge, buttons),
                                              label="Confirm payment")) == ELSEWHERE
        eve_here = world.guild.add_member(eve.user)
        refused = await eve_here.click(await forged(world, world.channel, buttons), label="Confirm payment")
        assert "Only a moderator" in private_answer(refused)
        assert await checkout_state(world, checkout_id) is PaymentState.AWAITING
        buyer = await world.account(ben)
        async with world.rt.store.unit_of_work() as uow:
            assert await uow.orders_of(buyer.id) == []  # no order placed without money


async def test_a_moderator_role_named_in_another_server_hears_no_payment_and_no_dispute_notice(tmp_path):
    async with room_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        mod = world.member("mod", moderator=True)
        await mod.slash(world.channel, "orders")
        server, lounge, eve = her_own_server(world)
        await world.guild.add_member(eve.user).slash(world.channel, "orders")  # she is known to the bot
        await eve.slash(lounge, "orders")
        await world.offer(ana)
        await manual_checkout(world, ben)
        await disputed(world, ana, ben)
        assert world.last_dm(mod, "Payment to confirm") and world.last_dm(mod, "dispute")
        assert eve.user.dm_channel.history() == []


async def test_a_moderator_whose_role_is_removed_is_refused_at_once_even_from_direct_messages(tmp_path):
    async with room_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        mod = world.member("mod", moderator=True)
        await mod.slash(world.channel, "orders")
        await world.offer(ana)
        checkout_id = await manual_checkout(world, ben)
        notice = world.last_dm(mod, "Payment to confirm")

        world.env.backend.remove_member_role(world.guild.id, mod.id, world.moderators.id)
        await world.env.settle()
        # a notice queued for her before anyone checked again is checked as it goes: not sent
        await manual_checkout(world, ben)
        assert sum("Payment to confirm" in m.content for m in world.dms(mod)) == 1
        refused = await mod.user.click(notice, label="Confirm payment")  # from a DM: fetched from the server
        assert "Only a moderator" in private_answer(refused)
        assert await checkout_state(world, checkout_id) is PaymentState.AWAITING
        assert not {"disputes", "evidence", "audit"} & set(mod.available_commands(world.channel))


async def test_a_moderator_who_left_the_server_is_refused_from_direct_messages(tmp_path):
    async with room_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        mod = world.member("mod", moderator=True)
        await mod.slash(world.channel, "orders")
        await world.offer(ana)
        checkout_id = await manual_checkout(world, ben)
        notice = world.last_dm(mod, "Payment to confirm")
        world.guild.remove_member(mod)
        await world.env.settle()
        refused = await mod.user.click(notice, label="Reject")
        assert "Only a moderator" in private_answer(refused)
        assert await checkout_state(world, checkout_id) is PaymentState.AWAITING


async def test_a_moderator_decides_from_direct_messages_and_the_audit_says_as_whom(tmp_path):
    async with room_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        mod = world.member("mod", moderator=True)
        await mod.slash(world.channel, "orders")
        await world.offer(ana)
        checkout_id = await manual_checkout(world, ben)
        await mod.user.click(world.last_dm(mod, "Payment to confirm"), label="Confirm payment")  # from a DM
        assert await checkout_state(world, checkout_id) is PaymentState.PAID
        queue = await mod.slash(world.channel, "disputes")
        assert "No dispute" in queue.response.content
        order_id = await disputed(world, ana, ben)
        queue = await mod.slash(world.channel, "disputes")
        card = private_message(await mod.click(queue.response, label=f"#{order_id} Logo")).message
        await mod.click(card, label="Take this dispute")
        audit = private_answer(await mod.slash(world.channel, "audit"))
        as_whom = f"as discord:{mod.id} role:{world.moderators.id}"
        assert f"mod — Take this dispute — #{order_id} — {as_whom}" in audit
        assert f"mod — confirmed the manual payment {checkout_id}" in audit and as_whom in audit
        assert labels(world.now(card, world.channel, viewer=mod))[1] == "Refund the buyer"
