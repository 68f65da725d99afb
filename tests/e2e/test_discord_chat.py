"""The order's chat by DM on Discord, where no marketplace channel is configured: a DM to the bot goes
to the order of the message it replies to, else the only order, else the one picked in a select menu."""

from tests.e2e.discord_world import discord_world
from tests.e2e.test_discord_orders import met
from tests.e2e.test_discord_rooms import chat_of


async def test_a_dm_goes_to_the_order_picked_and_a_reply_to_the_relayed_message_goes_back(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await world.offer(ana)
        first = await world.paid_order(ben, brief="A fox")
        second = await world.paid_order(ben, brief="A bear")

        await ben.user.send_dm("Is the fox orange?")
        asked = world.last_dm(ben, "Which order is this message about?")
        await ben.user.select(asked, [second])
        assert world.now(asked, ben.user.dm_channel).content == f"Order #{second}:"
        assert world.last_dm(ben, "Sent to order").content == f"Sent to order #{second}."
        await world.settle()
        relayed = world.last_dm(ana, "Message from the buyer")
        assert relayed.content == f"Message from the buyer on order #{second}: Is the fox orange?"

        reference = {"channel_id": str(ana.user.dm_channel.id), "message_id": str(relayed.id)}
        await ana.user.send_dm("Yes, and mail me at ana@example.com", reference=reference)
        assert "Contact details were hidden" in world.last_dm(ana, f"Sent to order #{second}.").content
        await world.settle()
        assert world.last_dm(ben, "Message from the seller").content == (
            f"Message from the seller on order #{second}: Yes, and mail me at […]")
        assert [m.text for m in await chat_of(world, second)] == ["Is the fox orange?", "Yes, and mail me at […]"]
        assert await chat_of(world, first) == []


async def test_a_dm_with_no_order_to_write_about_says_so(tmp_path):
    async with discord_world(tmp_path) as world:
        ben, = await met(world, "ben")
        await ben.user.send_dm("Hello?")
        assert "You have no order to write about" in world.last_dm(ben).content
