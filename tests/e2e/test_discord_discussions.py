"""Before an order on Discord, end to end: a buyer asks the seller a question from a shared offer, the
seller answers and sends a custom offer, the buyer pays it once (a moderator confirms the payment)."""

from dataclasses import replace
from datetime import timedelta

import discord

from bots.discord.routes import DiscussionButton
from core.model import Stage, Viewer
from tests.e2e.discord_world import control, discord_world, labels, read
from tests.e2e.test_discord_moderation import private_message
from tests.e2e.test_discord_orders import met, private_answer

QUESTION = "Could you draw a fox? Mail me at ben@example.com"
TERMS = {"title": "Fox logo + business card", "price": "140", "days": "5",
         "description": "A fox logo and a matching business card."}


async def shared_offer(world, seller):
    """The seller's offer, posted in the channel with /offer share."""
    offer = await world.offer(seller)
    done = await seller.slash(world.channel, "offer share", offer=offer.id)
    return done.response.message


def text_input(shown, custom_id: str) -> dict:
    """A text field of the modal the bot showed, as Discord received it."""
    return next(row["component"] for row in shown.modal["components"]
                if row["component"].get("custom_id") == custom_id)


async def asked(world, buyer, seller, question: str = QUESTION, post=None) -> discord.Message:
    """The buyer asks from the shared offer; the seller's DM with the question."""
    post = post or await shared_offer(world, seller)
    form = await buyer.click(post, label="Ask the seller a question")
    assert form.modal is not None
    sent = await buyer.submit_modal(form, {"text": question})
    assert private_answer(sent) == "Sent: the answer will come to you by direct message."
    await world.settle()
    return world.last_dm(seller, "A question about your offer “Logo”")


async def custom_offer_sent(world, buyer, seller, terms=TERMS) -> discord.Message:
    """The seller sends a custom offer from the question's DM; the buyer's DM with it."""
    question = await asked(world, buyer, seller)
    form = await seller.user.click(question, label="Send a custom offer")
    sent = await seller.user.submit_modal(form, terms)
    assert private_answer(sent).startswith("Sent: the buyer can now pay")
    await world.settle()
    return world.last_dm(buyer, "The seller made you a custom offer")


async def confirmed(world, buyer, flow: discord.Message) -> str:
    """A brief in the open checkout, then Confirm: the checkout's reference."""
    where = buyer.user.dm_channel
    form = await buyer.user.click(world.now(flow, where, viewer=buyer), label="Write the brief")
    await buyer.user.submit_modal(form, {"text": "An orange fox"})
    summary = world.now(flow, where, viewer=buyer)
    [confirm] = [label for label in labels(summary) if label.startswith("Confirm order")]
    await buyer.user.click(summary, label=confirm)
    told = world.now(flow, where, viewer=buyer).content
    assert "as soon as a moderator confirms your payment" in told
    return told.split("reference ")[1].split(" ")[0]


