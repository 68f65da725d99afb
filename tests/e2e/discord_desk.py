"""The real discord.py client against the fake Discord on loopback (tests/fakes/discord_api.py), over SQLite."""

from __future__ import annotations

import contextlib
from pathlib import Path

from discord.gateway import DiscordWebSocket
from discord.http import Route

from bots.config import Config, DiscordConfig
from bots.runtime import Runtime, build
from tests.fakes.discord_api import FakeDiscord

__all__ = ["desk", "fake_discord"]


@contextlib.contextmanager
def fake_discord(**options):
    """A fake Discord; after it, discord.py's class-level API and gateway addresses, which start_discord
    points at it, are put back."""
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    try:
        with FakeDiscord(**options) as fake:
            yield fake
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@contextlib.asynccontextmanager
async def desk(database: Path, fake: FakeDiscord, **config):
    """A runtime on this SQLite file (migrated) whose Discord is the fake; a process of its own, as far as
    the database and the fake can tell."""
    runtime: Runtime = build(Config(database_url=f"sqlite+aiosqlite:///{database}",
                                    discord=DiscordConfig(token=fake.token, base_url=fake.base_url, **config)))
    await runtime.store.migrate()
    try:
        yield runtime
    finally:
        await runtime.store.close()
