"""Two bot processes (shards 0 and 1 of 2) on one database: the database decides which one opens an order's
room; the other uses that room. Two runtimes on one SQLite file, each with its own real discord.py client
connected as its shard, one fake Discord whose thread creation is slow enough for both to try at once."""

import asyncio
import contextlib

import discord
import pytest

from bots.discord.app import start_discord, stop_discord
from core.model import Offer, Viewer
from tests.e2e.discord_desk import desk, fake_discord

OPEN_THREAD = "POST /channels/{channel_id}/threads"


@contextlib.asynccontextmanager
async def two_processes(tmp_path, fake):
    database, channel = tmp_path / "comptoir.sqlite3", int(fake.channel["id"])
    async with desk(database, fake, marketplace_channel_id=channel, shard_count=2, shard_ids=(0,)) as one, \
            desk(database, fake, marketplace_channel_id=channel, shard_count=2, shard_ids=(1,)) as other:
        clients = await asyncio.gather(start_discord(one), start_discord(other))
        assert sorted(identify["shard"] for identify in fake.identifies) == [[0, 2], [1, 2]]
        assert [call.route for call in fake.requests].count("PUT /applications/{app}/commands") == 1  # shard 0
        assert [client.get_guild(int(fake.guild["id"])) is not None for client in clients].count(True) == 1
        try:
            yield clients
        finally:
            await asyncio.gather(*(stop_discord(client) for client in clients))


async def placed_order(runtime, ana: dict, ben: dict) -> str:
    async with runtime.store.unit_of_work() as uow:
        seller = await uow.accounts.ensure("discord", ana["id"], name="Ana", chat_id=ana["id"])
        buyer = await uow.accounts.ensure("discord", ben["id"], name="Ben", chat_id=ben["id"])
        await uow.save_offer(Offer("logo", seller.id, "Logo", "A vector logo", 12_000, "EUR", 3))
        await uow.commit()
    checkout = await runtime.service.checkout(Viewer(buyer.id), "manual", offer_id="logo", brief="A fox")
    return (await runtime.service.pay(checkout.id, checkout.amount, checkout.currency, "transfer-1")).order.id


def welcomes(fake, thread: dict) -> list[dict]:
    return [m for m in fake.messages(thread) if "this private room is for the buyer" in m["content"]]


async def test_two_processes_syncing_one_order_at_once_open_one_room_and_both_use_it(tmp_path):
    with fake_discord() as fake:
        fake.delays[OPEN_THREAD] = 0.5  # both have asked before Discord answers the first
        ana, ben = fake.user("ana"), fake.user("ben")
        async with two_processes(tmp_path, fake) as (one, other):
            order_id = await placed_order(one.runtime, ana, ben)
            order = await one.runtime.service.order(order_id)  # as a notice's batch reads it
            await asyncio.gather(one.rooms.sync(order), other.rooms.sync(order))

            [room] = fake.threads
            assert [call.route for call in fake.requests].count(OPEN_THREAD) == 1
            assert await one.rooms.room_of(order_id) == await other.rooms.room_of(order_id) == int(room["id"])
            assert {ana["id"], ben["id"]} <= set(fake.thread_members[room["id"]])
            assert len(welcomes(fake, room)) == 1


async def test_when_opening_the_room_fails_the_claim_is_released_and_the_next_notice_opens_it(tmp_path):
    with fake_discord() as fake:
        fake.fail(OPEN_THREAD, 403, 50013, "Missing Permissions")
        ana, ben = fake.user("ana"), fake.user("ben")
        async with two_processes(tmp_path, fake) as (one, other):
            order_id = await placed_order(one.runtime, ana, ben)
            order = await one.runtime.service.order(order_id)  # as a notice's batch reads it
            with pytest.raises(discord.Forbidden):
                await one.rooms.sync(order)
            assert fake.threads == []

            await other.rooms.sync(order)  # not kept waiting for a room that will never come
            [room] = fake.threads
            assert await one.rooms.room_of(order_id) == int(room["id"])
