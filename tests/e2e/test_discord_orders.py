"""Orders on Discord, end to end: the real discord.py client against simcord's simulated Discord."""

from dataclasses import replace

import pytest

from bots.discord.modals import LONG_BRIEF, MAIN, TEXT_LIMIT
from core.i18n import translate
from core.model import Stage
from core.table import Needs
from tests.e2e.discord_world import discord_world, labels, more, read


async def met(world, *names):
    """People who used the bot once (any command creates their account)."""
    people = [world.member(name) for name in names]
    for member in people:
        await member.slash(world.channel, "orders")
    return people


async def test_the_seller_gets_the_new_order_by_dm_accepts_it_on_the_card_and_the_buyer_is_told(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        news, card = world.dms(ana)[-2:]
        assert "New order" in news.content and labels(news) == [] and not news.embeds
        assert card == world.card(ana, order_id) and not card.content
        assert labels(card) == ["Show the brief", "Accept", "Decline"]
        assert "<t:" in read(card) and ":R>" in read(card)  # live Discord timestamps
        pressed = await ana.user.click(card, label="Accept")
        assert pressed.acknowledged and not pressed.followups
        card = world.now(card, ana.user.dm_channel)
        assert "4/7" in read(card)
        assert "Deliver" in labels(card) and "Accept" not in labels(card)
        assert (await world.rt.service.order(order_id)).stage is Stage.IN_PROGRESS
        await world.settle()
        assert world.last_dm(ben, "accepted your order")
        assert "Request cancellation" in labels(world.card(ben, order_id))


def private_answer(result) -> str:
    """What the bot answered only to the person who pressed or typed (an ephemeral reply)."""
    answers = ([result.response] if result.response is not None else []) + result.followups
    private = [a for a in answers if a.ephemeral]
    assert private, f"no private answer in {result!r}"
    return private[-1].content


async def test_a_card_sent_before_a_restart_still_works_after_it(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        card = world.card(ana, order_id)
        before = world.client
        await world.restart()
        assert world.client is not before
        await ana.user.click(card, label="Accept")
        assert "Deliver" in labels(world.now(card, ana.user.dm_channel))
        assert (await world.rt.service.order(order_id)).stage is Stage.IN_PROGRESS


async def test_a_stale_or_forged_press_redraws_the_card_as_the_order_is_now_a_strangers_changes_nothing(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben, eve = await met(world, "ana", "ben", "eve")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        version = (await world.rt.service.order(order_id)).version
        public = await world.post_card(order_id, ana)
        await ana.user.click(world.card(ana, order_id), label="Accept")
        moved = (await world.rt.service.order(order_id)).version
        assert moved == version + 1
        forgery = await world.post_card(order_id, ana, extra={"Refund": f"o:{order_id}:refund_all:{moved}",
                                                              "Nonsense": "o:nonsense"})

        foreign = await eve.click(public, label="Accept")
        garbage = await ana.click(forgery, label="Nonsense")
        assert "not yours" in private_answer(foreign)
        assert "not valid" in private_answer(garbage)
        still = world.now(public, world.channel)  # nothing to draw for a stranger, nor for a button of no order
        assert read(still) == read(public) and labels(still) == labels(public)
        assert labels(world.now(forgery, world.channel)) == labels(forgery)

        stale = await ana.click(public, label="Accept")
        forged = await ana.click(forgery, label="Refund")
        assert "already done" in private_answer(stale)
        assert "Only the moderator" in private_answer(forged)
        assert (await world.rt.service.order(order_id)).version == moved
        for pressed in (public, forgery):  # refused: the card pressed shows where the order stands now, whole
            now = world.now(pressed, world.channel)
            assert "4/7" in read(now) and not now.content
            assert labels(now) == ["Show the brief", "Deliver", "Cancel the order", "More…"]


async def accepted(world, ana, ben) -> tuple[str, object]:
    await world.offer(ana)
    order_id = await world.paid_order(ben)
    card = world.card(ana, order_id)
    await ana.user.click(card, label="Accept")
    await world.settle()
    return order_id, world.now(card, ana.user.dm_channel)


async def test_the_seller_delivers_through_the_modal_and_an_empty_delivery_is_refused(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        order_id, card = await accepted(world, ana, ben)

        form = await ana.user.click(card, label="Deliver")
        assert form.modal is not None
        empty = await ana.user.submit_modal(form, {})
        assert "empty delivery is refused" in private_answer(empty)
        assert (await world.rt.service.order(order_id)).stage is Stage.IN_PROGRESS
        assert "Deliver" in labels(world.now(card, ana.user.dm_channel))

        form = await ana.user.click(card, label="Deliver")
        await ana.user.submit_modal(form, {"text": "Here is your fox", "files": [("fox.svg", b"<svg/>")]})
        card = world.now(card, ana.user.dm_channel)
        assert "5/7" in read(card)
        order = await world.rt.service.order(order_id)
        assert order.stage is Stage.DELIVERED
        assert order.deliveries[-1].message == "Here is your fox"
        [file] = order.deliveries[-1].files
        assert file.startswith("dc:file:") and file.endswith(":fox.svg")
        await world.settle()
        told = world.last_dm(ben, "was delivered")
        assert [(a.filename, await a.read()) for a in told.attachments] == [("fox.svg", b"<svg/>")]
        assert labels(world.card(ben, order_id))[1:3] == ["Complete", "Request a revision"]


async def test_the_buyer_completes_with_a_positive_review_chosen_in_the_modal(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        order_id, card = await accepted(world, ana, ben)
        form = await ana.user.click(card, label="Deliver")
        await ana.user.submit_modal(form, {"text": "Here is your fox"})
        await world.settle()
        delivered = world.card(ben, order_id)
        form = await ben.user.click(delivered, label="Complete")
        await ben.user.submit_modal(form, {"verdict": ["good"], "text": "Lovely fox"})
        order = await world.rt.service.order(order_id)
        assert order.stage is Stage.COMPLETED
        assert order.review.positive and order.review.comment == "Lovely fox"
        assert "Review (positive)" in read(world.now(delivered, ben.user.dm_channel))


async def test_an_amount_that_is_not_a_number_is_answered_privately_and_changes_nothing(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        order_id, _ = await accepted(world, ana, ben)
        card = await more(world, ben, world.card(ben, order_id))
        form = await ben.user.click(card, label="Propose a partial refund")
        answer = await ben.user.submit_modal(form, {"amount": "a lot", "text": "Only half of it"})
        assert "not an amount" in private_answer(answer)
        assert (await world.rt.service.order(order_id)).proposal is None


def field(shown, custom_id: str) -> tuple[dict, dict]:
    """A modal's field as Discord received it: (its label, the input)."""
    return next((row, row["component"]) for row in shown.modal["components"]
                if row["component"].get("custom_id") == custom_id)


async def test_the_buyer_edits_the_brief_in_a_form_that_holds_the_brief_as_it_stands(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await world.offer(ana)
        order_id = await world.paid_order(ben, brief="A fox for my bakery")
        form = await ben.user.click(world.card(ben, order_id), label="Edit the brief")
        label, text = field(form, "text")
        assert text["value"] == "A fox for my bakery" and label["description"] == MAIN[Needs.BRIEF][1]
        await ben.user.submit_modal(form, {"text": "A fox for my bakery, in orange"})
        assert (await world.rt.service.order(order_id)).brief == "A fox for my bakery, in orange"


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_a_brief_longer_than_the_form_is_not_cut_the_form_says_so_and_keeps_it(tmp_path, lang):
    async with discord_world(tmp_path) as world:
        settings = replace(world.rt.config.settings, max_text=4096)  # Telegram's limit: longer than Discord's field
        world.rt.config, world.rt.service.settings = replace(world.rt.config, settings=settings), settings
        ana, ben = await met(world, "ana", "ben")
        await ben.slash(world.channel, "language", language=lang)
        await world.offer(ana)
        long = "A fox for my bakery. " * 195  # 4,095 characters: more than Discord's field holds
        order_id = await world.paid_order(ben, brief=long)
        form = await ben.user.click(world.card(ben, order_id), label=translate("Edit the brief", lang))
        label, text = field(form, "text")
        assert "value" not in text and text["max_length"] == TEXT_LIMIT
        assert label["description"] == translate(LONG_BRIEF, lang) and len(label["description"]) <= 100
        await ben.user.submit_modal(form, {"files": [("sketch.png", b"png")]})
        order = await world.rt.service.order(order_id)
        assert order.brief == long.strip() and [ref.rsplit(":", 1)[-1] for ref in order.brief_files] == ["sketch.png"]
