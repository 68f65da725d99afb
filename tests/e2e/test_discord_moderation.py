"""Moderators on Discord (the configured role): the dispute queue, the evidence bundle as a file, a
decision through the card's buttons and modals, the moderator joining the order's room, sanctions."""

import discord

from core.model import Role, Stage, Viewer
from tests.e2e.discord_world import discord_world, labels, more, read
from tests.e2e.test_discord_orders import accepted, met, private_answer
from tests.e2e.test_discord_rooms import room_of, room_world, thread
from tests.e2e.test_telegram_moderation import BRIEF, MORE, core_actions, every_stage


async def disputed(world, ana, ben) -> str:
    order_id, _ = await accepted(world, ana, ben)
    card = await more(world, ben, world.card(ben, order_id))
    form = await ben.user.click(card, label="Open a dispute")
    await ben.user.submit_modal(form, {"text": "The seller stopped answering"})
    await world.settle()
    assert (await world.rt.service.order(order_id)).stage is Stage.DISPUTED
    return order_id


async def test_a_moderator_finds_the_dispute_reads_the_evidence_takes_it_and_splits_the_money(tmp_path):
    async with room_world(tmp_path) as world:
        mod = world.member("mod", moderator=True)
        await mod.slash(world.channel, "orders")
        ana, ben = await met(world, "ana", "ben")
        order_id = await disputed(world, ana, ben)
        await ben.send(room_of(world), "Any news about my fox?")

        queue = await mod.slash(world.channel, "disputes")
        assert queue.response.ephemeral
        assert "Disputes waiting: 1" in queue.response.content
        assert "The seller stopped answering" in queue.response.content
        assert labels(queue.response.message) == [f"#{order_id} Logo", "Evidence"]

        bundle = await mod.click(queue.response, label="Evidence")
        [file] = private_message(bundle).attachments
        assert file.filename == f"order-{order_id}-evidence.txt"
        text = (await file.read()).decode()
        assert "Any news about my fox?" in text and "The seller stopped answering" in text
        typed = await mod.slash(world.channel, "evidence", number=order_id)
        assert typed.response.ephemeral
        assert [a.filename for a in typed.response.attachments] == [f"order-{order_id}-evidence.txt"]

        card = await mod.click(queue.response, label=f"#{order_id} Logo")
        card = private_message(card).message
        assert labels(card)[1] == "Take this dispute"
        await mod.click(card, label="Take this dispute")
        card = world.now(card, world.channel, viewer=mod)
        assert labels(card) == ["Show the brief", "Refund the buyer", "Pay the seller", "Split", "Resume the order"]
        await world.settle()
        members = {m.id for m in await (await thread(world, room_of(world))).fetch_members()}
        assert mod.id in members  # the moderator joins the order's room when taking its dispute

        form = await mod.click(card, label="Split")
        await mod.submit_modal(form, {"amount": "60", "text": "Half the work was done."})
        order = await world.rt.service.order(order_id)
        assert order.stage is Stage.COMPLETED and order.refunded == 6_000
        assert "Refunded so far" in read(world.now(card, world.channel, viewer=mod))

        audit = await mod.slash(world.channel, "audit")
        assert f"mod — Split — #{order_id}: “Half the work was done.”" in private_answer(audit)


def private_message(result):
    """The message a press answered with privately (a follow-up, or the response itself)."""
    answers = ([result.response] if result.response is not None else []) + result.followups
    return [a for a in answers if a.ephemeral][-1]


async def test_only_members_with_the_moderator_role_moderate_and_suspensions_are_kept(tmp_path):
    async with room_world(tmp_path) as world:
        mod = world.member("mod", moderator=True)
        ana, eve = await met(world, "ana", "eve")
        await mod.slash(world.channel, "orders")
        moderating = {"disputes", "evidence", "audit", "suspend", "unsuspend"}
        assert moderating <= set(mod.available_commands(world.channel))
        assert not moderating & set(eve.available_commands(world.channel))  # hidden from other members...
        helpers = world.guild.create_role("Helper", permissions=discord.Permissions(moderate_members=True))
        helper = world.guild.add_member(world.env.create_user("hal"), roles=[helpers])
        for command, options in (("disputes", {}), ("evidence", {"number": "X"}), ("audit", {}),
                                 ("suspend", {"member": ana, "reason": "Spam"})):
            refused = await helper.slash(world.channel, command, **options)  # ...and refused to those who see them
            assert "moderator" in private_answer(refused), command
        assert not (await world.account(ana)).suspended

        done = await mod.slash(world.channel, "suspend", member=ana, reason="Spam in the offers")
        assert "Suspended: ana" in private_answer(done)
        assert (await world.account(ana)).suspended
        lifted = await mod.slash(world.channel, "unsuspend", member=ana, reason="Cleaned up")
        assert "Suspension lifted" in private_answer(lifted)
        assert not (await world.account(ana)).suspended
        audit = private_answer(await mod.slash(world.channel, "audit", lines=5))
        assert "suspended ana: “Spam in the offers”" in audit and "lifted the suspension of ana" in audit
        empty = await mod.slash(world.channel, "evidence", number="NOPE")
        assert "does not exist" in private_answer(empty)


async def test_each_role_sees_exactly_cores_actions_on_the_card_at_every_stage(tmp_path):
    """As on Telegram (tests/e2e/test_telegram_moderation.py: STAGE_BUTTONS), but [Show the brief] sits beside
    the brief, above the actions, as a V2 card lays it out."""
    async with discord_world(tmp_path) as world:
        ben, ana = await met(world, "ben", "ana")
        mod = world.member("mod", moderator=True)
        await mod.slash(world.channel, "orders")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        buyer, seller = Viewer((await world.account(ben)).id), Viewer((await world.account(ana)).id)
        viewers = {Role.BUYER: buyer, Role.SELLER: seller,
                   Role.MODERATOR: Viewer((await world.account(mod)).id, moderator=True)}
        people = {Role.BUYER: ben, Role.SELLER: ana, Role.MODERATOR: mod}
        async for order, expected in every_stage(world.rt, order_id, buyer, seller):
            stage = order.stage
            for role, member in people.items():
                shown = await member.slash(world.channel, "order", number=order_id)
                card = shown.response.message
                assert labels(card) == [BRIEF] + [label for label in expected[role] if label != BRIEF], (stage, role)
                if MORE in expected[role]:
                    await member.click(card, label=MORE)
                    card = world.now(card, world.channel, viewer=member)
                assert set(labels(card)) - {BRIEF} == core_actions(world.rt, order, viewers[role]), (stage, role)
