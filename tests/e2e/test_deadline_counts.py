"""A deadline firing into a notice on each platform, counted: what the database is asked to fire it, then to send
the two notices (the buyer's on Telegram, the seller's on Discord, with the Discord order room kept in step)."""

from datetime import timedelta

from core.model import Action, Viewer
from tests.counting import Counted
from tests.e2e.cross_world import cross_world
from tests.e2e.telegram_shop import started
from tests.e2e.test_discord_orders import met

BEN = 100  # the buyer, on Telegram


async def test_a_late_order_fires_in_two_writes_and_its_two_notices_read_the_order_once_for_their_batch(tmp_path):
    async with cross_world(tmp_path) as world:
        tg, dc, rt = world.telegram, world.discord, world.rt
        await started(tg, (BEN, "Ben", "en"))
        ana, = await met(dc, "ana")
        await dc.offer(ana)
        buyer, seller = await tg.account(BEN), await dc.account(ana)
        checkout = await rt.service.checkout(Viewer(buyer.id), "manual", offer_id="logo", brief="A fox")
        placed = await rt.service.pay(checkout.id, checkout.amount, checkout.currency, f"test-{checkout.id}")
        order_id = placed.order.id
        await rt.service.act(order_id, Action.ACCEPT, Viewer(seller.id))
        await world.settle()
        rt.clock.advance(timedelta(days=3) - timedelta(minutes=1))  # the reminders before the deadline go first
        await world.settle()
        rt.clock.advance(timedelta(minutes=2))

        with Counted(rt.store.engine) as firing:
            assert await rt.timekeeper.drain() == 1
        with Counted(rt.store.engine) as sending:
            assert await rt.relay.drain() == 2
        await dc.env.settle()

        assert (await rt.service.order(order_id)).late
        await tg.wait_reply(BEN, f"Order #{order_id} is late")
        assert f"Order #{order_id} is late" in dc.last_dm(ana, "is late").content
        # fired: the timers claimed, then the batch (the orders read and locked in one query); the third is the
        # availability's look at waiting visitors, a read
        assert (firing.transactions, firing.writers, firing.order_reads) == (3, 2, 1)
        # sent: the batch claimed (a), its recipients and orders read together (b); then per notice 8 (was 10):
        # was it sent, the card remembered, the older cards read and retired, sent, and the room keeper's 3 reads
        # of the room (its parties, its thread, its members) — and no read of the order (was 2 per notice: the
        # card under it, the room keeper's)
        assert (sending.transactions, sending.order_reads) == (2 + 2 * 8, 1)
