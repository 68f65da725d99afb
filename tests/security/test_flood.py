"""Per-person limits: a flood of messages or presses is cut at the configured limit before any work is done for it,
the flooder is told once how long to wait, and nobody else is limited by it. Replayed through python-telegram-bot
on the fake Bot API and discord.py on simcord (the clock stands still: a burst is one instant)."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.telegram_shop import started, text_of
from tests.e2e.telegram_world import LOGO, telegram_world
from tests.e2e.test_discord_orders import met
from tests.e2e.test_discord_rooms import chat_of, room_of, room_world
from tests.e2e.test_telegram_moderation import ask
from tests.e2e.test_telegram_orders import paid_order

BEN, ANA = 100, 200
LIMIT = 20  # limits.messages, per minute: one more every 3 s
TOO_FAST = "You are writing faster than the marketplace allows"


async def messages_of(world, order_id: str) -> list[str]:
    async with world.rt.store.unit_of_work() as uow:
        return [m.text for m in await uow.messages(order_id)]


async def test_two_hundred_messages_at_once_relay_twenty_and_the_flooder_is_told_once_how_long_to_wait(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        for n in range(200):
            ben.send(f"Message {n}, mail me at ben{n}@example.com")
        await world.fake.wait_for(lambda: sum(TOO_FAST in text_of(m) for m in world.fake.sent_to(BEN)) == 1)
        await ask(world, ben, "/help", "/orders")  # every message of the burst was handled before this one
        assert len(await messages_of(world, order_id)) == LIMIT
        told = [text_of(m) for m in world.fake.sent_to(BEN) if TOO_FAST in text_of(m)]
        assert told == [f"{TOO_FAST}: what you send in the next 3 s will not be delivered. Wait, then send it again."]
        assert sum("Sent to order" in text_of(m) for m in world.fake.sent_to(BEN)) == LIMIT
        await world.settle()
        assert sum("Message from the buyer" in text_of(m) for m in world.fake.sent_to(ANA)) == LIMIT

        world.clock.advance(timedelta(seconds=3))  # one more every three seconds
        await ask(world, ben, "And one more", f"Sent to order #{order_id}")
        assert len(await messages_of(world, order_id)) == LIMIT + 1


async def test_one_persons_flood_leaves_the_other_party_free_to_write(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        for n in range(LIMIT + 5):
            ben.send(f"Spam {n}")
        await world.fake.wait_for(lambda: any(TOO_FAST in text_of(m) for m in world.fake.sent_to(BEN)))
        await ask(world, ana, "Please slow down, Ben", f"Sent to order #{order_id}")
        assert (await messages_of(world, order_id))[-1] == "Please slow down, Ben"


async def test_a_burst_of_presses_is_answered_with_the_time_to_wait_and_changes_nothing(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        card = await world.wait_reply(ANA, f"#{order_id}")
        version = (await world.rt.service.order(order_id)).version
        presses = [ana.press(card, f"o:{order_id}:decline:{version + 7}", check=False) for _ in range(60)]  # and /start: 61
        answers = [await world.fake.wait_for(lambda q=q: world.fake.answer_for(q)) for q in presses]
        refused = [a.text for a in answers if a.text and a.text.startswith("Too many presses")]
        assert refused == ["Too many presses at once: try again in 1 s."]
        assert (await world.rt.service.order(order_id)).version == version  # the stale declines changed nothing


async def test_a_flood_in_a_discord_room_is_taken_down_past_the_limit_so_nothing_unmasked_stays(tmp_path):
    async with room_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        room = room_of(world)
        sent = [await ben.send(room, f"Spam {n}") for n in range(LIMIT)]
        past = await ben.send(room, "And now mail me at ben.private@gmail.com")
        visible = {m.id for m in room.history()}
        assert past.id not in visible and all(m.id in visible for m in sent)
        assert [m.content for m in room.history() if TOO_FAST in m.content] == [
            f"{ben.mention} {TOO_FAST}: what you send in the next 3 s will not be delivered. Wait, then send it again."]
        assert len(await chat_of(world, order_id)) == LIMIT


async def test_a_persons_quick_messages_are_kept_and_relayed_in_the_order_they_were_written(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        for n in range(8):
            ben.send(f"Part {n} of my idea")
        await world.fake.wait_for(lambda: sum("Sent to order" in text_of(m) for m in world.fake.sent_to(BEN)) == 8)
        assert await messages_of(world, order_id) == [f"Part {n} of my idea" for n in range(8)]
