"""Order rooms on Discord: a private thread per order, locked in the delivery window, reopened by a
revision request; what is written there is the order's chat (kept, masked, relayed)."""

import contextlib
from dataclasses import replace
from datetime import timedelta

import discord
import pytest

from core.i18n import translate
from core.model import Deadline, Stage
from core.deadlines import CHAT_ENDED
from tests.e2e.discord_world import discord_world, labels
from tests.e2e.test_discord_orders import met


@contextlib.asynccontextmanager
async def room_world(tmp_path, **config):
    """A marketplace whose orders get rooms in its #orders channel."""
    async with discord_world(tmp_path, **config) as world:
        rt = world.rt
        rt.config = replace(rt.config, discord=replace(rt.config.discord, marketplace_channel_id=world.channel.id))
        yield world


def room_of(world):
    [room] = world.channel.threads
    return room


async def paid_order_in_room(world):
    """Ana's offer paid by Ben, its room open, and a moderator the bot has seen (moderators' notices reach them)."""
    ana, ben = await met(world, "ana", "ben")
    mod = world.member("mod", moderator=True)
    await mod.slash(world.channel, "orders")
    await world.offer(ana)
    order_id = await world.paid_order(ben)
    return ana, ben, mod, order_id, room_of(world)


async def thread(world, room) -> discord.Thread:
    """The room as Discord says it is now."""
    return await world.client.fetch_channel(room.id)


def said(room, contains: str) -> list[discord.Message]:
    return [m for m in room.history() if contains in m.content]


async def chat_of(world, order_id: str):
    async with world.rt.store.unit_of_work() as uow:
        return await uow.messages(order_id)


async def delivered(world, ana, ben) -> str:
    await world.offer(ana)
    order_id = await world.paid_order(ben)
    card = world.card(ana, order_id)
    await ana.user.click(card, label="Accept")
    form = await ana.user.click(world.now(card, ana.user.dm_channel), label="Deliver")
    await ana.user.submit_modal(form, {"text": "Here is your fox"})
    await world.settle()
    return order_id


async def test_placing_an_order_opens_a_private_room_for_its_buyer_and_seller_only(tmp_path):
    async with room_world(tmp_path) as world:
        ana, ben, eve = await met(world, "ana", "ben", "eve")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        room = room_of(world)
        opened = await thread(world, room)
        assert opened.type is discord.ChannelType.private_thread and opened.parent_id == world.channel.id
        assert room.name.startswith(f"#{order_id}")
        members = {m.id for m in await opened.fetch_members()}
        assert {ana.id, ben.id} <= members and eve.id not in members
        assert said(room, "this private room is for the buyer and the seller")

        await ben.send(room, "Hello, can the fox be orange?")
        await world.settle()
        [kept] = await chat_of(world, order_id)
        assert kept.text == "Hello, can the fox be orange?"
        assert not said(room, "Message from the buyer")  # the seller read it in the room: not echoed
        assert not [m for m in world.dms(ana) if "Message from" in m.content]

        written = await ana.send(room, "Mail me at ana@example.com")
        assert all(m.id != written.id for m in room.history())  # the unmasked words leave the room
        assert said(room, "ana wrote (contact details hidden")[-1].content.endswith(": Mail me at […]")
        assert [m.text for m in await chat_of(world, order_id)][-1] == "Mail me at […]"


async def test_the_room_is_locked_in_the_delivery_window_and_reopened_by_a_revision_request(tmp_path):
    async with room_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        order_id = await delivered(world, ana, ben)
        room = room_of(world)
        assert (await thread(world, room)).locked
        [notice] = said(room, "This room is locked until <t:")
        until = (await world.rt.service.order(order_id)).deadline(Deadline.REVIEW_WINDOW)
        assert f"<t:{int(until.timestamp())}:F>" in notice.content  # a Discord timestamp: each reader's own time
        assert f"<@{ben.id}>" in notice.content and f"<@{ana.id}>" in notice.content
        assert "Complete the order or request a revision" in notice.content  # the buyer's reason, from core
        assert "reopens if they request a revision" in notice.content  # the seller's

        # Discord keeps members out of a locked room; whatever gets through is refused by core, and answered to
        # the writer alone: the seller reads neither the message nor the buyer's buttons
        written = await ben.send(room, "Wait, one more thing")
        assert all(m.id != written.id for m in room.history()) and not said(room, "Not sent")
        refused, card = world.dms(ben)[-2:]
        assert refused.content.startswith(f"Not sent (order #{order_id}): The chat is closed while you review")
        assert "\nUntil: <t:" in refused.content
        assert refused.content.endswith("Your message, not sent:\nWait, one more thing") and not labels(refused)
        assert card == world.card(ben, order_id) and labels(card)[1:3] == ["Complete", "Request a revision"]
        assert not [m for m in world.dms(ana) if "Wait, one more thing" in m.content]
        assert await chat_of(world, order_id) == []

        form = await ben.user.click(card, label="Request a revision")
        await ben.user.submit_modal(form, {"text": "Make it orange"})
        await world.settle()
        assert (await world.rt.service.order(order_id)).stage is Stage.REVISION_REQUESTED
        assert not (await thread(world, room)).locked
        assert said(room, "This room is open again.")
        await ana.send(room, "Orange it is")
        assert [m.text for m in await chat_of(world, order_id)] == ["Orange it is"]


