"""A buyer on Telegram and a seller on Discord complete an order together: one runtime, one database,
the real bot libraries on both sides. A Discord moderator confirms the manual payment; the chat is
relayed both ways (Telegram <-> the order's room) and blocked for both during the delivery window. And the
reverse: a buyer on Discord opens a Telegram seller's offer by its id, orders it, and they complete it."""

import re

from core.model import Stage, Viewer
from tests.e2e.discord_world import labels, read
from tests.e2e.cross_world import cross_world
from tests.e2e.telegram_shop import say, started, tap, text_of
from tests.e2e.telegram_world import LOGO
from tests.e2e.test_discord_moderation import private_message
from tests.e2e.test_discord_orders import met
from tests.e2e.test_discord_rooms import chat_of, room_of, said, thread

BEN = 100  # the buyer, on Telegram
ANA = 200  # the seller, on Telegram, in the reverse story


async def marketplace(world):
    """Ben on Telegram; Ana, who sells the logo, and a moderator on Discord."""
    ben, = await started(world.telegram, (BEN, "Ben", "en"))
    ana, = await met(world.discord, "ana")
    mod = world.discord.member("mod", moderator=True)
    await mod.slash(world.discord.channel, "orders")
    await world.discord.offer(ana)
    return ben, ana, mod


async def test_a_buyer_on_telegram_and_a_seller_on_discord_complete_an_order_together(tmp_path):
    async with cross_world(tmp_path) as world:
        tg, dc = world.telegram, world.discord
        ben, ana, mod = await marketplace(world)

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
        card = dc.card(ana, order_id)
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
        written = await ana.send(room, "Did you get it?")
        assert not said(room, "Not sent (order") and all(m.id != written.id for m in room.history())
        refused = dc.last_dm(ana, "Not sent (order")  # to her alone, with her words: nothing is lost
        assert refused.content.endswith("Your message, not sent:\nDid you get it?")
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
        assert dc.card(ana, order_id)


async def test_a_buyer_on_telegram_asks_a_seller_on_discord_and_pays_the_custom_offer_she_sends(tmp_path):
    async with cross_world(tmp_path) as world:
        tg, dc = world.telegram, world.discord
        ben, ana, mod = await marketplace(world)

        # the question, from the offer's Telegram page to the seller's Discord DMs, and back
        page = await say(tg, ben, "/start offer_logo", "A vector logo")
        await tap(tg, ben, page, "Ask the seller a question", "Write your question to the seller")
        await say(tg, ben, "Could you draw a fox?", "Sent.")
        await world.settle()
        question = dc.last_dm(ana, "A question about your offer “Logo”")
        assert "Could you draw a fox?" in question.content
        assert labels(question) == ["Reply", "Send a custom offer"]
        form = await ana.user.click(question, label="Reply")
        await ana.user.submit_modal(form, {"text": "Yes, with pleasure."})
        await world.settle()
        answer = await tg.wait_reply(BEN, "The seller of “Logo” answers")
        assert "Yes, with pleasure." in answer["text"] and tg.buttons(answer) == ["Reply"]

        # her custom offer, made in a Discord modal, paid through Telegram's checkout
        form = await ana.user.click(question, label="Send a custom offer")
        await ana.user.submit_modal(form, {"title": "Fox logo", "price": "140", "days": "5",
                                           "description": "A fox logo, orange."})
        await world.settle()
        custom = await tg.wait_reply(BEN, "The seller made you a custom offer")
        assert "€140.00" in custom["text"] and tg.buttons(custom) == ["Pay"]
        step = await tap(tg, ben, custom, "Pay", "The price is €140.00")
        step = await tap(tg, ben, step, "No tip", "Send the brief")
        step = await say(tg, ben, "An orange fox", "Got it")
        summary = await tap(tg, ben, step, "Done", "Total to pay: €140.00")
        await tap(tg, ben, summary, "Pay €140.00", "as soon as a moderator confirms")
        await world.settle()
        await mod.user.click(dc.last_dm(mod, "Payment to confirm"), label="Confirm payment")
        await world.settle()
        paid = await tg.wait_reply(BEN, "Your payment was confirmed")
        order = await world.rt.service.order(paid["text"].split("#")[1].split(" ")[0])
        assert (order.title, order.price, order.delivery_days, order.brief) == ("Fox logo", 14_000, 5, "An orange fox")
        assert f"New order #{order.id}" in dc.last_dm(ana, "New order").content


async def test_a_buyer_on_discord_opens_a_telegram_sellers_offer_by_its_id_orders_it_and_they_complete_it(tmp_path):
    async with cross_world(tmp_path) as world:
        tg, dc = world.telegram, world.discord
        ana, = await started(tg, (ANA, "Ana", "fr"))
        await tg.offer(ANA, LOGO)
        ben, = await met(dc, "ben")
        mod = dc.member("mod", moderator=True)
        await mod.slash(dc.channel, "orders")

        # Ana shares her offer on Telegram: its link, and the command that opens it on Discord
        menu = await say(tg, ana, "/offers", "Vos offres (1)")
        page = await tap(tg, ana, menu, "Logo", "Ouverte aux commandes.")
        shared = await tap(tg, ana, page, "Partager", "Sur Discord, chacun peut l’ouvrir avec /offre voir logo")

        # Ben opens it on Discord with the link she shared, and orders it
        link = re.search(r"https://\S+", text_of(shared))[0]
        shown = private_message(await ben.slash(dc.channel, "offer view", offer=link))
        assert "A vector logo" in read(shown.message)
        assert labels(shown.message) == ["Order now", "Ask the seller a question"]
        flow = private_message(await ben.click(shown.message, label="Order now")).message
        form = await ben.click(flow, label="Write the brief")
        await ben.submit_modal(form, {"text": "A fox for my bakery"})
        summary = dc.now(flow, dc.channel, viewer=ben)
        [confirm] = [label for label in labels(summary) if label.startswith("Confirm order")]
        await ben.click(summary, label=confirm)
        await world.settle()
        await mod.user.click(dc.last_dm(mod, "Payment to confirm"), label="Confirm payment")
        await world.settle()
        order_id = dc.last_dm(ben, "Your payment was confirmed").content.split("#")[1].split(" ")[0]

        # Ana accepts and delivers a file on Telegram; it reaches Ben on Discord as that file
        card = await tg.wait_reply(ANA, f"#{order_id}")
        ana.press(card, tg.button(card, "Accepter"))
        await tg.fake.wait_for(lambda: "Livrer" in tg.buttons(tg.fake.message(ANA, card["message_id"])))
        await world.settle()
        card = tg.fake.message(ANA, card["message_id"])
        await tap(tg, ana, card, "Livrer", "Envoyez votre livraison")
        ana.send_document("fox.svg", b"<svg>fox</svg>", caption="Voici le renard")
        done = await tg.wait_reply(ANA, "Bien reçu")
        await tap(tg, ana, done, "Terminé", "5/7")
        await world.settle()
        delivered = dc.last_dm(ben, "was delivered")
        assert [(a.filename, await a.read()) for a in delivered.attachments] == [("fox.svg", b"<svg>fox</svg>")]

        # Ben completes on Discord; Ana is told on Telegram
        form = await ben.user.click(dc.card(ben, order_id), label="Complete")
        await ben.user.submit_modal(form, {})
        await world.settle()
        assert (await world.rt.service.order(order_id)).stage is Stage.COMPLETED
        await tg.wait_reply(ANA, f"La commande #{order_id} est terminée : vous recevez 120,00\xa0€.")
