"""A buyer on Telegram and a seller on Discord complete an order together: one runtime, one database,
the real bot libraries on both sides. A Discord moderator confirms the manual payment; the chat is
relayed both ways (Telegram <-> the order's room) and blocked for both during the delivery window."""

from core.model import Stage, Viewer
from tests.e2e.discord_world import labels
from tests.e2e.cross_world import cross_world
from tests.e2e.telegram_shop import say, started, tap
from tests.e2e.test_discord_orders import met
from tests.e2e.test_discord_rooms import chat_of, room_of, said, thread

BEN = 100  # the buyer, on Telegram


async def test_a_buyer_on_telegram_and_a_seller_on_discord_complete_an_order_together(tmp_path):
    async with cross_world(tmp_path) as world:
        tg, dc = world.telegram, world.discord
        ben, = await started(tg, (BEN, "Ben", "en"))
        ana, = await met(dc, "ana")
        mod = dc.member("mod", moderator=True)
        await mod.slash(dc.channel, "orders")
        await dc.offer(ana)

        # a manual payment, confirmed by a moderator on Discord with the notice's own button
        buyer = await tg.account(BEN)
        checkout = await world.rt.service.checkout(Viewer(buyer.id), "manual", offer_id="logo",
                                                   brief="A fox for my bakery")
        await world.settle()
        to_confirm = dc.last_dm(mod, "Payment to confirm")
        assert labels(to_confirm) == ["Confirm payment", "Reject"]
        await mod.user.click(to_confirm, label="Confirm payment")
        assert "✅ Confirmed by mod" in dc.now(to_confirm, mod.user.dm_channel).content
        assert labels(dc.now(to_confirm, mod.user.dm_channel)) == []
        async with world.rt.store.unit_of_work() as uow:
            order_id = (await uow.checkout(checkout.id)).order_id
        await world.settle()
        await tg.wait_reply(BEN, f"Your payment was confirmed: order #{order_id} is placed.")

        # the seller's room: her alone on Discord, the buyer's words relayed from Telegram
        card = dc.last_dm(ana, f"#{order_id}")
        room = room_of(dc)
        assert {m.id for m in await (await thread(dc, room)).fetch_members()} >= {ana.id}
        assert said(room, "The other party is on another platform")
        await ana.user.click(card, label="Accept")
        await world.settle()
        await say(tg, ben, "Hello from Telegram!", f"Sent to order #{order_id}.")
        await world.settle()
        assert said(room, f"Message from the buyer on order #{order_id}: Hello from Telegram!")
        await ana.send(room, "Hi Ben, the fox is on its way")
        await world.settle()
        await tg.wait_reply(BEN, f"Message from the seller on order #{order_id}: Hi Ben, the fox is on its way")

        # delivered: blocked for both, whichever platform they write from
        form = await ana.user.click(dc.now(card, ana.user.dm_channel), label="Deliver")
        await ana.user.submit_modal(form, {"text": "Here is your fox", "files": [("fox.svg", b"<svg/>")]})
        await world.settle()
        delivered = await tg.wait_reply(BEN, "was delivered")
        assert (await thread(dc, room)).locked
        blocked = await say(tg, ben, "Can I still ask something?", "Not sent")
        assert "Until:" in blocked["text"] and tg.buttons(blocked) == ["Complete", "Request a revision"]
        await ana.send(room, "Did you get it?")
        assert said(room, "Not sent (order")
        assert [m.text for m in await chat_of(dc, order_id)] == ["Hello from Telegram!",
                                                                 "Hi Ben, the fox is on its way"]

        # the buyer completes on Telegram with a review: the room opens again for the days after
        asked = await tap(tg, ben, delivered, "Complete", "Leave a review with it?")
        asked = await tap(tg, ben, asked, "👍 Positive", "A few words")
        await say(tg, ben, "Lovely fox!", "Review (positive): “Lovely fox!”")
        await world.settle()
        order = await world.rt.service.order(order_id)
        assert order.stage is Stage.COMPLETED and order.review.positive and order.review.comment == "Lovely fox!"
        assert not (await thread(dc, room)).locked
        assert said(room, "This room is open again.")
        assert dc.last_dm(ana, f"#{order_id}")
