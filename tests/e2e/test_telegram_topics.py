"""An order per topic on Telegram, end to end: the real python-telegram-bot against the fake Bot API, whose
private chats have topics when the bot's topic mode is on (Bot API 9.3)."""

from datetime import timedelta

from core.model import Action, Viewer
from tests.e2e.telegram_world import LOGO, telegram_world
from tests.e2e.test_telegram_orders import paid_order, started

BEN, ANA = 100, 200


def topic_named(world, chat_id: int, name: str) -> int:
    found = [thread for thread, topic in world.fake.topics(chat_id).items() if topic["name"] == name]
    assert found, f"no topic {name!r} in {world.fake.topics(chat_id)}"
    return found[0]


async def in_topic(world, chat_id: int, thread: int | None, contains: str) -> dict:
    def found():
        return next((m for m in reversed(world.fake.in_topic(chat_id, thread)) if contains in (m.get("text") or "")),
                    None)
    return await world.fake.wait_for(found)


async def answered(world, action: Action, ana_lang: str = "en") -> tuple:
    """Ben and Ana on a bot with topics, one order of Ben's answered by Ana (accepted, declined), its notices
    sent: (ben, ana, the order's id)."""
    ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", ana_lang))
    await world.offer(ANA, LOGO)
    order_id = await paid_order(world, BEN)
    await world.rt.service.act(order_id, action, Viewer((await world.account(ANA)).id))
    await world.settle()
    return ben, ana, order_id


async def test_each_order_gets_its_own_topic_and_a_message_written_in_one_goes_to_its_order_without_asking(
        tmp_path):
    async with telegram_world(tmp_path, topics_enabled=True) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "fr"))
        await world.offer(ANA, LOGO)
        first, second = await paid_order(world, BEN), await paid_order(world, BEN)
        ana_first, ana_second = topic_named(world, ANA, f"#{first} Logo"), topic_named(world, ANA, f"#{second} Logo")
        card = await in_topic(world, ANA, ana_second, f"#{second}")
        assert await in_topic(world, ANA, ana_first, f"#{first}")
        assert world.buttons(card) == ["Accepter", "Refuser", "Voir le cahier des charges"]
        for order_id in (first, second):
            await world.rt.service.act(order_id, Action.ACCEPT, Viewer((await world.account(ANA)).id))
        await world.settle()
        ben_second = topic_named(world, BEN, f"#{second} Logo")
        assert await in_topic(world, BEN, ben_second, "accepted your order")

        written = ben.send("Blue, please", topic=ben_second)
        sent = await in_topic(world, BEN, ben_second, f"Sent to order #{second}.")
        assert sent["message_thread_id"] == ben_second
        ben.edit(written, "Blue, please, dark blue")
        assert await in_topic(world, BEN, ben_second, f"Edit sent to order #{second}.")
        assert not [m for m in world.fake.sent_to(BEN) if "Which order" in (m.get("text") or "")]
        await world.settle()
        relayed = await in_topic(world, ANA, ana_second, "Blue, please")
        assert f"#{second}" in relayed["text"]
        assert not [m for m in world.fake.in_topic(ANA, ana_first) if "Blue, please" in (m.get("text") or "")]
        assert len(world.fake.calls("createForumTopic")) == 4  # one per order and chat, never twice


async def test_a_bot_without_topic_mode_keeps_every_order_in_the_chat_and_asks_which_order_as_today(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        first, second = await paid_order(world, BEN), await paid_order(world, BEN)
        for order_id in (first, second):
            await world.rt.service.act(order_id, Action.ACCEPT, Viewer((await world.account(ANA)).id))
        await world.settle()
        await world.wait_reply(ANA, f"#{second}")
        ben.send("Blue, please")
        await world.wait_reply(BEN, "Which order is this message about?")
        assert world.fake.calls("createForumTopic") == [] and world.fake.topics(ANA) == {}
        assert all("message_thread_id" not in m for m in world.fake.sent_to(ANA) + world.fake.sent_to(BEN))


async def test_a_chat_refused_a_topic_keeps_its_orders_in_the_chat_and_is_not_asked_again(tmp_path):
    async with telegram_world(tmp_path, topics_enabled=True) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        world.fake.fail("createForumTopic", 400, "Bad Request: the chat is not a forum")
        first = await paid_order(world, BEN)
        refused_chat = world.fake.calls("createForumTopic")[0].params["chat_id"]
        second = await paid_order(world, BEN)
        refused = ANA if str(refused_chat) == str(ANA) else BEN
        assert world.fake.topics(refused) == {}
        assert {m.get("message_thread_id") for m in world.fake.sent_to(refused)} == {None}
        assert [c.params["chat_id"] for c in world.fake.calls("createForumTopic")].count(refused_chat) == 1
        other = BEN if refused == ANA else ANA
        assert set(t["name"] for t in world.fake.topics(other).values()) == {f"#{first} Logo", f"#{second} Logo"}


async def test_when_the_order_s_chat_ends_its_topic_is_marked_closed_after_the_notice_said_so(tmp_path):
    async with telegram_world(tmp_path, topics_enabled=True) as world:
        ben, ana, order_id = await answered(world, Action.DECLINE, "fr")
        world.clock.advance(timedelta(days=7, minutes=1))
        await world.settle()
        thread = topic_named(world, BEN, f"✓ #{order_id} Logo")
        assert await in_topic(world, BEN, thread, "has ended")
        assert topic_named(world, ANA, f"✓ #{order_id} Logo")


async def test_a_file_sent_in_an_order_s_topic_reaches_the_other_party_in_their_topic_of_that_order(tmp_path):
    async with telegram_world(tmp_path, topics_enabled=True) as world:
        ben, ana, order_id = await answered(world, Action.ACCEPT)
        ben.send_document("sketch.pdf", b"%PDF-1.4 sketch", "My sketch", topic=topic_named(world, BEN,
                                                                                           f"#{order_id} Logo"))
        await world.wait_reply(BEN, "Sent to order")
        await world.settle()
        thread = topic_named(world, ANA, f"#{order_id} Logo")
        document = await world.fake.wait_for(lambda: next(
            (m for m in world.fake.in_topic(ANA, thread) if "document" in m), None))
        assert document["document"]["file_name"] == "sketch.pdf"
        assert await in_topic(world, ANA, thread, "My sketch")


async def test_an_order_whose_topic_the_person_deleted_gets_a_new_topic_with_its_next_notice(tmp_path):
    async with telegram_world(tmp_path, topics_enabled=True) as world:
        ben, ana, order_id = await answered(world, Action.ACCEPT)
        deleted = topic_named(world, BEN, f"#{order_id} Logo")
        await world.app.bot.delete_forum_topic(BEN, deleted)  # as Ben deleting it in his app
        ana.send("Which colours?")
        await world.wait_reply(ANA, "Sent to order")
        await world.settle()
        fresh = topic_named(world, BEN, f"#{order_id} Logo")
        assert fresh != deleted and await in_topic(world, BEN, fresh, "Which colours?")
