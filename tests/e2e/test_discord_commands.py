"""Slash commands on Discord, end to end: /orders, /order, /link, /language, /timezone, in French too."""

from datetime import timedelta

import discord

from core.i18n import translate
from core.model import Stage
from tests.e2e.discord_world import discord_world, labels, read
from tests.e2e.test_discord_orders import met, private_answer


async def test_orders_lists_a_persons_orders_privately_a_page_at_a_time_with_filters(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await world.offer(ana)
        ids = [await world.paid_order(ben, brief=f"Fox number {n}") for n in range(6)]

        listed = await ben.slash(world.channel, "orders")
        page = listed.response  # the answer to a deferred command takes the place of "thinking…"
        assert page.ephemeral
        lines = read(page).splitlines()
        assert lines[0] == "### Your orders — To act on (6)" and lines[-1] == "-# Page 1 of 2"
        assert labels(page.message)[-4:] == ["To act on", "Running", "Closed", "▶"]

        await ben.click(page, label="▶")
        turned = world.now(page, world.channel, viewer=ben)
        assert read(turned).endswith("-# Page 2 of 2")
        assert "◀" in labels(turned) and "▶" not in labels(turned)
        shown = [label.split()[0] for label in labels(turned) if label.startswith("#")]
        assert len(shown) == 1 and shown[0].lstrip("#") in ids

        await ben.click(turned, label="Closed")
        closed = world.now(page, world.channel, viewer=ben)
        assert read(closed).startswith("### Your orders — Closed (0)\nNothing here.")


async def test_the_closed_filter_shows_a_reviewed_order_as_reviewed_not_waiting_for_a_review(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        for who, label in ((ana, "Accept"), (ana, "Deliver"), (ben, "Complete")):
            await world.settle()
            pressed = await who.user.click(world.card(who, order_id), label=label)
            if pressed.modal is not None:
                await who.user.submit_modal(pressed, {"text": "Here is your fox"} if who is ana else
                                            {"verdict": ["good"], "text": "Lovely fox"})
        assert (await world.rt.service.order(order_id)).review.positive

        page = (await ben.slash(world.channel, "orders")).response
        await ben.click(page, label="Closed")
        closed = read(world.now(page, world.channel, viewer=ben))
        assert closed.startswith("### Your orders — Closed (1)")
        assert f"**#{order_id}** — Logo\n→ Completed. Thank you!" in closed


async def test_order_completes_the_persons_order_numbers_and_shows_the_card_with_their_buttons(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben, eve = await met(world, "ana", "ben", "eve")
        await world.offer(ana)
        order_id = await world.paid_order(ben)

        offered = await ben.autocomplete(world.channel, "order", "number", order_id[:3].lower())
        assert [choice["value"] for choice in offered] == [order_id]
        assert offered[0]["name"] == f"#{order_id} — Logo"
        assert await eve.autocomplete(world.channel, "order", "number", order_id[:3]) == []

        shown = await ben.slash(world.channel, "order", number=order_id)
        assert shown.ephemeral and shown.response.ephemeral
        assert f"#{order_id}" in read(shown.response)
        assert labels(shown.response.message) == ["Show the brief", "Edit the brief", "Cancel the order"]

        asked = await ben.click(shown.response, label="Cancel the order")
        assert asked.modal is not None  # a reason (optional) comes first
        hidden = await eve.slash(world.channel, "order", number=order_id)
        assert "does not exist" in private_answer(hidden)
        assert (await world.rt.service.order(order_id)).stage is Stage.PENDING


async def test_a_card_opened_in_a_dm_becomes_the_orders_only_card_with_buttons_there(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        first = world.card(ana, order_id)
        fresh = await ana.user.slash("order", number=order_id)
        assert not fresh.ephemeral
        assert labels(fresh.response.message) == ["Show the brief", "Accept", "Decline"]
        assert world.card(ana, order_id).id == fresh.response.message.id  # the earlier card went
        assert first.id not in [m.id for m in world.dms(ana)]
        assert "New order" in world.dms(ana)[-2].content  # the notice above it keeps its words


async def test_link_shares_one_account_between_telegram_and_discord_once_confirmed(tmp_path):
    async with discord_world(tmp_path) as world:
        async with world.rt.store.unit_of_work() as uow:
            on_telegram = await uow.accounts.ensure("telegram", "100", name="Ana", chat_id="100")
            await uow.commit()
        code = await world.rt.people.new_link_code(on_telegram.id, "telegram", timedelta(minutes=10), 3)
        ana = world.member("ana")
        asked = await ana.slash(world.channel, "link", code=code.lower())
        assert "joins this Discord account to the account “Ana”, made on Telegram" in private_answer(asked)
        assert labels(asked.response.message) == ["Join “Ana”", "Cancel"]
        assert (await world.account(ana)).id != on_telegram.id  # asking joins nothing
        linked = await ana.click(asked.response, label="Join “Ana”")
        assert "Linked: this Discord account is now Ana's account." in world.now(
            asked.response.message, world.channel, viewer=ana).content
        assert linked.acknowledged and (await world.account(ana)).id == on_telegram.id
        again = await ana.slash(world.channel, "link", code=code)
        assert "unknown or expired" in private_answer(again)
        made = await ana.slash(world.channel, "link")
        assert "On Telegram, send /link" in private_answer(made)


async def test_timezone_is_checked_completed_and_kept(tmp_path):
    async with discord_world(tmp_path) as world:
        ana = world.member("ana")
        assert {"name": "Europe/Paris", "value": "Europe/Paris"} in await ana.autocomplete(
            world.channel, "timezone", "zone", "paris")
        unknown = await ana.slash(world.channel, "timezone", zone="Mars/Olympus")
        assert "I don't know the time zone" in private_answer(unknown)
        await ana.slash(world.channel, "timezone", zone="Europe/Paris")
        assert (await world.account(ana)).timezone == "Europe/Paris"


async def test_a_member_holding_the_moderator_role_joins_the_roster_of_moderators_who_hear_notices(tmp_path):
    async with discord_world(tmp_path) as world:
        mod, ben = world.member("mod", moderator=True), world.member("ben")
        await mod.slash(world.channel, "orders")
        await ben.slash(world.channel, "orders")
        mod_account, ben_account = await world.account(mod), await world.account(ben)
        async with world.rt.store.unit_of_work() as uow:
            [mod_identity] = await uow.accounts.identities(mod_account.id)
            [ben_identity] = await uow.accounts.identities(ben_account.id)
        assert mod_identity.moderator and not ben_identity.moderator


async def test_the_slash_commands_have_french_names_descriptions_and_choices(tmp_path):
    async with discord_world(tmp_path) as world:
        synced = {command.name: command for command in await world.client.tree.fetch_commands()}
        assert set(synced) == {"orders", "order", "link", "language", "timezone",
                               "disputes", "evidence", "suspend", "unsuspend", "audit", "flagged", "offer", "offers",
                               "away", "today"}
        french = {name: command.name_localizations[discord.Locale.french] for name, command in synced.items()}
        assert french == {"orders": "commandes", "order": "commande", "link": "lier", "language": "langue",
                          "timezone": "fuseau-horaire", "disputes": "litiges", "evidence": "preuves",
                          "suspend": "suspendre", "unsuspend": "rétablir", "audit": "journal", "flagged": "signalés",
                          "offer": "offre", "offers": "offres", "away": "absence", "today": "aujourdhui"}
        assert {sub.name: sub.name_localizations[discord.Locale.french] for sub in synced["away"].options} == {
            "status": "statut", "set": "poser", "back": "retour", "limit": "limite"}
        orders = synced["orders"]
        assert orders.description_localizations[discord.Locale.french] == translate(orders.description, "fr")
        [which] = orders.options
        assert which.name_localizations[discord.Locale.french] == "filtre"
        assert [c.name_localizations[discord.Locale.french] for c in which.choices] == [
            "À traiter", translate("Running", "fr"), translate("Closed", "fr")]
        for command in synced.values():
            assert command.description_localizations[discord.Locale.french] != command.description


async def test_a_french_speaking_seller_gets_the_card_and_its_buttons_in_french(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        said = await ana.slash(world.channel, "language", language="fr")
        assert "Français" in private_answer(said)
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        card = world.card(ana, order_id)
        assert labels(card) == ["Voir le cahier des charges", "Accepter", "Refuser"]
        assert "Commande" in read(card)
