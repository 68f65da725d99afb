"""The voucher of an expired order, as its buyer meets it on Telegram: offered with what it is worth and how it
is used, then taken off the next order at checkout."""

from datetime import timedelta

from core.model import Action, Viewer
from tests.e2e.telegram_shop import say, tap, text_of
from tests.e2e.telegram_world import LOGO, telegram_world
from tests.e2e.test_telegram_orders import ANA, BEN, paid_order, started


async def expired_order(world) -> str:
    """Ben's order, accepted by Ana and then left unfinished until it expires."""
    order_id = await paid_order(world, BEN)
    await world.rt.service.act(order_id, Action.ACCEPT, Viewer((await world.account(ANA)).id))
    world.clock.advance(timedelta(days=151))
    await world.settle()
    return order_id


async def test_the_buyer_of_an_expired_order_is_offered_a_voucher_and_their_next_order_is_paid_with_it(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, _ = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        order_id = await expired_order(world)
        told = await world.wait_reply(BEN, f"Order #{order_id} expired")
        assert ("You are offered a voucher instead: €120.00, taken off the price of your next orders at checkout, "
                "until 2027-07-31.") in text_of(told)

        page = await say(world, ben, "/start offer_logo", "A vector logo")
        step = await tap(world, ben, page, "Order now", "choose your options")
        step = await tap(world, ben, step, "Next", "The price is €120.00")
        await tap(world, ben, step, "No tip", "Send the brief")
        got = await say(world, ben, "A second fox", "Got it")
        summary = await tap(world, ben, got, "Done", "Total to pay: €0.00")
        assert "Total: €120.00\nYour vouchers: −€120.00\nTotal to pay: €0.00" in text_of(summary)
        placed = await tap(world, ben, summary, "Place the order", "Your vouchers paid for it: your order is placed.")
        assert "Cancel the order" in world.buttons(placed)
        ben_id = (await world.account(BEN)).id
        async with world.rt.store.unit_of_work(read_only=True) as uow:
            left = await uow.vouchers_of(ben_id)
            placed_orders = await uow.orders_of(ben_id, limit=10)
        assert left == []  # used up
        assert sorted(o.credit for o in placed_orders) == [0, 12_000]
        await world.settle()
        await world.wait_reply(ANA, "New order #")
        assert not world.fake.sent_to(900)  # nobody had a payment to confirm
