"""Every message gets an answer on Telegram: unknown commands, bad arguments, a message too long for any order,
a second delivery of an update (and not a new update that happens to reuse an old id), the menus' hints."""

from datetime import timedelta

from sqlalchemy import func, select

from bots.telegram.app import ForgetSeenUpdates
from core.model import Action, Payload, Viewer
from tests.e2e.telegram_world import LOGO, telegram_world
from storage.tables import seen_updates
from tests.e2e.test_telegram_orders import ANA, BEN, paid_order, started


async def test_an_unknown_command_is_answered_with_what_the_bot_can_do(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, = await started(world, (BEN, "Ben", "en"))
        ben.send("/refund_me_now please")
        answer = await world.wait_reply(BEN, "I don't know the command /refund_me_now.")
        assert "/orders — your orders and what to do next" in answer["text"]


async def test_order_shows_a_card_by_its_number_and_says_how_to_use_it_otherwise(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "fr"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        ben.send(f"/order #{order_id}")
        card = await world.wait_reply(BEN, f"Order #{order_id} — Logo")
        assert "Edit the brief" in world.buttons(card)
        ben.send("/order abc")
        await world.wait_reply(BEN, "This order does not exist.")
        ana.send("/order")
        await world.wait_reply(ANA, "Utilisation : /order <numéro>")


async def test_a_message_too_long_for_any_order_is_refused_before_asking_which_order(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, _ = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        await paid_order(world, BEN)
        await paid_order(world, BEN, brief="A second fox")
        ben.send("x" * 4090)
        answer = await world.wait_reply(BEN, "This text is too long (4090 characters; the limit is 4000).")
        assert world.buttons(answer) == []
        assert not [m for m in world.fake.sent_to(BEN) if "Which order" in (m.get("text") or "")]


async def test_the_order_picker_names_the_other_party_and_the_day_of_each_order(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, _ = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        first = await paid_order(world, BEN)
        world.clock.advance(timedelta(days=1))
        second = await paid_order(world, BEN, brief="A second fox")
        ben.send("Hello!")
        picker = await world.wait_reply(BEN, "Which order is this message about?")
        assert world.buttons(picker)[:2] == [f"#{second} Logo · Ana · 03-03", f"#{first} Logo · Ana · 03-02"]


async def test_a_review_typed_while_the_order_completed_on_its_own_is_kept(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        seller = Viewer((await world.account(ANA)).id)
        await world.rt.service.act(order_id, Action.ACCEPT, seller)
        await world.rt.service.act(order_id, Action.DELIVER, seller, Payload(text="Here is your fox"))
        await world.settle()
        delivered = await world.wait_reply(BEN, "was delivered")
        ben.press(delivered, world.button(delivered, "Complete"))
        ask = await world.wait_reply(BEN, "Leave a review with it?")
        world.clock.advance(timedelta(days=8))  # meanwhile the review window closes the order without a review
        await world.settle()
        ben.press(ask, world.button(ask, "👍 Positive"))
        await world.wait_reply(BEN, "A few words about it")
        ben.send("Lovely fox")
        await world.wait_reply(BEN, "Review (positive): “Lovely fox”")
        order = await world.rt.service.order(order_id)
        assert order.review is not None and order.review.comment == "Lovely fox"


async def test_linking_to_discord_is_not_offered_where_the_marketplace_is_on_telegram_only(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, = await started(world, (BEN, "Ben", "en"))
        ben.send("/help")
        answer = await world.wait_reply(BEN, "/orders")
        assert "/link" not in answer["text"] and "Discord" not in answer["text"]
        ben.send("/link")
        await world.wait_reply(BEN, "I don't know the command /link.")


async def test_an_update_delivered_twice_is_handled_once_but_a_new_server_reusing_its_id_is_heard(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, = await started(world, (BEN, "Ben", "en"))
        world.fake.duplicate_next()
        ben.send("/orders")
        await world.wait_reply(BEN, "Your orders")
        await world.fake.wait_for(lambda: world.fake.pending_updates == 0)
        assert len([m for m in world.fake.sent_to(BEN) if "Your orders" in (m.get("text") or "")]) == 1

        world.fake.number_updates_from(500_000_001)  # a new Bot API server: ids this bot has handled already
        ben.send("/help")
        await world.wait_reply(BEN, "/orders — your orders")


async def test_handled_updates_are_forgotten_after_their_retention(tmp_path):
    async with telegram_world(tmp_path) as world:
        await started(world, (BEN, "Ben", "en"))

        async def kept() -> int:
            async with world.rt.store.engine.connect() as conn:
                return await conn.scalar(select(func.count()).select_from(seen_updates))

        forget = ForgetSeenUpdates(world.rt)
        assert await kept() >= 1
        await forget()
        assert await kept() >= 1  # still within a day
        world.clock.advance(timedelta(hours=25))
        await forget()
        assert await kept() == 0
