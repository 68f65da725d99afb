"""One winner for every paid thing: a custom offer paid twice at the same moment places one order, and the Stars of
the other payment go back. Replayed through python-telegram-bot on two processes' worth of bots (two Applications,
two runtimes, each behind its own fake Bot API, as behind a webhook's load balancer) sharing one PostgreSQL
database: the buyer's two payments arrive one at each, at once.

PostgreSQL only: on SQLite one process writes at a time by design (and the two runtimes of one test process would
wait for each other's write lock on one event loop). The same race on one process, for both databases, is in
tests/integration/test_one_winner.py.
"""

from __future__ import annotations

import contextlib
import itertools
from datetime import datetime, timezone

import pytest

from bots.config import Config, TelegramConfig
from bots.runtime import build
from bots.telegram.payments import StarsRefunder
from core.model import Offer, Viewer
from core.ports import ManualClock
from tests.e2e.telegram_world import World
from tests.fakes.telegram_api import FakeTelegram
from tests.integration.conftest import POSTGRES_URL, reset

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="two processes on one database: set COMPTOIR_TEST_DATABASE_URL"),
]

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
BEN, ANA = 100, 200


@contextlib.asynccontextmanager
async def two_processes():
    await reset(POSTGRES_URL)
    async with FakeTelegram() as first, FakeTelegram() as second:
        # one bot's update, query and message ids, whichever process Telegram hands them to: Telegram never repeats one,
        # and a repeated id is a delivery seen twice (bots.telegram.app.update_key)
        second._next_update_id += 1_000_000
        second._query_counter = itertools.count(1_000_000)
        second.first_message_id = 1_000_000
        worlds = []
        for fake in (first, second):
            config = Config(database_url=POSTGRES_URL,
                            telegram=TelegramConfig(token=fake.token, payment="stars"))
            runtime = build(config, ManualClock(T0))
            worlds.append(World(fake, runtime, None))
        await worlds[0].rt.store.create_schema()
        try:
            for world in worlds:
                await world.launch()
            yield worlds
        finally:
            for world in worlds:
                await world.halt()
                await world.rt.store.close()


async def test_a_custom_offer_paid_twice_at_the_same_moment_on_two_processes_places_one_order(tmp_path):
    async with two_processes() as (one, other):
        for user_id, name in ((BEN, "Ben"), (ANA, "Ana")):
            one.fake.user(user_id, name, language_code="en").send("/start")
            await one.wait_reply(user_id, "")
        seller = await one.account(ANA)
        async with one.rt.store.unit_of_work() as uow:
            await uow.save_offer(Offer("logo-xtr", seller.id, "A logo", "A vector logo", 1_000, "XTR", 3))
            await uow.commit()
        buyer = Viewer((await one.account(BEN)).id)
        discussion = await one.rt.storefront.ask("logo-xtr", buyer, "A fox?")
        custom = await one.rt.storefront.send_custom_offer(discussion.id, Viewer(seller.id), title="A fox logo",
                                                           description="Two colours", price=900, delivery_days=4)
        checkouts = [await one.rt.service.checkout(buyer, "stars", custom_offer_id=custom.id) for _ in range(2)]

        # the same buyer pays both invoices at once; each payment reaches another process
        charges = [world.fake.user(BEN, "Ben", language_code="en").pay(c.id, total_amount=c.amount)
                   for world, c in zip((one, other), checkouts, strict=True)]
        await one.fake.wait_for(lambda: one.fake.payment(charges[0]) and other.fake.payment(charges[1]), timeout=10)
        placed = await one.fake.wait_for(lambda: [w for w in (one, other) if any(
            "Paid: your order is placed." in (m.get("text") or "") for m in w.fake.sent_to(BEN))], timeout=10)

        async with one.rt.store.unit_of_work() as uow:
            found = await uow.orders_of(buyer.account)
            paid = await uow.custom_offer(custom.id)
        assert [o.offer_id for o in found] == [custom.id]  # one order, not two
        assert paid.order_id == found[0].id
        [winner] = placed
        loser = other if winner is one else one
        await loser.settle()
        assert await StarsRefunder(loser.app.bot, loser.rt).drain() == 1  # the other payment's Stars go back
        lost_charge = charges[1] if loser is other else charges[0]
        assert [r["telegram_payment_charge_id"] for r in loser.fake.refunds] == [lost_charge]
