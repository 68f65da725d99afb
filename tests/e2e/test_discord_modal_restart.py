"""A modal open while the bot restarts: its submit reaches a new process, which rebuilds it and lets core decide."""

from core.model import Stage
from tests.e2e.discord_world import discord_world, embed_text, labels
from tests.e2e.test_discord_orders import accepted, met, private_answer


async def test_a_delivery_modal_opened_before_a_restart_is_applied_once_after_it(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        order_id, card = await accepted(world, ana, ben)
        version = (await world.rt.service.order(order_id)).version
        form = await ana.user.click(card, label="Deliver")
        assert form.modal is not None
        await world.restart()

        done = await ana.user.submit_modal(form, {"text": "Here is your fox", "files": [("fox.svg", b"<svg/>")]})

        assert done.acknowledged and not done.followups  # answered, by the card's edit alone
        order = await world.rt.service.order(order_id)
        assert order.stage is Stage.DELIVERED and order.version == version + 1
        assert order.deliveries[-1].message == "Here is your fox"
        [file] = order.deliveries[-1].files
        assert file.endswith(":fox.svg")
        assert "5/7" in embed_text(world.now(card, ana.user.dm_channel))
        await world.settle()
        assert len([m for m in world.dms(ben) if "was delivered" in m.content]) == 1
        assert labels(world.last_dm(ben, "was delivered"))[:2] == ["Complete", "Request a revision"]


async def test_a_revision_modal_opened_before_a_restart_is_refused_after_it_if_the_order_moved(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        order_id, card = await accepted(world, ana, ben)
        await ana.user.submit_modal(await ana.user.click(card, label="Deliver"), {"text": "Here is your fox"})
        await world.settle()
        delivered = world.last_dm(ben, "was delivered")
        revision = await ben.user.click(delivered, label="Request a revision")
        assert revision.modal is not None
        await world.restart()
        await ben.user.submit_modal(await ben.user.click(delivered, label="Complete"), {"verdict": ["good"]})
        moved = await world.rt.service.order(order_id)
        assert moved.stage is Stage.COMPLETED

        late = await ben.user.submit_modal(revision, {"text": "Make it orange"})

        assert "already done" in private_answer(late)
        order = await world.rt.service.order(order_id)
        assert order.stage is Stage.COMPLETED and order.version == moved.version
        assert order.revisions_used == moved.revisions_used


async def test_a_modal_submitted_without_a_restart_is_handled_once(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        order_id, _ = await accepted(world, ana, ben)
        card = world.last_dm(ben, "accepted the order")
        version = (await world.rt.service.order(order_id)).version
        form = await ben.user.click(card, label="Propose a partial refund")

        done = await ben.user.submit_modal(form, {"amount": "60", "text": "Only half of it"})

        assert done.acknowledged and not done.followups  # a second handling would be refused out loud
        order = await world.rt.service.order(order_id)
        assert order.proposal is not None and order.version == version + 1
