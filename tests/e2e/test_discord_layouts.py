"""Discord refuses a message it cannot draw, and both fakes refuse it as Discord does (400 "Invalid Form Body",
50035): a Components V2 layout sent without its flag, or beside words or embeds, nested wrongly, over 40
components or 4,000 characters of text, with a custom id too long or twice, six buttons in a row; an edit never
drops the flag. So a card drawn wrongly fails a test loudly instead of passing against a lenient fake."""

from __future__ import annotations

import aiohttp
import discord
import pytest

from bots.discord.cards import layout
from tests.e2e.discord_world import discord_world
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_messages import labels, read, rows

V2 = 1 << 15


def text(content: str) -> dict:
    return {"type": 10, "content": content}


def button(custom_id: str, label: str = "Go") -> dict:
    return {"type": 2, "style": 2, "label": label, "custom_id": custom_id}


def row(*buttons: dict) -> dict:
    return {"type": 1, "components": list(buttons)}


def container(*children: dict) -> dict:
    return {"type": 17, "components": list(children)}


CARD = {"flags": V2, "components": [container(
    text("### Order #A1 — Logo"), {"type": 14},
    {"type": 9, "components": [text("**Brief:** a fox")], "accessory": button("x:brief:A1", "Show the brief")},
    row(button("o:A1:accept:1", "Accept"), button("o:A1:decline:1", "Decline")))]}

REFUSED = {
    "a layout beside words": {**CARD, "content": "Your order"},
    "a layout beside an embed": {**CARD, "embeds": [{"title": "Order #A1"}]},
    "a layout without the flag": {"components": CARD["components"]},
    "the flag without any component": {"flags": V2, "components": []},
    "a button straight in a container": {"flags": V2, "components": [container(button("a"))]},
    "a section of four texts": {"flags": V2, "components": [container(
        {"type": 9, "components": [text("1"), text("2"), text("3"), text("4")], "accessory": button("a")})]},
    "a section without its button": {"flags": V2, "components": [container(
        {"type": 9, "components": [text("1")]})]},
    "41 components": {"flags": V2, "components": [container(*(text(str(n)) for n in range(40)))]},
    "4,001 characters of text": {"flags": V2, "components": [container(text("a" * 2000), text("b" * 2001))]},
    "a custom id of 101 characters": {"flags": V2, "components": [container(row(button("o" * 101)))]},
    "a custom id twice": {"flags": V2, "components": [container(row(button("a")), row(button("a")))]},
    "six buttons in a row": {"flags": V2, "components": [container(row(*(button(str(n)) for n in range(6))))]},
    "an empty text": {"flags": V2, "components": [container(text(""))]},
}


async def test_the_fake_discord_api_stores_a_card_and_shows_what_it_reads_and_its_buttons():
    with FakeDiscord() as fake:
        async with aiohttp.ClientSession(headers={"Authorization": f"Bot {fake.token}"}) as http:
            async with http.post(f"{fake.base_url}/channels/{fake.channel['id']}/messages", json=CARD) as answer:
                assert answer.status == 200
                sent = await answer.json()
        [stored] = fake.messages(fake.channel)
        assert stored["flags"] == V2 and stored["content"] == "" and stored["id"] == sent["id"]
        assert read(stored) == "### Order #A1 — Logo\n**Brief:** a fox"
        assert labels(stored) == ["Show the brief", "Accept", "Decline"]
        assert [[b["label"] for b in r] for r in rows(stored)] == [["Show the brief"], ["Accept", "Decline"]]
        assert fake.refused == []


@pytest.mark.parametrize("why", REFUSED)
async def test_the_fake_discord_api_refuses_a_message_discord_would_refuse(why):
    with FakeDiscord() as fake:
        async with aiohttp.ClientSession(headers={"Authorization": f"Bot {fake.token}"}) as http:
            async with http.post(f"{fake.base_url}/channels/{fake.channel['id']}/messages",
                                 json=REFUSED[why]) as answer:
                assert answer.status == 400
                error = await answer.json()
        assert error["code"] == 50035 and error["message"] == "Invalid Form Body"
        assert fake.messages(fake.channel) == [] and len(fake.refused) == 1


async def test_the_fake_discord_api_keeps_the_v2_flag_through_edits_and_refuses_its_removal():
    with FakeDiscord() as fake:
        messages = f"{fake.base_url}/channels/{fake.channel['id']}/messages"
        async with aiohttp.ClientSession(headers={"Authorization": f"Bot {fake.token}"}) as http:
            async with http.post(messages, json=CARD) as answer:
                card = await answer.json()
            edited = {"components": [container(text("### Order #A1 — Logo"),
                                               row(button("o:A1:deliver:2", "Deliver")))]}
            async with http.patch(f"{messages}/{card['id']}", json=edited) as answer:
                assert answer.status == 200  # no flags in the body: the message keeps its own
            [stored] = fake.messages(fake.channel)
            assert stored["flags"] == V2 and labels(stored) == ["Deliver"]
            async with http.patch(f"{messages}/{card['id']}", json={"flags": 0, "content": "Plain words",
                                                                    "components": []}) as answer:
                assert answer.status == 400 and (await answer.json())["code"] == 50035
        assert labels(fake.messages(fake.channel)[0]) == ["Deliver"]  # unchanged


@pytest.mark.parametrize("why", REFUSED)
async def test_simcord_refuses_a_message_discord_would_refuse(tmp_path, why):
    async with discord_world(tmp_path) as world:
        route = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=world.channel.id)
        with pytest.raises(discord.HTTPException) as refused:
            await world.client.http.request(route, json=REFUSED[why])
        assert refused.value.status == 400 and refused.value.code == 50035
        assert world.channel.history() == []


async def test_simcord_keeps_a_cards_v2_flag_through_an_edit_and_refuses_words_in_its_place(tmp_path):
    async with discord_world(tmp_path) as world:
        channel = world.client.get_channel(world.channel.id)
        go = discord.ui.Button(label="Go", custom_id="a")
        card = await channel.send(view=layout([["### Order #A1 — Logo"]], [go]))
        assert card.flags.components_v2
        edited = await card.edit(view=layout([["### Order #A1 — Logo", "→ Deliver before the deadline."]]))
        assert edited.flags.components_v2 and "→ Deliver" in read(edited) and labels(edited) == []
        with pytest.raises(discord.HTTPException) as refused:
            await card.edit(content="Plain words", view=None)
        assert refused.value.status == 400 and refused.value.code == 50035
