"""A marketplace on Discord for end-to-end tests: the real discord.py client against simcord's
simulated Discord (REST and gateway, in process), over a real SQLite file, with a clock the test moves."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import datetime, timezone

import discord
import simcord

from bots.config import Config, DiscordConfig
from bots.discord.app import build_client, plug
from bots.discord.routes import OrderButton
from bots.discord.cards import card_layout
from bots.runtime import build
from core.model import Offer, Option, Viewer
from core.ports import ManualClock
from tests.fakes.discord_messages import controls, labels, read

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
LOGO = Offer("logo", "", "Logo", "A vector logo", 12_000, "EUR", 3, (Option("source", "Source files", 3_000, 1),))
__all__ = ["LOGO", "T0", "World", "control", "discord_world", "labels", "more", "read"]


class World:
    def __init__(self, env: simcord.Env, runtime, shard_id: int | None = None) -> None:
        self.env = env
        self.rt = runtime
        self.clock = runtime.clock
        self.guild = env.create_guild("Marketplace", shard_id=shard_id)
        self.channel = self.guild.create_text_channel("orders")
        # the marketplace's moderators, by the role's id (and allowed to see the moderator commands)
        self.moderators = self.guild.create_role("Moderator", permissions=discord.Permissions(moderate_members=True))
        discord_config = replace(runtime.config.discord, guild_id=self.guild.id,
                                 moderator_role_ids=(self.moderators.id,))
        runtime.config = replace(runtime.config, discord=discord_config)

    @property
    def client(self) -> discord.Client:
        return self.env.bot

    def member(self, name: str, moderator: bool = False) -> simcord.MemberActor:
        return self.guild.add_member(self.env.create_user(name), roles=[self.moderators] if moderator else [])

    async def restart(self) -> None:
        """A new client (a new bot process, as far as Discord can tell) on the same database."""
        client = build_client(self.rt)
        self.rt.plug(plug(self.rt, client))
        await self.env.restart_bot(client)

    async def settle(self) -> None:
        """What the scheduler does in the background: due timers, then the outbox (DMs go out here)."""
        await self.rt.timekeeper.drain()
        await self.rt.relay.drain()
        await self.env.settle()

    async def account(self, member: simcord.MemberActor):
        async with self.rt.store.unit_of_work() as uow:
            return await uow.accounts.by_identity("discord", str(member.id))

    async def offer(self, seller: simcord.MemberActor, offer: Offer = LOGO) -> Offer:
        account = await self.account(seller)
        offer = Offer(offer.id, account.id, offer.title, offer.description, offer.price, offer.currency,
                      offer.delivery_days, offer.options, offer.revisions, offer.revision_days,
                      offer.contact_allowed, offer.active)
        async with self.rt.store.unit_of_work() as uow:
            await uow.save_offer(offer)
            await uow.commit()
        return offer

    async def paid_order(self, buyer: simcord.MemberActor, brief: str = "A fox for my bakery",
                         offer_id: str = "logo") -> str:
        account = await self.account(buyer)
        checkout = await self.rt.service.checkout(Viewer(account.id), "manual", offer_id=offer_id, brief=brief)
        placed = await self.rt.service.pay(checkout.id, checkout.amount, checkout.currency, f"test-{checkout.id}")
        await self.settle()
        return placed.order.id

    def dms(self, member: simcord.MemberActor) -> list[discord.Message]:
        """What the bot wrote to this person in private, oldest first."""
        return member.user.dm_channel.history()

    def last_dm(self, member: simcord.MemberActor, containing: str = "") -> discord.Message:
        for message in reversed(self.dms(member)):
            if containing in message.content or containing in read(message).partition("\n")[0]:  # words, a title
                return message
        raise AssertionError(f"no DM to {member.name} containing {containing!r}: "
                             f"{[m.content for m in self.dms(member)]}")

    def card(self, member: simcord.MemberActor, order_id: str) -> discord.Message:
        """The order's card in this person's DMs: the one message there that draws it (its title, its buttons)."""
        [card] = [m for m in self.dms(member) if f"#{order_id}" in read(m).partition("\n")[0] and not m.content]
        return card

    def now(self, message, where: simcord.ChannelHandle, viewer=None) -> discord.Message:
        """The message as Discord holds it now (after the bot edited it)."""
        return next(m for m in where.history(viewer=viewer) if m.id == message.id)

    async def post_card(self, order_id: str, member: simcord.MemberActor, extra: dict[str, str] | None = None):
        """An order's card in a server channel, where anyone could press it, sent through the bot's own
        client as a public card would be; `extra` adds buttons {label: custom id} no version of ours made.

        (simcord, like Discord's client, lets nobody press a button that is not on a message they can
        see: a stale, foreign or forged press needs such a message.)"""
        card = await self.rt.service.card(order_id, Viewer((await self.account(member)).id))
        view = card_layout(card, "en")
        if extra:  # a row of its own under the card's buttons
            [container] = view.children
            container.add_item(discord.ui.ActionRow(*(OrderButton(discord.ui.Button(label=label, custom_id=custom_id))
                                                      for label, custom_id in extra.items())))
        return await self.client.get_channel(self.channel.id).send(view=view)


async def more(world: World, member: simcord.MemberActor, card: discord.Message, where=None) -> discord.Message:
    """Presses "More…" on a card (the rarely needed actions are one tap further): the card as it is then."""
    await member.user.click(card, label="More…")
    await world.env.settle()
    return world.now(card, where or member.user.dm_channel, viewer=member)


def control(message: discord.Message, prefix: str) -> str:
    """The custom id of the message's one button or select whose id starts so (ids that carry a
    checkout's id, which a test does not know)."""
    [found] = [c["custom_id"] for c in controls(message) if (c.get("custom_id") or "").startswith(prefix)]
    return found


@contextlib.asynccontextmanager
async def discord_world(tmp_path, shard_id: int | None = None, **config):
    clock = ManualClock(T0)
    runtime = build(Config(database_url=f"sqlite+aiosqlite:///{tmp_path / 'comptoir.sqlite3'}",
                           discord=DiscordConfig(token="simulated", **config)), clock)
    await runtime.store.create_schema()
    client = build_client(runtime)
    runtime.plug(plug(runtime, client))
    try:
        async with simcord.run(client) as env:
            yield World(env, runtime, shard_id)
    finally:
        await runtime.store.close()
