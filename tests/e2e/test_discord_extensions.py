"""Extension requests on Discord, end to end: a seller asks for more time through the card's modal (days and a
reason), the buyer accepts or declines from the notice's card, each in their language, the dates in their zone."""

from datetime import timedelta

from core.model import Deadline
from tests.e2e.discord_world import discord_world, labels, more, read
from tests.e2e.test_discord_orders import accepted, met, private_answer


async def speaks(world, member, language: str, zone: str | None = None) -> None:
    await member.slash(world.channel, "language", language=language)
    if zone:
        await member.slash(world.channel, "timezone", zone=zone)


def fields(form) -> list[str]:
    """The labels of a modal's fields, in order."""
    return [component.get("label") for component in form.modal["components"]]


async def test_an_english_seller_asks_for_three_more_days_and_a_french_buyer_accepts_on_the_card(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await speaks(world, ben, "fr", "Europe/Paris")
        order_id, _ = await accepted(world, ana, ben)
        due = (await world.rt.service.order(order_id)).deadline(Deadline.DELIVERY)

        card = await more(world, ana, world.card(ana, order_id))
        form = await ana.user.click(card, label="Ask for more time")
        assert form.modal["title"] == f"Ask for more time · #{order_id}"
        assert fields(form) == ["How many more days do you need?", "Reason"]
        refused = await ana.user.submit_modal(form, {"days": "20", "text": "The fox needs more fur."})
        assert private_answer(refused).startswith("You can ask for 1 to 14 more days.")
        assert (await world.rt.service.order(order_id)).extension is None

        card = await more(world, ana, world.card(ana, order_id))
        form = await ana.user.click(card, label="Ask for more time")
        await ana.user.submit_modal(form, {"days": "3", "text": "The fox needs more fur."})
        card = world.card(ana, order_id)
        assert "Extension requested: 3 days (“The fox needs more fur.”)" in read(card)
        assert "Ask for more time" not in labels(await more(world, ana, card))  # one request at a time

        # Ben reads it in French, each date a Discord timestamp his app shows in his zone and language, with its
        # countdown, and accepts
        await world.settle()
        told = world.last_dm(ben, "demande un délai supplémentaire")
        moved = int((due + timedelta(days=3)).timestamp())
        answer = int((await world.rt.service.order(order_id)).deadline(Deadline.EXTENSION_ANSWER).timestamp())
        assert ("le vendeur demande un délai supplémentaire de 3 jours pour livrer\u00a0; la livraison serait alors "
                f"attendue le <t:{moved}:f>, <t:{moved}:R>. Acceptez ou refusez avant le <t:{answer}:f>, "
                f"<t:{answer}:R>") in told.content
        assert "The fox needs more fur." in told.content
        card = world.card(ben, order_id)
        assert labels(card)[1:3] == ["Accepter le délai", "Refuser le délai"]
        pressed = await ben.user.click(card, label="Accepter le délai")
        assert pressed.acknowledged
        order = await world.rt.service.order(order_id)
        assert order.extension is None and order.deadline(Deadline.DELIVERY) == due + timedelta(days=3)
        assert "Accepter le délai" not in labels(world.card(ben, order_id))
        assert f"<t:{moved}:R> (<t:{moved}:f>)" in read(world.card(ben, order_id))  # the moved deadline, live

        await world.settle()
        yes = world.last_dm(ana, "accepted your extension")
        assert (f"the buyer accepted your extension of 3 days. The new delivery deadline is <t:{moved}:f>, "
                f"<t:{moved}:R>.") in yes.content
        assert f"<t:{moved}:R>" in read(world.card(ana, order_id))


async def test_a_french_seller_is_told_in_french_what_to_type_and_reads_an_english_buyers_reason_to_decline(
        tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await speaks(world, ana, "fr")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        await ana.user.click(world.card(ana, order_id), label="Accepter")
        await ana.user.click(world.card(ana, order_id), label="Plus…")  # the rare actions, one tap further
        await world.env.settle()
        form = await ana.user.click(world.card(ana, order_id), label="Demander un délai")
        assert fields(form) == ["Combien de jours de plus\u202f?", "Motif"]
        typo = await ana.user.submit_modal(form, {"days": "3,5", "text": "La licence de la police tarde."})
        assert private_answer(typo) == "Écrivez un nombre entier de jours, comme 3."
        assert (await world.rt.service.order(order_id)).extension is None
        form = await ana.user.click(world.card(ana, order_id), label="Demander un délai")  # the card stays open
        await ana.user.submit_modal(form, {"days": "1", "text": "La licence de la police tarde."})
        await world.settle()

        assert world.last_dm(ben, "asks for an extension of 1 day")
        form = await ben.user.click(world.card(ben, order_id), label="Decline the extension")
        await ben.user.submit_modal(form, {"text": "The fair is on Friday."})
        assert (await world.rt.service.order(order_id)).extension is None
        await world.settle()
        no = world.last_dm(ana, "a refusé votre demande de délai")
        due = int((await world.rt.service.order(order_id)).deadline(Deadline.DELIVERY).timestamp())
        assert f"La livraison reste attendue le <t:{due}:f>, <t:{due}:R>." in no.content
        assert "The fair is on Friday." in no.content
