"""The marketplace one play of a road needs: the real bot of each platform someone is on, one runtime and one
SQLite file behind them, the clock of bots.roads, and the cast already there (they opened the bot, chose
their language and time zone) with the road's offer published.

Telegram is python-telegram-bot polling the fake Bot API (tests/fakes/telegram_api.py); Discord is discord.py
on simcord. Only the platforms someone of the cast is on are configured, as a marketplace would be.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from pathlib import Path

import simcord
from telegram import Update
from telegram.ext import TypeHandler

from bots.config import Config, DiscordConfig, PaymentConfig, TelegramConfig
from bots.discord.app import build_client
from bots.discord.app import plug as discord_plug
from bots.roads import PEOPLE, START, Person, Road
from bots.runtime import Runtime, build
from core.ports import ManualClock
from core.people import Account
from tests.e2e import discord_world, telegram_world
from tests.fakes.telegram_api import FakeTelegram, SimUser

#: how the marketplace's buyers pay by hand, as config.example.toml and the guides set it
INSTRUCTIONS = PaymentConfig((("en", "Bank transfer to IBAN FR76 1234 5678 9012 (Comptoir Market)."),
                              ("fr", "Virement sur l'IBAN FR76 1234 5678 9012 (Comptoir Market).")))
#: Telegram user ids of the people of bots.roads (a private chat's id is its user's)
TELEGRAM_IDS = {key: 1001 + number for number, key in enumerate(PEOPLE)}
LAST_GROUP = 99  # a handler group after every handler of the bot's
HANDLING = 30.0  # seconds the bot may take over one update (far more than it does, on a busy machine)


@dataclass
class Member:
    """A person of the cast as this play has them: on one platform, with their account."""

    person: Person
    platform: str
    lang: str
    account: Account | None = None
    telegram: SimUser | None = None
    discord: simcord.MemberActor | None = None

    @property
    def name(self) -> str:
        return self.person.name


class TelegramSide:
    """The Telegram bot of this play; `handled` says when the bot is done with what someone just did."""

    def __init__(self, fake: FakeTelegram, runtime: Runtime) -> None:
        self.fake = fake
        self.world = telegram_world.World(fake, runtime, None)
        self.done: set[int] = set()

    async def launch(self) -> None:
        await self.world.launch()

        async def mark(update: Update, _context) -> None:
            self.done.add(update.update_id)

        self.world.app.add_handler(TypeHandler(Update, mark), group=LAST_GROUP)

    async def handled(self) -> None:
        """Waits until the bot handled the last update a person caused (every handler of it returned)."""
        update_id = self.fake.updates[-1]["update_id"]
        await self.fake.wait_for(lambda: update_id in self.done, timeout=HANDLING, what=f"update {update_id} handled")


class DiscordSide:
    def __init__(self, env: simcord.Env, runtime: Runtime) -> None:
        self.world = discord_world.World(env, runtime)
        self.env = env


@dataclass
class Stage:
    road: Road
    lang: str
    rt: Runtime
    clock: ManualClock
    cast: dict[str, Member]
    telegram: TelegramSide | None = None
    discord: DiscordSide | None = None

    async def settle(self) -> None:
        """What the running bot does in the background: due timers, then the outbox, (on a road that shows them)
        the Today cards and the morning digests, sent through the outbox too, then Discord's echoes."""
        await self.rt.timekeeper.drain()
        await self.rt.relay.drain()
        if self.road.today:
            await self.rt.today_poll()
            await self.rt.relay.drain()
        if self.discord is not None:
            await self.discord.env.settle()

    async def prologue(self) -> None:
        """Everyone opens the bot and sets their language and time zone; the road's offer is published."""
        for member in self.cast.values():
            if member.platform == "telegram":
                await self._telegram_newcomer(member)
            else:
                await self._discord_newcomer(member)
            async with self.rt.store.unit_of_work() as uow:
                external = str(member.telegram.id if member.telegram else member.discord.id)
                member.account = await uow.accounts.by_identity(member.platform, external)
        offer = self.road.offer
        async with self.rt.store.unit_of_work() as uow:
            await uow.save_offer(replace(offer, seller=self.cast[offer.seller].account.id))
            await uow.commit()
        await self.settle()

    async def _telegram_newcomer(self, member: Member) -> None:
        tg = self.telegram
        member.telegram = tg.fake.user(TELEGRAM_IDS[member.person.key], member.name, language_code=member.lang)
        for text in ("/start", f"/timezone {member.person.timezone}"):
            member.telegram.send(text)
            await tg.handled()

    async def _discord_newcomer(self, member: Member) -> None:
        dc = self.discord.world
        member.discord = dc.member(member.name, moderator=member.person.moderator)
        await member.discord.slash(dc.channel, "timezone", zone=member.person.timezone)
        await member.discord.slash(dc.channel, "language", language=member.lang)


@contextlib.asynccontextmanager
async def stage(road: Road, platforms: dict[str, str], lang: str, folder: Path):
    """One play of the road: `platforms` says where each person of the cast is."""
    clock = ManualClock(START)
    cast = {key: Member(PEOPLE[key], platforms[key], lang) for key in road.cast}
    on = set(platforms.values())
    async with contextlib.AsyncExitStack() as stack:
        fake = await stack.enter_async_context(FakeTelegram(topics_enabled=road.topics)) if "telegram" in on else None
        moderators = tuple(TELEGRAM_IDS[key] for key, m in cast.items() if m.person.moderator)
        config = Config(
            database_url=f"sqlite+aiosqlite:///{folder / 'comptoir.sqlite3'}", payment=INSTRUCTIONS,
            telegram=TelegramConfig(token=fake.token, moderators=moderators, payment="manual") if fake else
            TelegramConfig(),
            discord=DiscordConfig(token="simulated") if "discord" in on else DiscordConfig())
        rt = build(config, clock)
        rt.service.ids = road.ids()  # order and payment numbers the same on every run
        await rt.store.create_schema()
        stack.push_async_callback(rt.store.close)
        played = Stage(road, lang, rt, clock, cast)
        if fake is not None:
            played.telegram = TelegramSide(fake, rt)
            await played.telegram.launch()
            stack.push_async_callback(played.telegram.world.halt)
        if "discord" in on:
            client = build_client(rt)
            rt.plug(discord_plug(rt, client))
            env = await stack.enter_async_context(simcord.run(client))
            played.discord = DiscordSide(env, rt)
            rt.config = replace(rt.config, discord=replace(rt.config.discord,
                                                           marketplace_channel_id=played.discord.world.channel.id))
        await played.prologue()
        yield played

