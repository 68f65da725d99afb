"""The Today card on Telegram, end to end through the real PTB and the fake Bot API: sent and pinned, edited in
place after a transition no more than once per debounce window, its buttons open the order's card, /today sends it
again, and the morning digest arrives at 08:00 in the seller's zone, in French, and not once she turned it off."""

from datetime import datetime, timedelta, timezone

from core.model import Action, Viewer
from tests.e2e.telegram_shop import say, tap, then
from tests.e2e.telegram_world import LOGO, telegram_world
from tests.e2e.test_telegram_extensions import zone
from tests.e2e.test_telegram_orders import ANA, BEN, paid_order, started

N = "\u00a0"


def card_of(world, chat_id: int, head: str) -> dict | None:
    return next((m for m in reversed(world.fake.sent_to(chat_id)) if (m.get("text") or "").startswith(head)), None)


def edits_of(world, chat_id: int, message_id: int) -> int:
    return len([r for r in world.fake.calls("editMessageText")
                if int(r.params.get("chat_id")) == chat_id and int(r.params.get("message_id")) == message_id])


async def a_french_seller_s_new_order(world, where: str):
    """Ana (in French, in this zone) has Ben's order of her logo to accept; the Today poll ran once (the cards
    drawn, each person's digest planned at 08:00 local)."""
    ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "fr"))
    await zone(world, ANA, where)
    await world.offer(ANA, LOGO)
    order_id = await paid_order(world, BEN)
    await world.rt.today_poll()
    return ana, order_id


async def test_a_sellers_card_is_pinned_edited_in_place_once_per_window_and_opens_the_order(tmp_path):
    async with telegram_world(tmp_path) as world:
        ana, order_id = await a_french_seller_s_new_order(world, "Europe/Paris")
        card = await world.fake.wait_for(lambda: card_of(world, ANA, "📌 Aujourd’hui"))
        assert card["text"] == (f"📌 Aujourd’hui\n🆕 À accepter{N}: #{order_id} «{N}Logo{N}», avant le 04/03/2026 "
                                f"09:00, dans 2 j\nUn récapitulatif arrive chaque matin à 08:00, à votre heure.")
        assert [(text, fmt) for text, _, fmt in world.dates(card)] == [("04/03/2026 09:00", ""), ("dans 2 j", "r")]
        assert world.fake.pinned(ANA) == [card["message_id"]]
        assert world.buttons(card) == [f"Ouvrir #{order_id}", "Couper le récapitulatif du matin"]
        theirs = card_of(world, BEN, "📌 Today")
        assert theirs["text"].splitlines()[1] == "Nothing needs you today."  # the brief is written: nothing to do

        order_card = await world.wait_reply(ANA, f"#{order_id} — Logo")
        ana.press(order_card, world.button(order_card, "Accepter"))
        await world.fake.wait_for(lambda: "Livrer" in world.buttons(world.fake.message(ANA, order_card["message_id"])))
        await world.settle()
        await world.rt.today_poll()  # within the debounce window: not drawn again yet
        assert edits_of(world, ANA, card["message_id"]) == 0
        world.clock.advance(timedelta(days=2, hours=1))  # the delivery is due within 24 h, and 30 s went by
        await world.settle()
        await world.rt.today_poll()
        await world.rt.today_poll()
        now = world.fake.message(ANA, card["message_id"])
        assert edits_of(world, ANA, card["message_id"]) == 1
        assert now["text"].splitlines()[1] == (f"⏳ Bientôt dû{N}: #{order_id} «{N}Logo{N}», à livrer avant le "
                                               "05/03/2026 09:00, dans 23 h")
        assert world.fake.pinned(ANA) == [card["message_id"]]  # the same message, edited in place

        opened = await tap(world, ana, now, f"Ouvrir #{order_id}", f"#{order_id} — Logo")
        assert "Livrer" in world.buttons(opened)
        forged = await then(world, ANA, lambda: ana.press(now, "x:card:NOTHERS", check=False), "n'existe pas")
        assert forged["text"] == "Cette commande n'existe pas."  # a forged line's button: the usual refusal

        again = await say(world, ana, "/today", "📌 Aujourd’hui")
        await world.fake.wait_for(lambda: world.fake.message(ANA, card["message_id"]) is None)  # the old one goes
        assert again["message_id"] != card["message_id"] and world.fake.pinned(ANA) == [again["message_id"]]


