"""Orders on Telegram, end to end: the real python-telegram-bot against the fake Bot API."""

from datetime import timedelta

from core.model import Viewer
from tests.e2e.telegram_world import LOGO, MODERATOR_ID, telegram_world

BEN, ANA = 100, 200


async def started(world, *users):
    people = []
    for user_id, name, lang in users:
        user = world.fake.user(user_id, name, language_code=lang)
        user.send("/start")
        await world.wait_reply(user_id, "")
        people.append(user)
    return people


async def paid_order(world, buyer_id: int, brief: str = "A fox for my bakery") -> str:
    buyer = await world.account(buyer_id)
    checkout = await world.rt.service.checkout(Viewer(buyer.id), "manual", offer_id="logo", brief=brief)
    placed = await world.rt.service.pay(checkout.id, checkout.amount, checkout.currency, "test")
    await world.settle()
    return placed.order.id


async def test_the_seller_gets_the_new_order_with_its_buttons_and_accepts_it_from_the_card(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "fr"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        card = await world.wait_reply(ANA, f"#{order_id}")
        assert world.buttons(card) == ["Accepter", "Refuser", "Voir le cahier des charges"]
        ana.press(card, world.button(card, "Accepter"))
        edited = await world.fake.wait_for(lambda: "Traitement" in (world.fake.message(ANA, card["message_id"]) or {}).get("text", ""))
        assert edited
        await world.settle()
        told = await world.wait_reply(BEN, "accepted your order")
        assert "Request cancellation" in world.buttons(told)


async def test_a_stale_a_foreign_and_a_forged_button_change_nothing(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        eve, = await started(world, (300, "Eve", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        card = await world.wait_reply(ANA, f"#{order_id}")
        accept = world.button(card, "Accept")
        ana.press(card, accept)
        await world.fake.wait_for(lambda: world.fake.answers)
        before = (await world.rt.service.order(order_id)).version
        stale = ana.press(card, accept, check=False)
        foreign = eve.press(card, accept, check=False)
        forged = ana.press(card, f"o:{order_id}:refund_all:{before}", check=False)
        for query_id in (stale, foreign, forged):
            answer = await world.fake.wait_for(lambda: world.fake.answer_for(query_id))
            assert answer.text
        assert "already done" in world.fake.answer_for(stale).text
        assert "not yours" in world.fake.answer_for(foreign).text
        assert "Only the moderator" in world.fake.answer_for(forged).text
        assert (await world.rt.service.order(order_id)).version == before


async def test_the_chat_is_blocked_during_the_delivery_window_and_reopened_by_a_revision_request(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        card = await world.wait_reply(ANA, f"#{order_id}")
        ana.press(card, world.button(card, "Accept"))
        await world.fake.wait_for(lambda: "Deliver" in world.buttons(world.fake.message(ANA, card["message_id"])))
        ana.send("Hello Ben, which colours?")
        await world.wait_reply(ANA, "Sent to order")
        await world.settle()
        await world.wait_reply(BEN, "Hello Ben, which colours?")
        # deliver through the card's dialog
        card = world.fake.message(ANA, card["message_id"])
        ana.press(card, world.button(card, "Deliver"))
        prompt = await world.wait_reply(ANA, "Send your delivery")
        ana.send_document("logo.svg", b"<svg/>")
        await world.wait_reply(ANA, "Got it")
        ana.press(world.fake.last_message(ANA), world.button(world.fake.last_message(ANA), "Done"))
        await world.wait_reply(ANA, "5/7 Delivery")
        await world.settle()
        delivered = await world.wait_reply(BEN, "was delivered")
        ben.send("Thanks! Bigger please")
        blocked = await world.wait_reply(BEN, "Not sent")
        assert "Until" in blocked["text"]
        assert world.buttons(blocked) == ["Complete", "Request a revision"]
        ben.press(blocked, world.button(blocked, "Request a revision"))
        await world.wait_reply(BEN, "What should change")
        ben.send("A bigger fox")
        await world.wait_reply(BEN, "6/7 Revision")
        ben.send("And a darker orange")
        await world.wait_reply(BEN, "Sent to order")
        await world.settle()
        await world.wait_reply(ANA, "And a darker orange")
        assert prompt and delivered


async def test_show_the_brief_gives_the_seller_the_whole_brief_and_a_stranger_nothing(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        eve, = await started(world, (300, "Eve", "en"))
        await world.offer(ANA, LOGO)
        brief = "A fox for my bakery.\n\n" + "Orange, friendly, round. " * 80  # longer than a card's excerpt
        order_id = await paid_order(world, BEN, brief=brief)
        card = await world.wait_reply(ANA, f"#{order_id}")
        assert "round." not in card["text"].rstrip().rsplit("\n", 1)[-1]  # the card shows only the start
        seen = len(world.fake.sent_to(ANA))
        ana.press(card, world.button(card, "Show the brief"))
        shown = await world.fake.wait_for(lambda: world.fake.sent_to(ANA)[seen:])
        words = " ".join(m["text"] for m in shown).split()
        assert words[words.index("bakery."):] == " ".join(["bakery."] + ["Orange, friendly, round."] * 80).split()
        show = world.button(card, "Show the brief")
        asked = eve.press(card, show, check=False)
        answer = await world.fake.wait_for(lambda: world.fake.answer_for(asked))
        assert answer.text == "This order does not exist."  # a stranger learns nothing, not even that it exists
        assert not [m for m in world.fake.sent_to(300) if "bakery" in m.get("text", "")]
