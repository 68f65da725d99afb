"""Time off on Discord, end to end: a seller goes away with /away set, a French visitor reads until when (in their
zone) on /offer view and asks to be told; the time off ends by itself and the visitor is told once by DM."""

from datetime import timedelta

from tests.e2e.discord_world import discord_world, labels, read
from tests.e2e.test_discord_extensions import speaks
from tests.e2e.test_discord_moderation import private_message
from tests.e2e.test_discord_orders import met, private_answer

N = "\u00a0"


async def test_a_seller_goes_away_a_visitor_asks_to_be_told_and_is_told_once_when_it_reopens(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await speaks(world, ana, "en", "America/Montreal")
        await speaks(world, ben, "fr", "Europe/Paris")
        offer = await world.offer(ana)

        bad = private_answer(await ana.slash(world.channel, "away set", first="2026-03-04", last="2026-03-02"))
        assert bad == "The end of your time off must come after its start, and after today."
        away = private_answer(await ana.slash(world.channel, "away set", first="2026-03-02", last="2026-03-03",
                                              message="At a conference"))
        assert away.startswith("Time off: from 2026-03-02 00:00 until 2026-03-04 00:00.\n"
                               "Visitors read: “At a conference”\nYour offers are paused")

        # Ben, in Paris, reads when it reopens there (Montreal's midnight is 06:00 in Paris) and asks to be told
        shown = private_message(await ben.slash(world.channel, "offer view", offer=offer.id))
        assert (f"Le vendeur est en congé{N}: les commandes rouvrent le 04/03/2026 06:00. "
                f"Son message{N}: «{N}At a conference{N}»") in read(shown.message)
        assert labels(shown.message) == ["Prévenez-moi à la réouverture", "Poser une question au vendeur"]
        told = private_answer(await ben.click(shown.message, label="Prévenez-moi à la réouverture"))
        assert told == (f"Nous vous préviendrons une fois, dès que «{N}Logo{N}» sera de nouveau ouvert "
                        "aux commandes.")

        await world.settle()
        assert not [m for m in world.dms(ben) if "Bonne nouvelle" in m.content]
        world.clock.advance(timedelta(days=2))
        await world.settle()
        await world.settle()
        news = [m for m in world.dms(ben) if "Bonne nouvelle" in m.content]
        assert [m.content for m in news] == [f"Bonne nouvelle{N}: «{N}Logo{N}» est de nouveau ouvert aux commandes."]
        shown = private_message(await ben.slash(world.channel, "offer view", offer=offer.id))
        assert labels(shown.message)[0] == "Commander"


async def test_a_seller_sets_a_limit_reads_it_and_comes_back(tmp_path):
    async with discord_world(tmp_path) as world:
        ana, = await met(world, "ana")
        assert private_answer(await ana.slash(world.channel, "away limit", orders="0.5")) == (
            "The number of orders in progress must be a whole number between 1 and 50, or “off”.")
        assert private_answer(await ana.slash(world.channel, "away limit", orders="3")) == (
            "Orders in progress: 0, at most 3 at once.\nYour offers are open for new orders.")
        assert private_answer(await ana.slash(world.channel, "away status")).startswith("Orders in progress: 0")
        assert private_answer(await ana.slash(world.channel, "away back")) == (
            "Welcome back: your time off is cleared.\nOrders in progress: 0, at most 3 at once.\n"
            "Your offers are open for new orders.")