async def test_each_party_is_told_in_their_own_language_why_the_room_is_locked(tmp_path):
    async with room_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await ben.slash(world.channel, "language", language="fr")
        await delivered(world, ana, ben)
        room = room_of(world)
        assert said(room, "ce salon privé réunit l'acheteur et le vendeur")
        assert said(room, "this private room is for the buyer and the seller")
        [notice] = said(room, "🔒")
        seller, = [line for line in notice.content.splitlines() if line.startswith(f"<@{ana.id}>")]
        buyer, = [line for line in notice.content.splitlines() if line.startswith(f"<@{ben.id}>")]
        assert "Ce salon est verrouillé jusqu'au <t:" in buyer and "demandez une retouche" in buyer
        assert "This room is locked until <t:" in seller

        await ben.send(room, "Encore une chose")  # whatever gets through: answered to him alone, in French
        refused = world.dms(ben)[-2].content
        assert refused.startswith("Non envoyé (commande #") and "\nJusqu'au : <t:" in refused
        assert refused.endswith("Votre message, qui n'a pas été envoyé\u00a0:\nEncore une chose")


async def test_each_delivery_is_posted_in_the_room_once_with_its_words_masked_and_its_files(tmp_path):
    async with room_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        await ana.user.click(world.card(ana, order_id), label="Accept")
        form = await ana.user.click(world.card(ana, order_id), label="Deliver")
        await ana.user.submit_modal(form, {"text": "Your fox; questions to ana@example.com",
                                           "files": [("fox.svg", b"<svg/>")]})
        await world.settle()
        room = room_of(world)
        [posted] = said(room, "📦")
        assert posted.content == f"📦 The seller delivered order #{order_id}:\n\nYour fox; questions to […]"
        assert [(a.filename, await a.read()) for a in posted.attachments] == [("fox.svg", b"<svg/>")]
        assert room.history()[-1].content.startswith(f"<@{ben.id}> 🔒")  # posted, then the room locks

        form = await ben.user.click(world.card(ben, order_id), label="Request a revision")
        await ben.user.submit_modal(form, {"text": "Make it orange"})
        await world.settle()
        form = await ana.user.click(world.card(ana, order_id), label="Accept the revision")
        await world.settle()
        form = await ana.user.click(world.card(ana, order_id), label="Deliver")
        await ana.user.submit_modal(form, {"text": "Orange fox"})
        await world.settle()
        assert [m.content for m in said(room, "📦")] == [
            posted.content, f"📦 The seller delivered order #{order_id} again (delivery 2):\n\nOrange fox"]


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_the_room_locks_when_the_chat_after_closing_ends_and_nothing_names_a_past_date(tmp_path, lang):
    async with room_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await ben.slash(world.channel, "language", language=lang)
        order_id = await delivered(world, ana, ben)
        await ben.user.submit_modal(await ben.user.click(world.card(ben, order_id), label=translate("Complete", lang)),
                                    {})
        await world.settle()
        room = room_of(world)
        assert not (await thread(world, room)).locked
        after = world.rt.config.settings.chat_after_closing
        world.clock.advance(after - timedelta(minutes=1))
        await world.settle()
        assert not (await thread(world, room)).locked
        await ben.send(room, "Thanks again!")  # the chat is still open
        assert [m.text for m in await chat_of(world, order_id)] == ["Thanks again!"]

        world.clock.advance(timedelta(minutes=1))
        await world.settle()
        assert (await thread(world, room)).locked
        assert world.dms(ben)[-1].content == translate(CHAT_ENDED, lang).format(order=order_id)
        assert world.dms(ana)[-1].content == CHAT_ENDED.format(order=order_id)
        [notice] = said(room, "🔒")[-1:]
        ended = "🔒 This room is locked. This order is closed and its chat has ended."
        assert notice.content.splitlines() == (  # the same words once, to both: no "until" in the past
            [f"<@{ben.id}> <@{ana.id}> {ended}"] if lang == "en" else
            [f"<@{ben.id}> {translate('🔒 This room is locked.', lang)} "
             f"{translate('This order is closed and its chat has ended.', lang)}", f"<@{ana.id}> {ended}"])

        await ben.send(room, "One last thing")  # got through the lock: refused, and no "until" in the past
        refused = world.dms(ben)[-1].content
        assert refused.startswith(translate("Not sent (order #{order}): {reason}", lang).format(
            order=order_id, reason=translate("This order is closed and its chat has ended.", lang)) + "\n\n")
        assert "<t:" not in refused and refused.endswith("\nOne last thing")
        world.clock.advance(timedelta(days=30))
        await world.settle()
        assert said(room, "🔒")[-1].id == notice.id  # told once
