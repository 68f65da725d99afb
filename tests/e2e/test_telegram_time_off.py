"""Time off on Telegram, end to end: a French seller goes away with /away, an English visitor reads until when (in
their zone) and asks to be told; the time off ends by itself and the visitor is told once. /away's limit and
its bad input too; a running order goes on, its reminders with it."""

from datetime import timedelta

from core.events import Refusal
from core.model import Stage, Viewer
from tests.e2e.telegram_shop import say, tap
from tests.e2e.telegram_world import LOGO, telegram_world
from tests.e2e.test_telegram_extensions import accepted_order, zone
from tests.e2e.test_telegram_orders import ANA, BEN, started

N = "\u00a0"


async def test_a_seller_goes_away_a_visitor_is_refused_with_the_date_asks_to_be_told_and_is_told_once(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "fr"))
        await zone(world, ANA, "Europe/Paris")
        await zone(world, BEN, "America/Montreal")
        await world.offer(ANA, LOGO)

        status = await say(world, ana, "/away", "/away off")
        assert status["text"].startswith("Vos offres sont ouvertes aux nouvelles commandes.\n\nAbsences et capacité")
        bad = await say(world, ana, "/away demain 04/03/2026", "date")
        assert bad["text"] == f"Ce n’est pas une date{N}: écrivez-la comme 24/12/2026 ou 2026-12-24."
        away = await say(world, ana, "/away 02/03/2026 04/03/2026 Au ski, de retour jeudi", "Absence")
        assert away["text"] == (f"Absence{N}: du 02/03/2026 00:00 au 05/03/2026 00:00.\n"
                                f"Les visiteurs lisent{N}: «{N}Au ski, de retour jeudi{N}»\n"
                                f"Vos offres sont en pause{N}: pas de nouvelle commande pour le moment. Les commandes "
                                "en cours continuent comme d’habitude, avec leurs rappels.")

        own = await say(world, ana, "/start offer_logo", "En pause pour les clients")
        assert own["text"].endswith(f"En pause pour les clients{N}:\nLe vendeur est en congé{N}: les commandes "
                                    f"rouvrent le 05/03/2026 00:00. Son message{N}: «{N}Au ski, de retour jeudi{N}»")
        assert world.buttons(own) == []

        # Ben reads until when in Montreal (Paris's midnight is 18:00 there); he may ask to be told, or ask Ana
        page = await say(world, ben, "/start offer_logo", "A vector logo")
        assert page["text"].endswith("The seller is away: new orders open again on 2026-03-04 18:00. "
                                     "Their message: “Au ski, de retour jeudi”")
        assert world.buttons(page) == ["Tell me when it reopens", "Ask the seller a question"]
        buyer = Viewer((await world.account(BEN)).id)
        refused = await world.rt.service.checkout(buyer, "manual", offer_id="logo", brief="A fox")
        assert isinstance(refused, Refusal) and "away" in refused.render("en")
        told = await tap(world, ben, page, "Tell me when it reopens", "We will tell you")
        assert told["text"] == "We will tell you once when “Logo” is open for orders again."

        await world.settle()
        assert not [m for m in world.fake.sent_to(BEN) if "Good news" in (m.get("text") or "")]
        world.clock.advance(timedelta(days=3))  # past Paris's midnight of the 5th: open again, with no job
        await world.settle()
        await world.settle()
        news = await world.wait_reply(BEN, "Good news")
        assert news["text"] == "Good news: “Logo” is open for orders again."
        assert world.buttons(await say(world, ben, "/start offer_logo", "A vector logo"))[0] == "Order now"
        await world.settle()
        assert len([m for m in world.fake.sent_to(BEN) if "Good news" in (m.get("text") or "")]) == 1


async def test_a_seller_sets_a_limit_of_orders_in_progress_and_is_told_what_is_wrong_with_a_bad_one(tmp_path):
    async with telegram_world(tmp_path) as world:
        ana, = await started(world, (ANA, "Ana", "en"))
        bad = await say(world, ana, "/away max lots", "whole number")
        assert bad["text"] == "The number of orders in progress must be a whole number between 1 and 50, or “off”."
        limit = await say(world, ana, "/away max 2", "at most 2")
        assert limit["text"] == "Orders in progress: 0, at most 2 at once.\nYour offers are open for new orders."
        off = await say(world, ana, "/away max off", "open for new orders")
        assert "at most" not in off["text"]
        back = await say(world, ana, "/away off", "Welcome back")
        assert back["text"] == "Welcome back: your time off is cleared.\nYour offers are open for new orders."


async def test_an_away_seller_s_running_order_goes_on_and_she_is_still_reminded_of_its_deadline(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        order_id, _ = await accepted_order(world, ana, "Accept", "More…")
        await say(world, ana, "/away 2026-03-02 2026-03-09 Back next week", "Your offers are paused")
        world.clock.advance(timedelta(days=2, hours=9))  # 24 h before the 3 days' delivery deadline
        await world.settle()
        reminded = await world.wait_reply(ANA, "Reminder")
        assert reminded["text"].startswith(f"Reminder: order #{order_id} is due soon. Deliver it on time.")
        assert (await world.rt.service.order(order_id)).stage is Stage.IN_PROGRESS
