"""Offers on Telegram, end to end: a seller writes and shares one, buyers open it, ask, get a custom offer."""

from core.model import Viewer
from tests.e2e.telegram_shop import LOGO_STARS, is_invoice, say, started, tap, then, text_of
from tests.e2e.telegram_world import telegram_world

BEN, ANA = 100, 200
LINK = "https://t.me/comptoir_test_bot?start=offer_"


async def test_a_seller_writes_an_offer_step_by_step_going_back_once_and_shares_its_link(tmp_path):
    async with telegram_world(tmp_path, payment="stars") as world:
        ana, = await started(world, (ANA, "Ana", "en"))
        menu = await say(world, ana, "/offers", "Your offers (0)")
        step = await tap(world, ana, menu, "New offer", "Step 1/7")
        await say(world, ana, "x" * 121, "The title is too long (121 characters; the limit is 120)")
        step = await say(world, ana, "Logo design", "Step 2/7")
        step = await tap(world, ana, step, "Back", "Step 1/7")
        assert "Now: Logo design" in text_of(step) and "Keep" in world.buttons(step)
        step = await tap(world, ana, step, "Keep", "Step 2/7")
        step = await say(world, ana, "A vector logo, three proposals", "Step 3/7 — The price, in XTR?")
        await say(world, ana, "0", "That is not a price: write it like 250.")
        await say(world, ana, "12.5", "That is not a price")  # Stars have no decimals
        step = await say(world, ana, "1000", "Step 4/7")
        step = await say(world, ana, "3", "Step 5/7")
        assert "(none yet)" in text_of(step)
        step = await tap(world, ana, step, "Add an option", "Option 1: its title?")
        step = await say(world, ana, "Source files", "Option 1: its price, in XTR?")
        step = await say(world, ana, "300", "Option 1: how many extra days")
        step = await say(world, ana, "1", "Step 5/7")
        assert "• Source files: +⭐ 300, +1 d" in text_of(step)
        step = await tap(world, ana, step, "No more options", "Step 6/7")
        step = await tap(world, ana, step, "Unlimited", "Step 7/7")
        summary = await tap(world, ana, step, "Yes", "Your offer, as buyers will see it")
        assert "Price: ⭐ 1,000" in text_of(summary) and "Revisions: unlimited" in text_of(summary)
        published = await tap(world, ana, summary, "Publish", "Published: “Logo design”")

        seller = await world.account(ANA)
        offer, = await world.rt.storefront.offers_of(Viewer(seller.id))
        assert (offer.price, offer.currency, offer.delivery_days, offer.revisions, offer.contact_allowed) == (
            1_000, "XTR", 3, None, True)
        assert [(o.title, o.price, o.extra_days) for o in offer.options] == [("Source files", 300, 1)]
        assert LINK + offer.id in text_of(published)

        menu = await say(world, ana, "/offers", "Your offers (1)")
        page = await tap(world, ana, menu, "Logo design", "Open to orders.")
        shared = await tap(world, ana, page, "Share", "Share this link")
        assert LINK + offer.id in text_of(shared)
        paused = await tap(world, ana, page, "Pause", "Paused: buyers cannot order it.")
        assert "Resume" in world.buttons(paused)
        assert not (await world.rt.storefront.offers_of(Viewer(seller.id)))[0].active


async def test_editing_keeps_every_value_the_seller_does_not_retype(tmp_path):
    async with telegram_world(tmp_path, payment="stars") as world:
        ana, = await started(world, (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO_STARS)
        menu = await say(world, ana, "/offers", "Your offers (1)")
        page = await tap(world, ana, menu, "Logo", "Open to orders.")
        step = await tap(world, ana, page, "Edit", "Step 1/7")
        for expected in ("Step 2/7", "Step 3/7"):
            step = await tap(world, ana, step, "Keep", expected)
        step = await say(world, ana, "1200", "Step 4/7")
        step = await tap(world, ana, step, "Keep", "Step 5/7")
        step = await tap(world, ana, step, "No more options", "Step 6/7")
        step = await say(world, ana, "2", "Step 7/7")
        summary = await tap(world, ana, step, "No, they order directly", "Your offer, as buyers will see it")
        await tap(world, ana, summary, "Publish", "Published")
        offer = await world.rt.storefront.editable("logo", Viewer((await world.account(ANA)).id))
        assert (offer.title, offer.price, offer.revisions, offer.contact_allowed, len(offer.options)) == (
            "Logo", 1_200, 2, False, 1)


async def test_the_offer_link_shows_it_to_buyers_and_refuses_a_paused_offer_and_the_seller_ordering_it(tmp_path):
    async with telegram_world(tmp_path, payment="stars") as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO_STARS)
        page = await say(world, ben, "/start offer_logo", "A vector logo")
        assert "Price: ⭐ 1,000" in text_of(page) and "• Source files: +⭐ 300, +1 d" in text_of(page)
        assert world.buttons(page) == ["Order now", "Ask the seller a question"]
        own = await say(world, ana, "/start offer_logo", "This is how buyers see your offer.")
        assert world.buttons(own) == []
        seller = await world.account(ANA)
        await world.rt.storefront.set_active("logo", Viewer(seller.id), False)
        await say(world, ben, "/start offer_logo", "This offer is paused or no longer exists.")
        pressed = ben.press(page, world.button(page, "Order now"))  # the page was open before the pause
        answer = await world.fake.wait_for(lambda: world.fake.answer_for(pressed))
        assert "paused" in answer.text and answer.show_alert


