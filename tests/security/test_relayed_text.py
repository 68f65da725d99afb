"""Relayed text is shown as text: what one person writes reaches the other on Discord with its Markdown escaped,
its mentions neutralized and no link preview, never as a headline or a masked link in the bot's voice; on
Telegram it goes without parse_mode. Replayed across the real bot libraries: a buyer on Telegram, a seller on
Discord (in her order's room), and by DM between two people on Discord."""

from __future__ import annotations

from core.model import Viewer
from tests.e2e.cross_world import cross_world
from tests.e2e.discord_world import discord_world
from tests.e2e.telegram_shop import say
from tests.e2e.test_cross_platform import BEN, marketplace
from tests.e2e.test_discord_orders import met
from tests.e2e.test_discord_rooms import room_of, said

PHISHING = ("Hello\n# URGENT\n[Comptoir: confirm your payout here](https://evil.example/payout)\n@here **now**\n"
            "Refund closes <t:0:R> in <#1>")


def shown_as_text(content: str) -> None:
    assert "\n\\# URGENT" in content  # a literal "#", no headline
    assert "\\[Comptoir: confirm your payout here](https://evil.example/payout)" in content  # no masked link
    assert "@\u200bhere" in content and "\\*\\*now\\*\\*" in content  # (mentions nobody; **, not bold)
    assert "Refund closes \\<t:0:R> in \\<#1>" in content  # no countdown ticking in our voice, no channel link


async def test_a_headline_and_a_masked_link_from_telegram_reach_the_discord_room_as_plain_text(tmp_path):
    async with cross_world(tmp_path) as world:
        tg, dc = world.telegram, world.discord
        ben, _, _ = await marketplace(world)
        buyer = await tg.account(BEN)  # Ben orders on Telegram; Ana sells on Discord
        checkout = await world.rt.service.checkout(Viewer(buyer.id), "manual", offer_id="logo", brief="A fox")
        order_id = (await world.rt.service.pay(checkout.id, checkout.amount, checkout.currency, "test")).order.id
        await world.settle()
        await say(tg, ben, PHISHING, f"Sent to order #{order_id}.")
        await world.settle()
        [relayed] = said(room_of(dc), f"Message from the buyer on order #{order_id}")
        shown_as_text(relayed.content)
        assert relayed.flags.suppress_embeds  # and no preview of the link
        sent = [r for r in tg.fake.calls("sendMessage") if r.params.get("chat_id") in (BEN, str(BEN))]
        assert sent and all("parse_mode" not in r.params for r in sent)  # Telegram: text is text


async def test_a_headline_and_a_masked_link_by_dm_reach_the_discord_seller_as_plain_text(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        await ben.user.send_dm(PHISHING)
        await world.settle()
        relayed = world.last_dm(ana, "Message from the buyer")
        assert relayed.content.startswith(f"Message from the buyer on order #{order_id}: Hello")
        shown_as_text(relayed.content)
        assert relayed.flags.suppress_embeds
