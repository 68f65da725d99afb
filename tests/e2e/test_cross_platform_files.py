"""Files cross platforms as files: a document sent on Telegram arrives on Discord as an attachment with the
same bytes, a Discord attachment arrives on Telegram as a document; one too large for the receiving platform
arrives as its name with why; and while the sending platform's files are out of reach, the message waits."""

from datetime import timedelta

from core.model import Viewer
from tests.e2e.cross_world import cross_world
from tests.e2e.telegram_shop import started, then
from tests.e2e.test_cross_platform import BEN
from tests.e2e.test_discord_orders import met
from tests.e2e.test_discord_rooms import room_of

SKETCH = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


async def accepted_order(world):
    """Ben on Telegram paid Ana's logo on Discord; she accepted it. (order id, Ben, Ana, the room)."""
    ben, = await started(world.telegram, (BEN, "Ben", "en"))
    ana, = await met(world.discord, "ana")
    await world.discord.offer(ana)
    buyer = await world.telegram.account(BEN)
    checkout = await world.rt.service.checkout(Viewer(buyer.id), "manual", offer_id="logo", brief="A fox")
    placed = await world.rt.service.pay(checkout.id, checkout.amount, checkout.currency, f"test-{checkout.id}")
    order_id = placed.order.id
    await world.settle()
    await ana.user.click(world.discord.card(ana, order_id), label="Accept")
    await world.settle()
    return order_id, ben, ana, room_of(world.discord)


async def bytes_in_room(room, contains: str) -> list[tuple[str, bytes]]:
    [message] = [m for m in room.history() if contains in m.content]
    return [(a.filename, await a.read()) for a in message.attachments]


def documents_to(world, chat_id: int) -> list[tuple[str, bytes]]:
    fake = world.telegram.fake
    return [(m["document"]["file_name"], fake.file_content(m["document"]["file_id"]))
            for m in fake.sent_to(chat_id) if "document" in m]


async def sends_document(world, user, name: str, content: bytes, caption: str, reply: str):
    return await then(world.telegram, user.id, lambda: user.send_document(name, content, caption=caption), reply)


async def test_a_document_from_telegram_reaches_the_discord_room_and_a_discord_delivery_reaches_telegram(tmp_path):
    async with cross_world(tmp_path) as world:
        order_id, ben, ana, room = await accepted_order(world)

        await sends_document(world, ben, "sketch.png", SKETCH, "My sketch", f"Sent to order #{order_id}.")
        await world.settle()
        assert await bytes_in_room(room, "My sketch") == [("sketch.png", SKETCH)]

        await ana.send(room, "A first idea", attachments=[("idea.svg", b"<svg>idea</svg>")])
        await world.settle()
        await world.telegram.wait_reply(BEN, "A first idea")
        assert ("idea.svg", b"<svg>idea</svg>") in documents_to(world, BEN)

        card = world.discord.card(ana, order_id)
        form = await ana.user.click(card, label="Deliver")
        await ana.user.submit_modal(form, {"text": "Here is your fox", "files": [("fox.svg", b"<svg>fox</svg>")]})
        await world.settle()
        await world.telegram.wait_reply(BEN, "was delivered")
        await world.telegram.fake.wait_for(lambda: ("fox.svg", b"<svg>fox</svg>") in documents_to(world, BEN))
        assert documents_to(world, BEN) == [("idea.svg", b"<svg>idea</svg>"), ("fox.svg", b"<svg>fox</svg>")]


async def test_a_file_too_large_for_discord_arrives_by_name_with_the_reason(tmp_path):
    async with cross_world(tmp_path) as world:
        order_id, ben, ana, room = await accepted_order(world)

        await sends_document(world, ben, "scan.tiff", bytes(11 * 1024 * 1024), "The full scan",
                             f"Sent to order #{order_id}.")
        await world.settle()
        [message] = [m for m in room.history() if "The full scan" in m.content]
        assert message.attachments == []
        assert "📎 scan.tiff: too large to be sent here (the limit is 10 MB); it is kept with the order." \
            in message.content


async def test_a_message_whose_file_telegram_cannot_hand_over_now_waits_and_arrives_whole_later(tmp_path):
    async with cross_world(tmp_path) as world:
        order_id, ben, ana, room = await accepted_order(world)

        world.telegram.fake.files_down = True
        await sends_document(world, ben, "sketch.png", SKETCH, "My sketch", f"Sent to order #{order_id}.")
        await world.settle()
        assert not [m for m in room.history() if "My sketch" in m.content]

        world.telegram.fake.files_down = False
        world.rt.clock.advance(timedelta(minutes=1))
        await world.settle()
        assert await bytes_in_room(room, "My sketch") == [("sketch.png", SKETCH)]
