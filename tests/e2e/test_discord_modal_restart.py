"""A modal open while the bot restarts: its submit reaches a new process, which rebuilds it and lets core decide."""

from core.model import Stage
from tests.e2e.discord_world import discord_world, labels, more, read
from tests.e2e.test_discord_discussions import TERMS, shared_offer
from tests.e2e.test_discord_moderation import private_message
from tests.e2e.test_discord_offers import FORM, shared, viewer
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
        assert "5/7" in read(world.now(card, ana.user.dm_channel))
        await world.settle()
        assert len([m for m in world.dms(ben) if "was delivered" in m.content]) == 1
        assert labels(world.card(ben, order_id))[1:3] == ["Complete", "Request a revision"]


async def test_a_revision_modal_opened_before_a_restart_is_refused_after_it_if_the_order_moved(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        order_id, card = await accepted(world, ana, ben)
        await ana.user.submit_modal(await ana.user.click(card, label="Deliver"), {"text": "Here is your fox"})
        await world.settle()
        delivered = world.card(ben, order_id)
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
        card = await more(world, ben, world.card(ben, order_id))
        version = (await world.rt.service.order(order_id)).version
        form = await ben.user.click(card, label="Propose a partial refund")

        done = await ben.user.submit_modal(form, {"amount": "60", "text": "Only half of it"})

        assert done.acknowledged and not done.followups  # a second handling would be refused out loud
        order = await world.rt.service.order(order_id)
        assert order.proposal is not None and order.version == version + 1


async def test_offer_option_and_brief_modals_opened_before_a_restart_are_taken_after_it(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        create = await ana.slash(world.channel, "offer create")
        await world.restart()
        panel = private_message(await ana.submit_modal(create, FORM))
        assert "Published: “Logo”." in panel.content
        [offer] = await world.rt.storefront.offers_of(await viewer(world, ana))

        option = await ana.click(panel.message, label="Add an option")
        await world.restart()
        added = private_message(await ana.submit_modal(option, {"title": "Source files", "price": "30"}))
        assert "Option added: “Source files”." in added.content
        offer = await world.rt.storefront.editable(offer.id, await viewer(world, ana))
        assert [(o.title, o.price) for o in offer.options] == [("Source files", 3_000)]

        flow = private_message(await ben.click(await shared(world, ana, offer), label="Order now")).message
        brief = await ben.click(flow, label="Write the brief")
        await world.restart()
        await ben.submit_modal(brief, {"text": "A fox for my bakery"})
        assert "A fox for my bakery" in read(world.now(flow, world.channel, viewer=ben))


async def test_a_question_and_a_custom_offer_written_across_restarts_are_sent_once(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        ask = await ben.click(await shared_offer(world, ana), label="Ask the seller a question")
        await world.restart()
        sent = await ben.submit_modal(ask, {"text": "Could you draw a fox?"})
        assert private_answer(sent) == "Sent: the answer will come to you by direct message."
        await world.settle()
        [question] = [m for m in world.dms(ana) if "A question about your offer" in m.content]

        custom = await ana.user.click(question, label="Send a custom offer")
        await world.restart()
        sent = await ana.user.submit_modal(custom, TERMS)
        assert private_answer(sent).startswith("Sent: the buyer can now pay")
        await world.settle()
        assert len([m for m in world.dms(ben) if "The seller made you a custom offer" in m.content]) == 1
