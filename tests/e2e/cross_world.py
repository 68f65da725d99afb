"""One marketplace served on both platforms at once, for end-to-end tests: the real python-telegram-bot
Application polling the fake Bot API and the real discord.py client on simcord, over one runtime and
one SQLite file, with a clock the test moves."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace

import simcord

from bots.config import Config, DiscordConfig, TelegramConfig
from bots.discord.app import build_client, plug
from bots.runtime import build
from core.ports import ManualClock
from tests.e2e import discord_world, telegram_world
from tests.fakes.telegram_api import FakeTelegram


@dataclass
class Both:
    telegram: telegram_world.World
    discord: discord_world.World

    @property
    def rt(self):
        return self.discord.rt

    async def settle(self) -> None:
        """Due timers, then the outbox to both platforms, then whatever Discord does with it."""
        await self.discord.settle()


@contextlib.asynccontextmanager
async def cross_world(tmp_path):
    clock = ManualClock(telegram_world.T0)
    async with FakeTelegram() as fake:
        config = Config(database_url=f"sqlite+aiosqlite:///{tmp_path / 'comptoir.sqlite3'}",
                        telegram=TelegramConfig(token=fake.token, payment="manual"),
                        discord=DiscordConfig(token="simulated"))
        runtime = build(config, clock)
        await runtime.store.create_schema()
        on_telegram = telegram_world.World(fake, runtime, None)
        client = build_client(runtime)
        runtime.plug(plug(runtime, client))
        try:
            await on_telegram.launch()
            async with simcord.run(client) as env:
                on_discord = discord_world.World(env, runtime)
                runtime.config = replace(runtime.config, discord=replace(
                    runtime.config.discord, marketplace_channel_id=on_discord.channel.id))
                yield Both(on_telegram, on_discord)
        finally:
            await on_telegram.halt()
            await runtime.store.close()
