"""Private chats only on Telegram: in a group the bot answers a command with one button to its private chat and
never lists orders, sends evidence, links accounts or routes notices there. Replayed through python-telegram-bot
on the fake Bot API, with the bot a member of a supergroup where its users also talk."""

from __future__ import annotations

from tests.e2e.telegram_shop import started, text_of
from tests.e2e.telegram_world import LOGO, MODERATOR_ID, telegram_world
from tests.e2e.test_telegram_moderation import ask
from tests.e2e.test_telegram_orders import paid_order

BEN, ANA = 100, 200
GROUP = -100_123_456


async def in_group(world, user, text: str) -> list[dict]:
    """What the bot posted in the group once this person wrote there, and the bot answered what they sent it in
    private right after (updates are handled in the order they come)."""
    before = len(world.fake.sent_to(GROUP))
    user.send(text, chat_id=GROUP)
    await ask(world, user, "/help", "/orders")
    await world.settle()
    return world.fake.sent_to(GROUP)[before:]


def the_private_chat_button(world, posted: list[dict]) -> None:
    [answer] = posted
    assert text_of(answer).startswith("I work only in a private chat with you")
    [[button]] = answer["reply_markup"]["inline_keyboard"]
    assert button["url"] == f"https://t.me/{world.fake.bot_user['username']}"


async def shop(world):
    ben, ana, mo = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"), (MODERATOR_ID, "Mo", "en"))
    world.fake.add_chat(GROUP, "Designers' lounge")
    await world.offer(ANA, LOGO)
    order_id = await paid_order(world, BEN)
    return ben, ana, mo, order_id


async def test_orders_in_a_group_lists_nothing_there_and_offers_the_private_chat(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, _, _, order_id = await shop(world)
        privately = len(world.fake.sent_to(BEN))
        posted = await in_group(world, ben, "/orders")
        the_private_chat_button(world, posted)
        assert order_id not in str(posted)
        assert [text_of(m) for m in world.fake.sent_to(BEN)[privately:] if order_id in text_of(m)] == []


async def test_evidence_in_a_group_sends_no_bundle_there(tmp_path):
    async with telegram_world(tmp_path) as world:
        _, _, mo, order_id = await shop(world)
        posted = await in_group(world, mo, f"/evidence {order_id}")
        the_private_chat_button(world, posted)
        assert not any("document" in message for message in world.fake.sent_to(GROUP))


async def test_link_in_a_group_neither_links_nor_moves_a_sellers_notices_there(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana, _, order_id = await shop(world)
        before = await world.account(ANA)
        posted = await in_group(world, ana, "/link")
        the_private_chat_button(world, posted)
        assert "Your code" not in str(posted)
        async with world.rt.store.unit_of_work() as uow:
            [identity] = await uow.accounts.identities(before.id)
        assert identity.chat_id == str(ANA)  # her notices still go to her private chat
        await ask(world, ben, "Any news?", f"Sent to order #{order_id}")
        await world.settle()
        assert "Message from the buyer" in text_of(await world.wait_reply(ANA, "Message from the buyer"))
        assert not [m for m in world.fake.sent_to(GROUP) if "Message from the buyer" in text_of(m)]


async def test_a_command_for_another_bot_and_plain_talk_in_a_group_get_no_answer(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, _, _, order_id = await shop(world)
        assert await in_group(world, ben, "/orders@some_other_bot") == []
        assert await in_group(world, ben, "Mail me at ben@example.com, the logo is for my bakery") == []
        async with world.rt.store.unit_of_work() as uow:
            assert await uow.messages(order_id) == []  # nothing relayed from the group


async def test_a_button_pressed_in_a_group_changes_nothing(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana, _, order_id = await shop(world)
        [posted] = await in_group(world, ana, "/orders")
        version = (await world.rt.service.order(order_id)).version
        pressed = ana.press(posted, f"o:{order_id}:accept:{version}", check=False)
        answer = await world.fake.wait_for(lambda: world.fake.answer_for(pressed))
        assert answer.text.startswith("I work only in a private chat") and answer.show_alert
        assert (await world.rt.service.order(order_id)).version == version
