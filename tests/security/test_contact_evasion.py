"""Contact details however disguised: the evasions people use to take a deal elsewhere (spelled "at" and "dot",
slashes between digits, full-width letters, a space inside a link) reach the other party masked and the moderators
hear of each; the other free texts one person writes and another reads (a cancellation request's reason, an
offer's title, description and options, a custom offer) are masked too; harmless numbers (a date and time, an
invoice reference) go through unchanged. Replayed through python-telegram-bot on the fake Bot API and discord.py
on simcord."""

from __future__ import annotations

from tests.e2e.discord_world import discord_world, read
from tests.e2e.telegram_shop import say, started, tap, text_of
from tests.e2e.telegram_world import LOGO, MODERATOR_ID, telegram_world
from tests.e2e.test_discord_discussions import TERMS, custom_offer_sent
from tests.e2e.test_discord_moderation import private_message
from tests.e2e.test_discord_offers import FORM, created, shared
from tests.e2e.test_discord_orders import met, private_answer
from tests.e2e.test_discord_rooms import chat_of, paid_order_in_room, room_world, said
from tests.e2e.test_telegram_moderation import ask
from tests.e2e.test_telegram_orders import paid_order

BEN, ANA = 100, 200
HIDDEN = "Contact details were hidden"
#: what the buyer writes, and what the seller reads
EVASIONS = {
    "Mail me: ben dot private at gmail dot com": "Mail me: […]",
    "Or call 06/12/34/56/78": "Or call […]",
    "ｂｅｎ＠ｇｍａｉｌ．ｃｏｍ works too": "[…] works too",
    "I am on t.me /benprivate": "I am on […]",
}
#: pieces of the contact details that must reach the seller nowhere
LEAKS = ("gmail", "ｇｍａｉｌ", "06/12/34", "34/56/78", "benprivate", "private at")


def read_by(world, user_id: int) -> list[str]:
    return [text_of(m) for m in world.fake.sent_to(user_id)]


async def test_four_evasions_in_the_telegram_chat_reach_the_seller_masked_and_each_is_flagged(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana, mo = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"), (MODERATOR_ID, "Mo", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        for written in EVASIONS:
            told = await say(world, ben, written, f"Sent to order #{order_id}.")
            assert HIDDEN in text_of(told)
        await world.settle()

        relayed = [t for t in read_by(world, ANA) if t.startswith(f"Message from the buyer on order #{order_id}")]
        assert relayed == [f"Message from the buyer on order #{order_id}: {masked}" for masked in EVASIONS.values()]
        assert not [t for t in read_by(world, ANA) if any(leak in t for leak in LEAKS)]
        flags = [t for t in read_by(world, MODERATOR_ID) if "wrote contact details" in t]
        assert flags == [f"⚑ The buyer of order #{order_id} wrote contact details (masked): {masked}"
                         for masked in EVASIONS.values()]
        kept = await chat_of(world, order_id)
        assert [(m.text, m.flagged, m.original) for m in kept] == [
            (masked, True, written) for written, masked in EVASIONS.items()]
        queue = await ask(world, mo, "/flagged", "Flagged messages")
        for masked in EVASIONS.values():
            assert f"“{masked}”" in queue["text"]
        assert not any(leak in queue["text"] for leak in LEAKS)  # the queue shows the masked text only


async def test_a_cancellation_reason_with_an_email_reaches_the_seller_masked(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        card = await world.wait_reply(ANA, f"#{order_id}")
        await tap(world, ana, card, "Accept", match=lambda m: "Deliver" in world.buttons(m))
        await world.settle()
        told = await world.wait_reply(BEN, "accepted your order")
        await tap(world, ben, told, "Request cancellation", "Say why")
        await say(world, ben, "Cheaper elsewhere; write to ben (at) private (dot) fr to settle it", "cancel")
        await world.settle()

        asked = await world.wait_reply(ANA, "the buyer asks to cancel the order")
        assert "Cheaper elsewhere; write to […] to settle it" in text_of(asked)
        assert not [t for t in read_by(world, ANA) if "private" in t or "(at)" in t]
        order = await world.rt.service.order(order_id)
        assert order.cancellation_reason == "Cheaper elsewhere; write to ben (at) private (dot) fr to settle it"


async def test_a_date_a_time_and_an_invoice_reference_are_relayed_unchanged_and_flag_nothing(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana, mo = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"), (MODERATOR_ID, "Mo", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        harmless = ["Meeting at 2026-03-02 12:30", "Paid with invoice INV-2026-0042, €120.00"]
        for written in harmless:
            told = await say(world, ben, written, f"Sent to order #{order_id}.")
            assert HIDDEN not in text_of(told)
        await world.settle()

        relayed = [t for t in read_by(world, ANA) if t.startswith(f"Message from the buyer on order #{order_id}")]
        assert relayed == [f"Message from the buyer on order #{order_id}: {written}" for written in harmless]
        assert [(m.text, m.flagged, m.original) for m in await chat_of(world, order_id)] == [
            (written, False, None) for written in harmless]
        assert not [t for t in read_by(world, MODERATOR_ID) if "contact details" in t]


async def test_a_spelled_email_and_a_spaced_link_in_a_discord_room_are_taken_down_and_reposted_masked(tmp_path):
    async with room_world(tmp_path) as world:
        ana, ben, mod, order_id, room = await paid_order_in_room(world)
        written = await ben.send(room, "Reach me: ben dot private at gmail dot com, or t.me /benprivate")
        await world.settle()

        assert all(m.id != written.id for m in room.history())  # the unmasked words leave the room
        assert not [m for m in room.history() if any(leak in m.content for leak in LEAKS)]
        [reposted] = said(room, "ben wrote (contact details hidden")
        assert reposted.content.endswith(": Reach me: […], or […]")
        [kept] = await chat_of(world, order_id)
        assert (kept.text, kept.flagged) == ("Reach me: […], or […]", True)
        assert kept.original == "Reach me: ben dot private at gmail dot com, or t.me /benprivate"
        alert = world.last_dm(mod, "wrote contact details")
        assert alert.content == (f"⚑ The buyer of order #{order_id} wrote contact details (masked): "
                                 "Reach me: […], or […]")
        queue = private_answer(await mod.slash(world.channel, "flagged"))
        assert "“Reach me: […], or […]”" in queue and "gmail" not in queue


async def test_an_offer_and_a_custom_offer_reach_the_discord_buyer_with_their_contact_details_masked(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        offer, panel = await created(world, ana, {**FORM, "title": "Logo, insta: ana.design",
                                                  "description": "Ask first: ana dot design at gmail dot com"})
        form = await ana.click(panel.message, label="Add an option")
        await ana.submit_modal(form, {"title": "A call on 06 12 34 56 78", "price": "30", "days": "1"})
        post = await shared(world, ana, offer)
        page = read(post)
        assert "Logo, insta: […]" in page and "Ask first: […]" in page and "A call on […]" in page
        assert not any(leak in page for leak in ("ana.design", "gmail", "56 78"))
        seen = private_message(await ben.slash(world.channel, "offer view", offer=offer.id))
        assert "gmail" not in read(seen.message) and "Ask first: […]" in read(seen.message)

        custom = await custom_offer_sent(world, ben, ana, {**TERMS, "title": "Fox, t.me /anadesign",
                                                            "description": "Text me on 06/12/34/56/78 first"})
        assert custom.content.startswith("The seller made you a custom offer: “Fox, […]”")
        assert "Text me on […] first" in custom.content
        assert not [m for m in world.dms(ben) if "anadesign" in m.content or "34/56" in m.content]