async def test_a_buyer_asks_the_seller_answers_and_sends_a_custom_offer_the_buyer_pays(tmp_path):
    async with telegram_world(tmp_path, payment="stars") as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO_STARS)
        page = await say(world, ben, "/start offer_logo", "A vector logo")
        await tap(world, ben, page, "Ask the seller a question", "Write your question to the seller")
        await say(world, ben, "Could you do a fox? Mail me at ben@example.com", "Sent.")
        await world.settle()
        question = await world.wait_reply(ANA, "A question about your offer “Logo”")
        assert "ben@example.com" not in text_of(question) and "fox" in text_of(question)
        assert world.buttons(question) == ["Reply", "Send a custom offer"]

        await tap(world, ana, question, "Reply", "Write your answer")
        await say(world, ana, "Yes, with pleasure.", "Sent.")
        await world.settle()
        answer = await world.wait_reply(BEN, "The seller of “Logo” answers")
        assert "Yes, with pleasure." in text_of(answer) and world.buttons(answer) == ["Reply"]

        step = await tap(world, ana, question, "Send a custom offer", "Custom offer 1/4")
        await say(world, ana, "Fox logo + business card", "Custom offer 2/4")
        step = await say(world, ana, "1500", "Custom offer 3/4")
        step = await tap(world, ana, step, "Back", "Custom offer 2/4")
        await say(world, ana, "1400", "Custom offer 3/4")
        await say(world, ana, "5", "Custom offer 4/4")
        await say(world, ana, "A fox logo and a matching business card.", "Sent: the buyer can now pay")
        await world.settle()
        custom = await world.wait_reply(BEN, "The seller made you a custom offer")
        assert "⭐ 1,400" in text_of(custom) and world.buttons(custom) == ["Pay"]

        step = await tap(world, ben, custom, "Pay", "The price is ⭐ 1,400")
        step = await tap(world, ben, step, "No tip", "Send the brief")
        step = await say(world, ben, "Orange fox", "Got it")
        summary = await tap(world, ben, step, "Done", "Total to pay: ⭐ 1,400")
        invoice = await tap(world, ben, summary, "Pay ⭐ 1,400", match=is_invoice)
        await then(world, BEN, lambda: ben.pay(invoice), "Paid: your order is placed.")
        buyer = await world.account(BEN)
        async with world.rt.store.unit_of_work() as uow:
            order, = await uow.orders_of(buyer.id)
        assert (order.title, order.total, order.delivery_days) == ("Fox logo + business card", 1_400, 5)


async def test_offers_speak_french_to_french_speakers(tmp_path):
    async with telegram_world(tmp_path, payment="stars") as world:
        ben, ana = await started(world, (BEN, "Ben", "fr"), (ANA, "Ana", "fr"))
        await world.offer(ANA, LOGO_STARS)
        page = await say(world, ben, "/start offer_logo", "A vector logo")
        assert "Prix : ⭐ 1\u202f000" in text_of(page) and "Délai de livraison : 3 j" in text_of(page)
        assert world.buttons(page) == ["Commander", "Poser une question au vendeur"]
        step = await tap(world, ben, page, "Commander", "choisissez vos options")
        assert world.buttons(step)[-2:] == ["Suivant", "Annuler"]
        menu = await say(world, ana, "/offers", "Vos offres (1) :")
        step = await tap(world, ana, menu, "Nouvelle offre", "Étape 1/7")
        step = await say(world, ana, "Logo", "Étape 2/7")
        step = await say(world, ana, "Un logo", "Étape 3/7 — Le prix, en XTR ? Par exemple : 250")
        assert world.buttons(step) == ["Retour", "Annuler"]