async def test_a_buyer_asks_the_seller_from_a_shared_offer_and_they_answer_each_other_by_dm(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        post = await shared_offer(world, ana)
        assert labels(post) == ["Order now", "Ask the seller a question"]
        form = await ben.click(post, label="Ask the seller a question")
        assert text_input(form, "text")["max_length"] == world.rt.config.settings.max_text  # Discord stops longer

        question = await asked(world, ben, ana, post=post)
        assert "ben@example.com" not in question.content and "Could you draw a fox?" in question.content
        assert labels(question) == ["Reply", "Send a custom offer"]

        form = await ana.user.click(question, label="Reply")
        sent = await ana.user.submit_modal(form, {"text": "Yes, with pleasure."})
        assert private_answer(sent) == "Sent: the answer will come to you by direct message."
        await world.settle()
        answer = world.last_dm(ben, "The seller of “Logo” answers")
        assert "Yes, with pleasure." in answer.content and labels(answer) == ["Reply"]

        form = await ben.user.click(answer, label="Reply")
        await ben.user.submit_modal(form, {"text": "Great, an orange one then."})
        await world.settle()
        assert "Great, an orange one then." in world.last_dm(ana, "A question about your offer").content


async def test_someone_elses_discussion_a_forged_button_and_a_closed_offer_change_nothing(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben, eve = await met(world, "ana", "ben", "eve")
        post = await shared_offer(world, ana)
        question = await asked(world, ben, ana, post=post)
        discussion = control(question, "d:reply:").split(":")[2]
        view = discord.ui.View(timeout=None)
        for label, custom_id in {"Reply": f"d:reply:{discussion}", "Make an offer": f"d:custom:{discussion}",
                                 "Ask": "d:ask:nothing"}.items():
            view.add_item(DiscussionButton(discord.ui.Button(label=label, custom_id=custom_id)))
        forged = await world.client.get_channel(world.channel.id).send("Forged", view=view)
        dms_before = {m: len(world.dms(m)) for m in (ana, ben)}

        refused = await eve.click(forged, label="Reply")
        assert refused.modal is None and private_answer(refused) == "This discussion is not yours."
        refused = await eve.click(forged, label="Make an offer")
        assert refused.modal is None and private_answer(refused) == "This discussion is not yours."
        refused = await ben.click(forged, label="Make an offer")  # the buyer of this discussion, not its seller
        assert private_answer(refused) == "Only the seller of this discussion can send a custom offer."
        refused = await eve.click(forged, label="Ask")
        assert private_answer(refused) == "This offer does not exist."
        own = await ana.click(post, label="Ask the seller a question")
        assert private_answer(own) == "You cannot contact yourself about your own offer."

        await ana.slash(world.channel, "offer pause", offer="logo")
        closed = await ben.click(post, label="Ask the seller a question")
        assert closed.modal is None and private_answer(closed) == "This offer is paused or no longer exists."
        await ana.slash(world.channel, "offer resume", offer="logo")
        offer = await world.rt.storefront.editable("logo", await viewer(world, ana))
        await world.rt.storefront.publish(await viewer(world, ana), replace(offer, contact_allowed=False))
        closed = await ben.click(post, label="Ask the seller a question")  # a post shared before they were off
        assert private_answer(closed) == ("The seller does not take questions on this offer: "
                                          "you can order it directly.")
        await world.settle()
        assert {m: len(world.dms(m)) for m in (ana, ben)} == dms_before


async def test_a_custom_offer_is_paid_once_at_its_own_price_and_terms(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        mod = world.member("mod", moderator=True)
        await mod.slash(world.channel, "orders")

        question = await asked(world, ben, ana)
        form = await ana.user.click(question, label="Send a custom offer")
        assert text_input(form, "title")["value"] == "Logo"  # the offer's title, to change
        refused = await ana.user.submit_modal(form, {**TERMS, "price": "lots"})
        assert private_answer(refused) == "That is not a price: write it like 12.50."
        form = await ana.user.click(question, label="Send a custom offer")
        sent = await ana.user.submit_modal(form, TERMS)
        assert private_answer(sent) == "Sent: the buyer can now pay “Fox logo + business card” (€140.00)."
        await world.settle()
        [custom] = [m for m in world.dms(ben) if "The seller made you a custom offer" in m.content]
        assert "€140.00, delivered in 5 days" in custom.content and labels(custom) == ["Pay"]

        flow = private_message(await ben.user.click(custom, label="Pay"))
        assert flow.ephemeral and "Total to pay: €140.00" in read(flow.message)
        assert labels(flow.message) == ["Write the brief", "Cancel"]  # a custom offer has no options
        await ben.user.select(flow.message, ["10"], custom_id=control(flow.message, "b:tip:"))
        assert "Total to pay: €154.00" in read(world.now(flow.message, ben.user.dm_channel, viewer=ben))
        reference = await confirmed(world, ben, flow.message)
        await world.settle()
        await mod.user.click(world.last_dm(mod, reference), label="Confirm payment")
        await world.settle()

        async with world.rt.store.unit_of_work() as uow:
            order_id = (await uow.checkout(reference)).order_id
        order = await world.rt.service.order(order_id)
        assert order.stage is Stage.PENDING and order.brief == "An orange fox"
        assert (order.title, order.price, order.tip, order.delivery_days) == (
            "Fox logo + business card", 14_000, 1_400, 5)
        assert f"New order #{order_id}" in world.last_dm(ana, "New order").content

        again = await ben.user.click(custom, label="Pay")
        assert private_answer(again) == ("This custom offer can no longer be paid (it was paid, declined or "
                                         "withdrawn).")
        assert len(await orders_of(world, ben)) == 1


async def test_an_expired_custom_offer_cannot_be_paid_even_from_a_checkout_begun_in_time(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        custom = await custom_offer_sent(world, ben, ana)
        flow = private_message(await ben.user.click(custom, label="Pay"))

        world.clock.advance(world.rt.config.settings.custom_offer + timedelta(minutes=1))
        await ben.user.select(flow.message, ["5"], custom_id=control(flow.message, "b:tip:"))
        expired = "This custom offer has expired; ask the seller for a new one."
        assert world.now(flow.message, ben.user.dm_channel, viewer=ben).content == expired
        assert labels(world.now(flow.message, ben.user.dm_channel, viewer=ben)) == []
        refused = await ben.user.click(custom, label="Pay")
        assert private_answer(refused) == expired
        assert await orders_of(world, ben) == []


async def test_a_french_buyer_and_seller_discuss_and_get_the_custom_offer_in_french(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        for member in (ana, ben):
            await member.slash(world.channel, "language", language="fr")
        post = await shared_offer(world, ana)
        assert labels(post) == ["Commander", "Poser une question au vendeur"]
        form = await ben.click(post, label="Poser une question au vendeur")
        assert form.modal["title"] == "Poser une question au vendeur · Logo"
        sent = await ben.submit_modal(form, {"text": "Un renard ?"})
        assert private_answer(sent) == "Envoyé : la réponse vous arrivera en message privé."
        await world.settle()
        question = world.last_dm(ana, "Une question sur votre offre « Logo »")
        assert labels(question) == ["Répondre", "Envoyer une offre personnalisée"]

        form = await ana.user.click(question, label="Envoyer une offre personnalisée")
        refused = await ana.user.submit_modal(form, {**TERMS, "days": "1,5"})
        assert private_answer(refused) == "Écrivez un nombre entier de jours, comme 3."
        form = await ana.user.click(question, label="Envoyer une offre personnalisée")
        await ana.user.submit_modal(form, {**TERMS, "price": "140,50"})
        await world.settle()
        custom = world.last_dm(ben, "Le vendeur vous a fait une offre personnalisée")
        assert "140,50" in custom.content and labels(custom) == ["Payer"]
        flow = private_message(await ben.user.click(custom, label="Payer"))
        assert "Total à payer : 140,50" in read(flow.message)
        assert labels(flow.message) == ["Rédiger le cahier des charges", "Annuler"]


async def orders_of(world, member) -> list:
    account = await world.account(member)
    async with world.rt.store.unit_of_work() as uow:
        return await uow.orders_of(account.id)


async def viewer(world, member) -> Viewer:
    return Viewer((await world.account(member)).id)
