"""Notices by DM on Discord: what the relay is told when Discord says wait, or will never deliver; shards."""

from datetime import timedelta

import discord
import pytest

from bots.config import Config, DiscordConfig
from bots.discord.app import ShardedDeskClient, build_client
from bots.runtime import build
from core.i18n import Text
from core.model import Role, Stage
from core.ports import Outgoing, RetryLater, Undeliverable
from tests.e2e.discord_world import discord_world, labels
from tests.e2e.test_discord_orders import met


def notice_for(member, account_id: str) -> Outgoing:
    return Outgoing("test:1", "discord", str(member.id), account_id, "en", "UTC", None, Role.SELLER,
                    Text.of("Order #{order} was cancelled. The buyer is refunded in full.", order="X"), with_card=False)


async def test_a_rate_limited_dm_is_handed_back_to_the_relay_to_retry_later(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, = await met(world, "ana")
        account = await world.account(ana)
        world.env.inject_error("POST", "/channels/*/messages", status=429, message="You are being rate limited.")
        with pytest.raises(RetryLater):
            await world.rt.relay.notifiers["discord"].send(notice_for(ana, account.id))
        world.env.inject_error("POST", "/channels/*/messages", status=502, message="Bad Gateway")
        with pytest.raises(RetryLater):
            await world.rt.relay.notifiers["discord"].send(notice_for(ana, account.id))
        sent = await world.rt.relay.notifiers["discord"].send(notice_for(ana, account.id))
        assert world.last_dm(ana, "was cancelled").id == int(sent)


async def test_closed_dms_are_undeliverable_and_the_relay_gives_up_on_them_alone(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        account = await world.account(ana)
        world.env.inject_error("POST", "/channels/*/messages", status=403, code=50007,
                               message="Cannot send messages to this user")
        with pytest.raises(Undeliverable):
            await world.rt.relay.notifiers["discord"].send(notice_for(ana, account.id))
        await world.offer(ana)
        world.env.inject_error("POST", "/channels/*/messages", status=403, code=50007,
                               message="Cannot send messages to this user")
        order_id = await world.paid_order(ben)  # the seller's notice hits the closed DMs
        assert world.dms(ana) == []
        world.clock.advance(timedelta(hours=1))
        await world.settle()
        assert world.dms(ana) == []  # given up on: a retry would have gone through by now
        assert (await world.rt.service.order(order_id)).stage is Stage.PENDING


async def test_a_sharded_bot_serves_a_server_on_its_second_shard(tmp_path):
    async with discord_world(tmp_path, shard_id=1, shard_count=2) as world:
        assert isinstance(world.client, discord.AutoShardedClient) and world.client.shard_count == 2
        assert world.client.get_guild(world.guild.id).shard_id == 1
        ana, ben = await met(world, "ana", "ben")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        card = world.card(ana, order_id)
        await ana.user.click(card, label="Accept")
        assert "Deliver" in labels(world.now(card, ana.user.dm_channel))


def test_only_the_process_running_shard_0_syncs_the_commands(tmp_path):
    def client(**shards):
        return build_client(build(Config(database_url=f"sqlite+aiosqlite:///{tmp_path / 'c.sqlite3'}",
                                         discord=DiscordConfig(token="t", **shards))))

    assert not isinstance(client(), ShardedDeskClient)
    assert client(shard_count=4, shard_ids=(0, 1)).sync_commands
    assert not client(shard_count=4, shard_ids=(2, 3)).sync_commands
