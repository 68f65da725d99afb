"""Offers and ordering on Discord, end to end: a seller writes an offer with /offer create and shares it,
a buyer orders it from the shared embed (options, tip, brief), a moderator confirms the manual payment."""

import discord

from core.model import Stage, Viewer
from tests.e2e.discord_world import control, discord_world, labels, read
from tests.e2e.test_discord_moderation import private_message
from tests.e2e.test_discord_orders import met, private_answer

FORM = {"title": "Logo", "description": "A vector logo for your shop", "price": "120", "days": "3",
        "revisions": "2"}


async def created(world, seller, form=FORM):
    """An offer made with /offer create, and its private panel."""
    before = {o.id for o in await world.rt.storefront.offers_of(await viewer(world, seller))}
    shown = await seller.slash(world.channel, "offer create")
    assert shown.modal is not None
    panel = private_message(await seller.submit_modal(shown, form))
    [offer] = [o for o in await world.rt.storefront.offers_of(await viewer(world, seller)) if o.id not in before]
    return offer, panel


async def shared(world, seller, offer):
    """/offer share: the offer, publicly in the channel, with its Order button."""
    done = await seller.slash(world.channel, "offer share", offer=offer.id)
    assert not done.response.ephemeral
    return done.response.message


async def test_a_seller_creates_and_shares_an_offer_and_a_buyer_orders_it_and_a_moderator_confirms(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        mod = world.member("mod", moderator=True)
        await mod.slash(world.channel, "orders")

        offer, panel = await created(world, ana)
        assert (offer.title, offer.price, offer.currency, offer.delivery_days, offer.revisions) == (
            "Logo", 12_000, "EUR", 3, 2)
        assert "Published: “Logo”." in panel.content and "Open to orders." in read(panel.message)
        form = await ana.click(panel.message, label="Add an option")
        panel = private_message(await ana.submit_modal(form, {"title": "Source files", "price": "30", "days": "1"}))
        assert "Option added: “Source files”." in panel.content
        offer = await world.rt.storefront.editable(offer.id, await viewer(world, ana))
        assert [(o.title, o.price, o.extra_days) for o in offer.options] == [("Source files", 3_000, 1)]

        post = await shared(world, ana, offer)
        assert labels(post) == ["Order now", "Ask the seller a question"]
        assert "Logo" in read(post) and "Source files" in read(post)
        assert f"On Discord, anyone can open it with /offer view {offer.id}" in read(post)
        assert "This offer does not exist." in private_answer(await ben.slash(world.channel, "offer view", offer="nope"))

        flow = private_message(await ben.click(post, label="Order now"))
        assert flow.ephemeral
        await ben.select(flow.message, [offer.options[0].id], custom_id=control(flow.message, "b:opt:"))
        await ben.select(world.now(flow.message, world.channel, viewer=ben), ["10"],
                         custom_id=control(flow.message, "b:tip:"))
        assert "Total to pay: €165.00" in read(world.now(flow.message, world.channel, viewer=ben))
        form = await ben.click(world.now(flow.message, world.channel, viewer=ben), label="Write the brief")
        await ben.submit_modal(form, {"text": "A fox for my bakery"})
        summary = world.now(flow.message, world.channel, viewer=ben)
        assert "A fox for my bakery" in read(summary)
        [confirm] = [label for label in labels(summary) if label.startswith("Confirm order")]
        await ben.click(summary, label=confirm)
        told = world.now(flow.message, world.channel, viewer=ben).content
        assert "as soon as a moderator confirms your payment" in told

        await world.settle()
        to_confirm = world.last_dm(mod, "Payment to confirm")
        assert labels(to_confirm) == ["Confirm payment", "Reject"]
        await mod.user.click(to_confirm, label="Confirm payment")
        await world.settle()
        paid = world.last_dm(ben, "Your payment was confirmed")
        order_id = paid.content.split("#")[1].split(" ")[0]
        order = await world.rt.service.order(order_id)
        assert order.stage is Stage.PENDING
        assert (order.price, order.tip, order.delivery_days) == (15_000, 1_500, 4)
        assert order.brief == "A fox for my bakery"
        assert f"New order #{order_id}" in world.last_dm(ana, "New order").content
        assert labels(world.card(ana, order_id)) == ["Show the brief", "Accept", "Decline"]


async def viewer(world, member) -> Viewer:
    return Viewer((await world.account(member)).id)


async def test_a_member_cannot_order_their_own_offer_nor_a_paused_one(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        mod = world.member("mod", moderator=True)
        await mod.slash(world.channel, "orders")
        offer, _ = await created(world, ana)
        post = await shared(world, ana, offer)
        own = await ana.click(post, label="Order now")
        assert private_answer(own) == "You cannot order your own offer."

        paused = await ana.slash(world.channel, "offer pause", offer=offer.id)
        assert "Paused" in private_answer(paused)
        refused = await ben.click(post, label="Order now")
        assert private_answer(refused) == "This offer is paused or no longer exists."
        assert not (await world.rt.storefront.offers_of(await viewer(world, ana)))[0].active

        # the shared button still works after a restart; a buyer whose flow began before a pause is
        # refused at confirmation by core
        await ana.slash(world.channel, "offer resume", offer=offer.id)
        await world.restart()
        flow = private_message(await ben.click(post, label="Order now"))
        form = await ben.click(flow.message, label="Write the brief")
        await ben.submit_modal(form, {"text": "Hello"})
        await ana.slash(world.channel, "offer pause", offer=offer.id)
        summary = world.now(flow.message, world.channel, viewer=ben)
        [confirm] = [label for label in labels(summary) if label.startswith("Confirm order")]
        await ben.click(summary, label=confirm)
        said = world.now(flow.message, world.channel, viewer=ben).content
        assert said == "This offer is paused or no longer exists."  # core's reason; no checkout, no notice
        await world.settle()
        assert not [m for m in world.dms(mod) if "Payment to confirm" in m.content]


async def test_offers_lists_only_active_offers_and_edit_changes_the_offer(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        first, _ = await created(world, ana)
        second, _ = await created(world, ana, {**FORM, "title": "Banner", "revisions": ""})
        assert second.revisions is None
        await ana.slash(world.channel, "offer pause", offer=first.id)

        listed = await ben.slash(world.channel, "offers", member=ana)
        answer = private_message(listed)
        assert "Banner" in read(answer.message) and "Logo" not in read(answer.message)
        assert labels(answer.message) == ["Order: Banner", "Ask about: Banner"]

        choices = await ana.autocomplete(world.channel, "offer edit", "offer", "ban")
        assert [c["value"] for c in choices] == [second.id]
        form = await ana.slash(world.channel, "offer edit", offer=second.id)
        assert form.modal is not None
        await ana.submit_modal(form, {**FORM, "title": "Big banner", "price": "80"})
        edited = await world.rt.storefront.editable(second.id, await viewer(world, ana))
        assert (edited.title, edited.price) == ("Big banner", 8_000)

        bad = await ana.slash(world.channel, "offer create")
        refused = await ana.submit_modal(bad, {**FORM, "price": "lots"})
        assert "That is not a price" in private_answer(refused)
        bad = await ana.slash(world.channel, "offer create")
        refused = await ana.submit_modal(bad, {**FORM, "days": "999"})
        assert "between 1 and 365 days" in private_answer(refused)

        stranger = await ben.slash(world.channel, "offer pause", offer=second.id)
        assert "not yours" in private_answer(stranger)


async def test_offer_commands_are_in_french_and_a_french_seller_and_buyer_get_the_flow_in_french(tmp_path):
    async with discord_world(tmp_path) as world:
        synced = {command.name: command for command in await world.client.tree.fetch_commands()}
        offer = synced["offer"]
        assert offer.name_localizations[discord.Locale.french] == "offre"
        assert {sub.name: sub.name_localizations.get(discord.Locale.french, sub.name) for sub in offer.options} == {
            "create": "créer", "edit": "modifier", "pause": "pause", "resume": "reprendre", "share": "partager",
            "view": "voir"}
        for sub in offer.options:
            assert sub.description_localizations[discord.Locale.french] != sub.description
        assert synced["offers"].options[0].name_localizations[discord.Locale.french] == "membre"

        ana, ben = await met(world, "ana", "ben")
        for member in (ana, ben):
            await member.slash(world.channel, "language", language="fr")
        made, panel = await created(world, ana)
        assert "Publiée : « Logo »." in panel.content
        assert labels(panel.message)[:2] == ["Modifier", "Ajouter une option"]
        post = await shared(world, ana, made)
        assert labels(post) == ["Commander", "Poser une question au vendeur"]
        flow = private_message(await ben.click(post, label="Commander"))
        assert "Total à payer : 120,00" in read(flow.message)
        assert "Rédiger le cahier des charges" in labels(flow.message)
