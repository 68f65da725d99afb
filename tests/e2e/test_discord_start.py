"""start_discord and stop_discord: the real discord.py client logs in to a fake Discord on loopback, syncs its
commands, answers people, rides out a dropped connection and stops cleanly."""

import discord
import pytest

from bots.config import Config, DiscordConfig
from bots.discord.app import start_discord, stop_discord
from tests.e2e.discord_desk import desk, fake_discord
from tests.fakes.discord_messages import read


async def test_the_bot_logs_in_syncs_its_commands_answers_a_slash_command_and_stops_cleanly(tmp_path):
    with fake_discord() as fake:
        async with desk(tmp_path / "comptoir.sqlite3", fake) as runtime:
            client = await start_discord(runtime)
            try:
                assert client.is_ready() and client.user.id == int(fake.bot["id"])
                assert client.get_channel(int(fake.channel["id"])).name == "orders"  # the server, from GUILD_CREATE
                [identify] = fake.identifies
                assert identify["intents"] == client.intents.value
                synced = {command["name"]: command for command in fake.commands[None]}
                assert {"orders", "order", "link", "language", "timezone"} <= set(synced)
                assert synced["orders"]["name_localizations"]["fr"] == "commandes"

                ben = fake.user("ben")
                asked = await fake.slash(ben, "orders", locale="fr")
                [answer] = await fake.wait_for(lambda: [a for a in fake.answers(asked) if a["components"]])
                assert fake.callbacks(asked)[0] == {"type": 5, "data": {"flags": 64}}  # private, "thinking…"
                assert read(answer).startswith("### Vos commandes — À traiter (0)")

                pressed = await fake.press(ben, answer, "x:orders:closed:0")
                await fake.wait_for(lambda: read(answer).startswith("### Vos commandes — Clôturée (0)"))
                assert fake.callbacks(pressed) == [{"type": 6}]  # the list itself was edited
            finally:
                await stop_discord(client)
            assert client.is_closed() and client.gateway.done() and client.gateway.exception() is None
            await fake.wait_for(lambda: fake.closes and not fake.connected, timeout=5)
            assert len(fake.closes) == 1  # the bot itself closed its one connection
            assert fake.unserved == []


async def test_a_dropped_connection_is_resumed_and_nothing_sent_meanwhile_is_lost(tmp_path):
    with fake_discord() as fake:
        async with desk(tmp_path / "comptoir.sqlite3", fake) as runtime:
            client = await start_discord(runtime)
            try:
                ben = fake.user("ben")
                await fake.drop()
                asked = await fake.slash(ben, "link")  # sent while the bot is away: replayed on RESUME
                [resumed] = await fake.wait_for(lambda: fake.resumes)
                assert resumed["session_id"] == client.ws.session_id and resumed["seq"] >= 2
                [answer] = await fake.wait_for(lambda: fake.answers(asked))
                assert answer["content"].startswith("Your code: ") and answer["flags"] & 64  # private
                assert len(fake.identifies) == 1  # resumed, not a new session
            finally:
                await stop_discord(client)


async def test_heartbeats_are_sent_at_the_pace_hello_asks_for(tmp_path):
    with fake_discord(heartbeat_interval=0.2) as fake:
        async with desk(tmp_path / "comptoir.sqlite3", fake) as runtime:
            client = await start_discord(runtime)
            try:
                await fake.wait_for(lambda: fake.heartbeats >= 4, timeout=5)
                assert client.latency < 1
            finally:
                await stop_discord(client)


async def test_a_bad_token_stops_the_start_with_discords_refusal(tmp_path):
    with fake_discord() as fake:
        async with desk(tmp_path / "comptoir.sqlite3", fake) as runtime:
            runtime.config = Config(database_url=runtime.config.database_url,
                                    discord=DiscordConfig(token="not-the-token", base_url=fake.base_url))
            with pytest.raises(discord.LoginFailure):
                await start_discord(runtime)
        assert fake.identifies == []


async def test_intents_the_portal_does_not_allow_stop_the_start_with_a_clear_error(tmp_path):
    with fake_discord(privileged_intents=False) as fake:
        async with desk(tmp_path / "comptoir.sqlite3", fake) as runtime:
            with pytest.raises(discord.PrivilegedIntentsRequired):
                await start_discord(runtime)
        assert len(fake.identifies) == 1
