"""Edits and deletions are part of the chat: an edit that slips contact details in is masked, taken down where
it was written, kept in the evidence beside the original (both with their times), flagged to the moderators
and relayed as an edit; a flagged message the platform will not take down alerts them. Replayed through the
real discord.py client on simcord and python-telegram-bot on the fake Bot API."""

from __future__ import annotations

from datetime import timedelta

from bots import moderation
from bots.render import zone
from tests.e2e.discord_world import discord_world
from tests.e2e.telegram_shop import started
from tests.e2e.telegram_world import LOGO, MODERATOR_ID, telegram_world
from tests.e2e.test_discord_orders import met, private_answer
from tests.e2e.test_discord_rooms import chat_of, paid_order_in_room, room_world, said
from tests.e2e.test_telegram_moderation import ask, evidence_file
from tests.e2e.test_telegram_orders import paid_order

BEN, ANA = 100, 200
EMAIL = "ben.private@gmail.com"


async def evidence(world, order_id: str) -> str:
    return await moderation.evidence(world.rt.moderation, order_id, "en", zone("UTC"), world.clock.now())


async def test_a_room_message_edited_to_show_an_email_is_taken_down_kept_beside_the_original_and_flagged(tmp_path):
    async with room_world(tmp_path) as world:
        ana, ben, mod, order_id, room = await paid_order_in_room(world)
        written = await ben.send(room, "Hello, which colours?")
        world.clock.advance(timedelta(minutes=5))
        await ben.edit(written, f"Hello, mail me at {EMAIL}")
        await world.settle()

        assert all(EMAIL not in m.content for m in room.history())  # the seller never reads it in the room
        assert all(m.id != written.id for m in room.history())
        assert said(room, "ben edited a message (contact details hidden")[-1].content.endswith(
            ": Hello, mail me at […]")
        first, edit = await chat_of(world, order_id)
        assert (first.text, first.flagged, first.edit_of) == ("Hello, which colours?", False, None)
        assert (edit.text, edit.flagged, edit.edit_of, edit.original) == (
            "Hello, mail me at […]", True, first.id, f"Hello, mail me at {EMAIL}")
        assert edit.at - first.at == timedelta(minutes=5)
        bundle = await evidence(world, order_id)
        assert "2026-03-02 08:00 — ben (buyer):\n    Hello, which colours?" in bundle
        assert "⚑ ✎ 2026-03-02 08:05 — ben (buyer) edited the message of 2026-03-02 08:00; it now reads:" in bundle
        assert f"As written, before masking (for moderators only):\n        Hello, mail me at {EMAIL}" in bundle
        alert = world.last_dm(mod, "edited a message to hide contact details")
        assert alert.content == (f"⚑ The buyer of order #{order_id} edited a message to hide contact details in "
                                 "it (masked): Hello, mail me at […]")
        queue = private_answer(await mod.slash(world.channel, "flagged"))
        assert f"#{order_id} Logo — ben (buyer) — contact details hidden in an edit" in queue
        assert "“Hello, mail me at […]”" in queue and EMAIL not in queue


async def test_a_dm_edited_to_show_an_email_reaches_the_other_party_masked_as_an_edit(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        written = await ben.user.send_dm("Is the fox orange?")
        await world.settle()
        await ben.user.edit(written, f"Is the fox orange? Mail me at {EMAIL}")
        assert "Contact details were hidden" in world.last_dm(ben, f"Edit sent to order #{order_id}.").content
        await world.settle()
        relayed = world.last_dm(ana, "edited a message")
        assert relayed.content == (f"The buyer edited a message on order #{order_id}; it now reads: "
                                   "Is the fox orange? Mail me at […]")
        assert all(EMAIL not in m.content for m in world.dms(ana))
        assert [m.written for m in await chat_of(world, order_id)] == [
            "Is the fox orange?", f"Is the fox orange? Mail me at {EMAIL}"]


async def test_a_flagged_room_message_discord_will_not_take_down_alerts_the_moderators(tmp_path):
    async with room_world(tmp_path) as world:
        ana, ben, mod, order_id, room = await paid_order_in_room(world)
        world.env.inject_error("DELETE", f"/channels/{room.id}/messages/*", status=403, code=50013,
                               message="Missing Permissions")
        await ben.send(room, f"Write to {EMAIL}")
        await world.settle()
        alert = world.last_dm(mod, "could not be taken down")
        assert alert.content.startswith(f"⚠ A message with contact details on order #{order_id} could not be "
                                        "taken down where it was written")
        [kept] = await chat_of(world, order_id)
        assert kept.left_visible and kept.flagged
        assert "Its unmasked copy could not be taken down" in await evidence(world, order_id)
        queue = private_answer(await mod.slash(world.channel, "flagged"))
        assert "its unmasked copy could not be taken down: the other party may have read it" in queue


async def test_a_message_edited_in_the_telegram_chat_is_masked_relayed_as_an_edit_and_kept(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana, mo = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"), (MODERATOR_ID, "Mo", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        await world.wait_reply(BEN, "")
        written = ben.send("Which colours do you like?")
        await world.wait_reply(BEN, f"Sent to order #{order_id}.")
        ben.edit(written, "Which colours? Call me on 06 12 34 56 78")
        told = await world.wait_reply(BEN, f"Edit sent to order #{order_id}.")
        assert "Contact details were hidden" in told["text"]
        await world.settle()
        relayed = await world.wait_reply(ANA, "edited a message")
        assert relayed["text"] == f"The buyer edited a message on order #{order_id}; it now reads: Which colours? " \
                                  "Call me on […]"
        assert all("06 12 34 56 78" not in (m.get("text") or "") for m in world.fake.sent_to(ANA))
        await world.wait_reply(MODERATOR_ID, "edited a message to hide contact details")
        document = await ask(world, mo, f"/evidence {order_id}", "Evidence for order")
        bundle = await evidence_file(world, document)
        assert "Which colours do you like?" in bundle and "Call me on 06 12 34 56 78" in bundle
        queue = await ask(world, mo, "/flagged", "Flagged messages")
        assert f"#{order_id} Logo — Ben (buyer) — contact details hidden in an edit" in queue["text"]


async def test_an_edit_of_what_is_no_chat_message_changes_nothing_and_says_so(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, = await started(world, (BEN, "Ben", "en"))
        command = ben.send("/orders")
        await world.wait_reply(BEN, "Your orders")
        ben.edit(command, "mail me at ben@example.com")
        await world.wait_reply(BEN, "Edits are not taken into account here")
        async with world.rt.store.unit_of_work() as uow:
            assert await uow.flagged_messages() == []
