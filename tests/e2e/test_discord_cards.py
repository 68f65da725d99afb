"""One live card per person and order on Discord: notices are words, the order's card a message of its own under
the latest of them, always drawn as the order is now; what a notice said is never taken back."""

import contextlib

import discord

from bots.discord.cards import card_buttons, remember_card
from core.card import progress_bar
from core.model import Viewer
from tests.e2e.discord_world import discord_world, labels, read
from tests.fakes.discord_messages import controls
from tests.e2e.test_discord_orders import met


@contextlib.asynccontextmanager
async def discord_world_with_order(tmp_path):
    """A marketplace on Discord with Ana's offer and Ben's paid order: (world, ana, ben, order id)."""
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        yield world, ana, ben, order_id


def with_card(world, member, order_id: str) -> list[discord.Message]:
    """The messages of this person's DMs that show the order's card, or any button of it."""
    return [m for m in world.dms(member)
            if (not m.content and f"#{order_id}" in read(m)) or any(c.get("custom_id", "").startswith(f"o:{order_id}:")
                                                     for c in controls(m))]


async def current(world, member, order_id: str) -> str:
    """The stage line of the card this person sees of the order now, as core draws it."""
    card = await world.rt.service.card(order_id, Viewer((await world.account(member)).id))
    return f"`{progress_bar(card.step, card.stage)}`  {card.step}/7"


async def test_each_person_has_one_card_per_order_under_the_latest_notice_always_current(tmp_path):
    async with discord_world_with_order(tmp_path) as (world, ana, ben, order_id):
        steps = [(ana, "Accept", None), (ana, "Deliver", {"text": "Here is your fox", "files": [("fox.svg", b"1")]}),
                 (ben, "Request a revision", {"text": "Make it orange"}), (ana, "Accept the revision", None),
                 (ana, "Deliver", {"text": "Orange fox", "files": [("fox-2.svg", b"2")]}),
                 (ben, "Complete", {"verdict": ["good"], "text": "Lovely"})]
        for who, label, typed in steps:
            pressed = await who.user.click(world.card(who, order_id), label=label)
            if typed is not None:
                await who.user.submit_modal(pressed, typed)
            await world.settle()
            for member in (ana, ben):
                [card] = with_card(world, member, order_id)  # one, with its words and every button
                assert not card.content and await current(world, member, order_id) in read(card)
                last_notice = [m for m in world.dms(member) if m.content][-1]
                assert last_notice.id < card.id  # under the latest notice: the newest about the order

        # nothing a notice said was taken back: every delivery's words and files are still in the buyer's DMs
        delivered = [m for m in world.dms(ben) if "was delivered" in m.content]
        assert [m.content.split("The seller's message:\n")[1] for m in delivered] == ["Here is your fox",
                                                                                    "Orange fox"]
        assert [[a.filename for a in m.attachments] for m in delivered] == [["fox.svg"], ["fox-2.svg"]]
        assert "What to change:\nMake it orange" in world.last_dm(ana, "requests a revision").content


async def test_a_card_pressed_in_a_server_brings_the_card_in_the_dms_up_to_date(tmp_path):
    async with discord_world_with_order(tmp_path) as (world, ana, ben, order_id):
        in_dms = world.card(ana, order_id)
        shown = await ana.slash(world.channel, "order", number=order_id)
        await ana.click(shown.response, label="Accept")
        assert "4/7" in read(world.now(shown.response, world.channel, viewer=ana))
        now = world.now(in_dms, ana.user.dm_channel)
        assert "4/7" in read(now) and labels(now)[1] == "Deliver"
        assert world.card(ana, order_id).id == in_dms.id


def card_as_embed(card) -> discord.Embed:
    """An order's card as versions before Components V2 drew it: an embed."""
    return discord.Embed(title=f"Order #{card.order_id} — {card.title}", description=f"{card.step}/7")


def buttons_as_view(card) -> discord.ui.View:
    """The card's buttons as versions before Components V2 drew them: under the embed."""
    view = discord.ui.View(timeout=None)
    for item in card_buttons(card, "en"):
        view.add_item(item)
    return view


async def an_old_card(world, member, order_id: str, words: str) -> discord.Message:
    """The order's card in this person's DMs as an older version left it: words and an embed card together."""
    for message in with_card(world, member, order_id):
        await message.delete()
    card = await world.rt.service.card(order_id, Viewer((await world.account(member)).id))
    dm = await world.client.create_dm(discord.Object(member.id))
    old = await dm.send(words, embed=card_as_embed(card), view=buttons_as_view(card))
    await remember_card(world.rt, str(member.id), old.id, order_id, (await world.account(member)).id)
    return old


async def test_a_card_sent_with_a_notices_words_before_this_version_keeps_its_words_when_a_new_card_comes(tmp_path):
    async with discord_world_with_order(tmp_path) as (world, ana, ben, order_id):
        old = await an_old_card(world, ben, order_id, "Your payment was confirmed.")

        await ana.user.click(world.card(ana, order_id), label="Accept")
        await world.settle()
        kept = world.now(old, ben.user.dm_channel)
        assert kept.content == "Your payment was confirmed." and not kept.embeds and labels(kept) == []
        assert labels(world.card(ben, order_id))[1] == "Request cancellation"


async def test_an_old_card_with_words_keeps_them_when_a_press_in_a_server_brings_the_card_up_to_date(tmp_path):
    async with discord_world_with_order(tmp_path) as (world, ana, ben, order_id):
        old = await an_old_card(world, ana, order_id, "New order: a fox for a bakery.")
        shown = await ana.slash(world.channel, "order", number=order_id)
        await ana.click(shown.response, label="Accept")
        kept = world.now(old, ana.user.dm_channel)
        assert kept.content == "New order: a fox for a bakery." and not kept.embeds and labels(kept) == []
        card = world.card(ana, order_id)
        assert card.id > old.id and "4/7" in read(card) and labels(card)[1] == "Deliver"


async def test_an_old_card_with_words_pressed_in_the_dms_keeps_its_words_and_a_new_card_comes_under_them(tmp_path):
    async with discord_world_with_order(tmp_path) as (world, ana, ben, order_id):
        old = await an_old_card(world, ana, order_id, "New order: a fox for a bakery.")
        await ana.user.click(old, label="Accept")
        kept = world.now(old, ana.user.dm_channel)
        assert kept.content == "New order: a fox for a bakery." and not kept.embeds and labels(kept) == []
        [card] = with_card(world, ana, order_id)
        assert card.id > old.id and "4/7" in read(card) and labels(card)[1] == "Deliver"


async def test_every_button_of_a_card_sent_before_a_restart_still_answers_after_it(tmp_path):
    async with discord_world_with_order(tmp_path) as (world, ana, ben, order_id):
        await ana.user.click(world.card(ana, order_id), label="Accept")
        await world.settle()
        card = world.card(ben, order_id)
        await world.restart()  # a new process: the card's buttons are found again by their custom ids alone

        shown = await ben.user.click(card, label="Show the brief")  # the button beside the brief, in a section
        assert shown.response.ephemeral and shown.response.content.endswith("“Logo”:\nA fox for my bakery")
        await ben.user.click(card, label="More…")  # one in the container's row
        expanded = labels(world.now(card, ben.user.dm_channel))
        assert "More…" not in expanded and "Request cancellation" in expanded and len(expanded) > len(labels(card))
        asked = await ben.user.click(world.now(card, ben.user.dm_channel), label="Request cancellation")
        assert asked.modal is not None  # core's own button, from the redrawn card: it asks why
