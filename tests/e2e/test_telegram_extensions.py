"""Extension requests on Telegram, end to end: a seller asks for more time from the card's dialog (days, then a
reason), the buyer accepts or declines from the notice, each in their language, the dates in their zone."""

from datetime import timedelta

from core.model import Deadline
from tests.e2e.telegram_shop import then
from tests.e2e.telegram_world import LOGO, telegram_world
from tests.e2e.test_telegram_moderation import ask, press
from tests.e2e.test_telegram_orders import ANA, BEN, paid_order, started


async def zone(world, user_id: int, name: str) -> None:
    account = await world.account(user_id)
    async with world.rt.store.unit_of_work() as uow:
        await uow.accounts.set_preferences(account.id, timezone=name)
        await uow.commit()


async def accepted_order(world, ana, accept: str, more: str) -> tuple[str, dict]:
    """Ben's order of Ana's logo, accepted from her card: its id, and her card as it is then."""
    await world.offer(ANA, LOGO)
    order_id = await paid_order(world, BEN)
    card = await world.wait_reply(ANA, f"#{order_id}")
    ana.press(card, world.button(card, accept))
    await world.fake.wait_for(lambda: more in world.buttons(world.fake.message(ANA, card["message_id"])))
    await world.settle()
    return order_id, world.fake.message(ANA, card["message_id"])


async def ask_for_more_time(world, ana, order_id: str, card: dict, more: str, label: str, days: str, reason: str):
    """Ana opens the rare actions ("More…"), presses [Ask for more time], then answers the dialog's two questions:
    the dialog's first question, and the card the bot sends her when it ends."""
    ana.press(card, world.button(card, more))
    await world.fake.wait_for(lambda: label in world.buttons(world.fake.message(ANA, card["message_id"])))
    prompt = await press(world, ana, world.fake.message(ANA, card["message_id"]), label)
    await ask(world, ana, days)
    return prompt, await then(world, ANA, lambda: ana.send(reason), f"#{order_id} — Logo")


async def test_a_french_seller_asks_for_three_more_days_and_an_english_buyer_accepts_from_the_notice(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "fr"))
        await zone(world, BEN, "America/Montreal")
        order_id, card = await accepted_order(world, ana, "Accepter", "Plus…")
        due = (await world.rt.service.order(order_id)).deadline(Deadline.DELIVERY)
        # her card, drawn again once she accepted: the delivery deadline as written, and its live countdown
        assert [(text, form) for text, at, form in world.dates(card) if at == int(due.timestamp())] == [
            ("05/03/2026 08:00", ""), ("dans 3 j", "r")]

        # more than the rules allow: said in her language once the dialog ends, and nothing changes
        prompt, card = await ask_for_more_time(world, ana, order_id, card, "Plus…", "Demander un délai", "20",
                                               "Le renard mérite plus de poils.")
        assert prompt["text"] == "Combien de jours de plus vous faut-il pour livrer\u202f?"
        refused = await world.wait_reply(ANA, "Vous pouvez demander")
        assert refused["text"].startswith("Vous pouvez demander de 1 à 14 jours supplémentaires.")
        assert (await world.rt.service.order(order_id)).extension is None

        _, card = await ask_for_more_time(world, ana, order_id, card, "Plus…", "Demander un délai", "3",
                                          "Le renard mérite plus de poils.")
        assert "• Délai supplémentaire demandé\u00a0: 3 jours («\u00a0Le renard mérite plus de poils.\u00a0»)" in \
            card["text"]
        assert "Vous avez demandé un délai supplémentaire" in card["text"]
        ana.press(card, world.button(card, "Plus…"))
        await world.fake.wait_for(lambda: "Plus…" not in world.buttons(world.fake.message(ANA, card["message_id"])))
        assert "Demander un délai" not in world.buttons(world.fake.message(ANA, card["message_id"]))  # one at a time

        # Ben reads the days, the date it would give (in Montreal: 2026-03-08 08:00 UTC is 04:00 EDT), when to
        # answer by (03:00 EST), Ana's reason, and accepts from the notice itself
        await world.settle()
        told = await world.wait_reply(BEN, "asks for an extension")
        assert ("the seller asks for an extension of 3 days to deliver: the delivery deadline would move to "
                "2026-03-08 04:00, in 6 d. Accept or decline it before 2026-03-04 03:00, in 2 d") in told["text"]
        moved, answer = int((due + timedelta(days=3)).timestamp()), int(
            (await world.rt.service.order(order_id)).deadline(Deadline.EXTENSION_ANSWER).timestamp())
        # each date lives: the date as written, and its countdown that Ben's app keeps current
        assert world.dates(told)[:4] == [("2026-03-08 04:00", moved, ""), ("in 6 d", moved, "r"),
                                         ("2026-03-04 03:00", answer, ""), ("in 2 d", answer, "r")]
        card_due = [(text, form) for text, at, form in world.dates(told) if at == int(due.timestamp())]
        assert card_due == [("2026-03-05 03:00", ""), ("in 3 d", "r")]  # the card's delivery deadline, as it stands
        assert "Their reason:\nLe renard mérite plus de poils." in told["text"]
        assert world.buttons(told)[:2] == ["Accept the extension", "Decline the extension"]
        ben.press(told, world.button(told, "Accept the extension"))  # the notice's card becomes the new card
        await world.fake.wait_for(lambda: "Accept the extension" not in world.buttons(
            world.fake.message(BEN, told["message_id"])))

        order = await world.rt.service.order(order_id)
        assert order.extension is None and order.deadline(Deadline.DELIVERY) == due + timedelta(days=3)
        await world.settle()
        yes = await world.wait_reply(ANA, "a accepté votre délai supplémentaire")
        assert ("le client a accepté votre délai supplémentaire de 3 jours. La livraison est désormais attendue le "
                "08/03/2026 08:00, dans 6 j.") in yes["text"]
        assert world.dates(yes)[:2] == [("08/03/2026 08:00", moved, ""), ("dans 6 j", moved, "r")]


async def test_an_english_buyer_declines_with_a_reason_and_the_seller_reads_it(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"))
        order_id, card = await accepted_order(world, ana, "Accept", "More…")
        await ask_for_more_time(world, ana, order_id, card, "More…", "Ask for more time", "2",
                                "The font licence is late.")
        await world.settle()
        told = await world.wait_reply(BEN, "asks for an extension")
        await press(world, ben, told, "Decline the extension", "Tell the other party why (optional)")
        card = await then(world, BEN, lambda: ben.send("The fair is on Friday."), f"#{order_id} — Logo")
        assert "Extension requested" not in card["text"] and "Accept the extension" not in world.buttons(card)
        assert (await world.rt.service.order(order_id)).extension is None
        await world.settle()
        no = await world.wait_reply(ANA, "declined your extension request")
        assert "The delivery deadline stays 2026-03-05 08:00, in 3 d." in no["text"]  # in her zone (UTC by default)
        assert "Their reason:\nThe fair is on Friday." in no["text"]
