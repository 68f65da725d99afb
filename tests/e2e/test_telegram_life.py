"""Telegram over time: reminders with working buttons, relayed files, restarts, Telegram's limits."""

from datetime import timedelta

from core.model import Stage
from tests.e2e.telegram_world import LOGO, telegram_world
from tests.e2e.test_telegram_orders import ANA, BEN, paid_order, started


async def accepted_order(world, ana) -> tuple[str, dict]:
    order_id = await paid_order(world, BEN)
    card = await world.wait_reply(ANA, f"#{order_id}")
    ana.press(card, world.button(card, "Accept"))
    await world.fake.wait_for(lambda: "Deliver" in world.buttons(world.fake.message(ANA, card["message_id"])))
    await world.settle()
    return order_id, card


async def test_a_reminder_arrives_with_buttons_that_work(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        world.clock.advance(timedelta(hours=24))
        await world.settle()
        reminder = await world.wait_reply(ANA, "Reminder: order")
        assert world.buttons(reminder) == ["Accept", "Decline", "Show the brief"]
        ana.press(reminder, world.button(reminder, "Accept"))
        await world.fake.wait_for(lambda: "Deliver" in world.buttons(world.fake.message(ANA, reminder["message_id"])))
        assert (await world.rt.service.order(order_id)).stage is Stage.IN_PROGRESS


async def test_a_newer_card_takes_the_buttons_off_the_older_ones(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        first = await world.wait_reply(ANA, f"#{order_id}")
        world.clock.advance(timedelta(hours=24))
        await world.settle()
        await world.wait_reply(ANA, "Reminder: order")
        await world.fake.wait_for(lambda: world.buttons(world.fake.message(ANA, first["message_id"])) == [])


async def test_a_file_in_the_chat_is_relayed_to_the_other_party_and_kept_as_evidence(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        order_id, _ = await accepted_order(world, ana)
        ben.send_document("sketch.png", b"\x89PNG fake sketch", caption="My sketch")
        await world.wait_reply(BEN, "Sent to order")
        await world.settle()
        await world.wait_reply(ANA, "My sketch")
        document = await world.fake.wait_for(
            lambda: next((m for m in world.fake.sent_to(ANA) if m.get("document")), None))
        assert world.fake.file_content(document["document"]["file_id"]) == b"\x89PNG fake sketch"
        async with world.rt.store.unit_of_work() as uow:
            [message] = await uow.messages(order_id)
        assert message.text == "My sketch" and message.files[0].startswith("tg:doc:")


async def test_a_reply_to_a_relayed_message_goes_to_that_order_when_there_are_several(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        first, _ = await accepted_order(world, ana)
        second, _ = await accepted_order(world, ana)
        ben.send("Which one is this?")
        question = await world.wait_reply(BEN, "Which order is this message about?")
        ben.press(question, world.button(question, f"#{first} Logo · Ana · 03-02"))
        await world.wait_reply(BEN, f"Sent to order #{first}")
        await world.settle()
        relayed = await world.wait_reply(ANA, "Which one is this?")
        ana.reply_to(relayed, "The first one!")
        await world.wait_reply(ANA, f"Sent to order #{first}")
        async with world.rt.store.unit_of_work() as uow:
            assert [m.text for m in await uow.messages(first)] == ["Which one is this?", "The first one!"]
            assert await uow.messages(second) == []


async def test_a_restart_in_the_middle_of_a_dialog_picks_it_up_where_it_was(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        order_id, card = await accepted_order(world, ana)
        card = world.fake.message(ANA, card["message_id"])
        ana.press(card, world.button(card, "Deliver"))
        await world.wait_reply(ANA, "Send your delivery")
        ana.send("Here is the logo")
        await world.wait_reply(ANA, "Got it")
        await world.restart()  # a new Application on the same database, as after a crash
        ana.send_document("logo.svg", b"<svg/>")
        await world.fake.wait_for(lambda: len([m for m in world.fake.sent_to(ANA) if "Got it" in m.get("text", "")]) == 2)
        done = world.fake.last_message(ANA)
        ana.press(done, world.button(done, "Done"))
        await world.wait_reply(ANA, "5/7 Delivery")
        order = await world.rt.service.order(order_id)
        assert order.deliveries[0].message == "Here is the logo" and len(order.deliveries[0].files) == 1


async def test_bursts_of_notifications_respect_telegrams_limits_and_none_is_lost(tmp_path):
    async with telegram_world(tmp_path, rate_limits_enabled=True) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        ids = [await paid_order(world, BEN) for _ in range(4)]  # four notices for Ana at once
        for _ in range(20):  # the scheduler's polls, a second apart
            await world.settle()
            if all(any(f"#{i}" in (m.get("text") or "") for m in world.fake.sent_to(ANA)) for i in ids):
                break
            world.clock.advance(timedelta(seconds=1))
        for order_id in ids:
            assert sum(f"New order #{order_id}" in (m.get("text") or "") for m in world.fake.sent_to(ANA)) == 1
        assert world.fake.rate_limited == 0  # paced, so Telegram never had to say "too many requests"