async def test_the_digest_comes_at_8_in_the_sellers_zone_in_french_and_not_once_turned_off(tmp_path):
    async with telegram_world(tmp_path) as world:
        ana, order_id = await a_french_seller_s_new_order(world, "America/Montreal")
        world.clock.current = datetime(2026, 3, 2, 12, 59, tzinfo=timezone.utc)  # 07:59 in Montreal
        await world.rt.today_poll()
        await world.settle()
        assert not [m for m in world.fake.sent_to(ANA) if "Bonjour" in (m.get("text") or "")]
        world.clock.current = datetime(2026, 3, 2, 13, 0, tzinfo=timezone.utc)  # 08:00 in Montreal
        await world.rt.today_poll()
        await world.settle()
        digest = await world.wait_reply(ANA, "Bonjour")
        assert digest["text"] == (f"☀️ Bonjour{N}! Voici ce qui vous attend aujourd’hui{N}:\n🆕 À accepter{N}: "
                                  f"#{order_id} «{N}Logo{N}», avant le 04/03/2026 03:00, dans 1 j 19 h")
        assert world.buttons(digest) == [f"Ouvrir #{order_id}", "Couper le récapitulatif du matin"]
        assert world.fake.pinned(ANA) != [digest["message_id"]]  # the digest rings; the card stays pinned
        await world.rt.today_poll()
        await world.settle()
        assert len([m for m in world.fake.sent_to(ANA) if "Bonjour" in (m.get("text") or "")]) == 1

        await tap(world, ana, digest, "Couper le récapitulatif du matin", "Activer le récapitulatif du matin",
                  match=lambda m: "Activer le récapitulatif du matin" in world.buttons(m))
        answer = world.fake.answers[-1]
        assert answer.text == f"C’est fait{N}: plus de récapitulatif le matin. Cette fiche reste à jour."
        forged = ana.press(digest, "x:digest:maybe", check=False)  # a button no version of ours drew
        await world.fake.wait_for(lambda: any(a.callback_query_id == forged for a in world.fake.answers))
        refused = next(a for a in world.fake.answers if a.callback_query_id == forged)
        assert (refused.text, refused.show_alert) == ("Ce bouton n'est pas valide.", True)
        world.clock.current = datetime(2026, 3, 3, 13, 0, tzinfo=timezone.utc)  # the next morning
        await world.rt.today_poll()
        await world.settle()
        assert len([m for m in world.fake.sent_to(ANA) if "Bonjour" in (m.get("text") or "")]) == 1


async def test_a_seller_who_blocked_the_bot_is_not_drawn_again_and_again(tmp_path):
    async with telegram_world(tmp_path) as world:
        ana, order_id = await a_french_seller_s_new_order(world, "Europe/Paris")
        ana.block()
        await world.rt.today_poll()  # Ben's card, nothing for Ana
        world.clock.advance(timedelta(hours=1))
        await world.rt.service.act(order_id, Action.ACCEPT, Viewer((await world.account(ANA)).id))
        world.clock.advance(timedelta(minutes=1))
        assert await world.rt.today_poll() == 2  # both looked at once: Ana's blocked chat is not an error
        refused = [r for r in world.fake.calls("editMessageText") if int(r.params["chat_id"]) == ANA]
        assert [r.response["error_code"] for r in refused] == [403]
        world.clock.advance(timedelta(minutes=1))
        assert await world.rt.today_poll() == 0  # nor retried
