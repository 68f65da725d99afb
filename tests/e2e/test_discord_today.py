"""The Today card on Discord, end to end through discord.py against simcord: a message in the seller's DMs, its
deadlines as live timestamps, edited in place when an order changes (after the debounce), its buttons opening the
order's card; /today sends it again; the digest's switch answers privately, in French too."""

from datetime import timedelta

from tests.e2e.discord_world import discord_world, labels
from tests.e2e.test_discord_extensions import speaks
from tests.e2e.test_discord_orders import met, private_answer
from tests.fakes.discord_messages import read

N = "\u00a0"


def today_card(world, member):
    found = [m for m in world.dms(member) if read(m).startswith("### 📌")]
    assert len(found) <= 1, "one Today card per person"
    return found[0] if found else None


async def test_a_sellers_today_card_is_a_dm_edited_in_place_whose_buttons_open_the_order(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await speaks(world, ana, "fr", "Europe/Paris")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        await world.rt.today_poll()
        await world.env.settle()
        card = today_card(world, ana)
        due = int((world.clock.now() + timedelta(hours=48)).timestamp())
        assert read(card) == ("### 📌 Aujourd’hui\n"
                              f"🆕 À accepter{N}: #{order_id} «{N}Logo{N}», avant le <t:{due}:f>, <t:{due}:R>\n"
                              "Un récapitulatif arrive chaque matin à 08:00, à votre heure.")
        assert labels(card) == [f"Ouvrir #{order_id}", "Couper le récapitulatif du matin"]
        assert read(today_card(world, ben)).startswith("### 📌 Today\nNothing needs you today.")

        order_card = world.card(ana, order_id)
        await ana.user.click(order_card, label="Accepter")
        await world.settle()
        await world.rt.today_poll()  # within the debounce: unchanged
        await world.env.settle()
        assert read(today_card(world, ana)) == read(card)
        world.clock.advance(timedelta(seconds=30))
        await world.rt.today_poll()
        await world.env.settle()
        edited = today_card(world, ana)
        assert edited.id == card.id  # the same message, edited in place
        assert read(edited).startswith("### 📌 Aujourd’hui\nRien ne vous attend aujourd’hui.")

        world.clock.advance(timedelta(days=2, hours=1))  # the delivery is due within 24 h
        await world.settle()
        await world.rt.today_poll()
        await world.env.settle()
        edited = today_card(world, ana)
        assert edited.id == card.id and read(edited).startswith(f"### 📌 Aujourd’hui\n⏳ Bientôt dû{N}: #{order_id}")
        await ana.user.click(edited, label=f"Ouvrir #{order_id}")
        await world.env.settle()
        assert "Livrer" in labels(world.card(ana, order_id))

        answer = private_answer(await ana.slash(world.channel, "today"))
        assert answer == (f"Votre fiche «{N}Aujourd’hui{N}» est dans nos messages privés{N}: elle se met à jour "
                          "d’elle-même.")
        again = today_card(world, ana)
        assert again.id != card.id  # sent again at the bottom, the old one gone

        switched = private_answer(await ana.user.click(again, label="Couper le récapitulatif du matin"))
        assert switched == f"C’est fait{N}: plus de récapitulatif le matin. Cette fiche reste à jour."
        await world.env.settle()
        assert labels(today_card(world, ana))[-1] == "Activer le récapitulatif du matin"
