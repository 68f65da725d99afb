"""Moderators on Telegram, end to end: the dispute queue, evidence, the three-way chat, decisions, sanctions."""

from datetime import timedelta

from core import labels, ledger
from core.checkout import Checkout
from core.engine import allowed_actions
from core.events import Refusal
from core.i18n import translate
from core.model import Action, Payload, Role, Stage, Viewer
from tests.e2e.telegram_world import LOGO, MODERATOR_ID, telegram_world
from tests.e2e.test_telegram_orders import ANA, BEN, paid_order, started

EVE = 300


def fresh_message(world, chat_id: int, seen: set[int], contains: str):
    def found():
        for message in world.fake.sent_to(chat_id):
            text = message.get("text") or message.get("caption") or ""
            if message["message_id"] not in seen and contains in text:
                return message
        return None
    return world.fake.wait_for(found)


async def ask(world, user, text: str, contains: str = "") -> dict:
    """Sends a text and waits for the bot's next new message in that chat that contains `contains`."""
    seen = {m["message_id"] for m in world.fake.sent_to(user.id)}
    user.send(text)
    return await fresh_message(world, user.id, seen, contains)


async def press(world, user, message: dict, label: str, contains: str = "") -> dict:
    """Presses a button and waits for the bot's next new message in that chat that contains `contains`."""
    seen = {m["message_id"] for m in world.fake.sent_to(user.id)}
    user.press(message, world.button(message, label))
    return await fresh_message(world, user.id, seen, contains)


async def evidence_file(world, message: dict) -> str:
    return world.fake.file_content(message["document"]["file_id"]).decode("utf-8")


async def test_a_sellers_dispute_goes_from_the_queue_through_evidence_and_a_three_way_chat_to_a_split(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana, mo = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"), (MODERATOR_ID, "Mo", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        card = await world.wait_reply(ANA, f"#{order_id}")
        ana.press(card, world.button(card, "Accept"))
        await world.fake.wait_for(lambda: "More…" in world.buttons(world.fake.message(ANA, card["message_id"])))
        await ask(world, ana, "Hello Ben, which colours?", "Sent to order")
        await ask(world, ben, "Blue. Mail me at ben@example.com", "Sent to order")
        await world.settle()

        # the seller opens the dispute from the order card (one tap further, behind "More…"), with a reason
        card = world.fake.message(ANA, card["message_id"])
        ana.press(card, world.button(card, "More…"))
        await world.fake.wait_for(
            lambda: "Open a dispute" in world.buttons(world.fake.message(ANA, card["message_id"])))
        dialog = await press(world, ana, world.fake.message(ANA, card["message_id"]), "Open a dispute", "Say why")
        assert world.buttons(dialog) == ["Cancel"]
        await ask(world, ana, "The buyer changes the brief every day", "in dispute")
        await world.settle()
        alert = await world.wait_reply(MODERATOR_ID, f"New dispute on order #{order_id}, opened by the seller")
        assert world.buttons(alert) == ["Take this dispute", "Refund the buyer", "Pay the seller", "Split",
                                        "Resume the order", "Show the brief"]

        # the queue shows who opened it, why, and that nobody took it yet
        queue = await ask(world, mo, "/disputes", "Disputes waiting")
        assert "Disputes waiting: 1 — page 1/1" in queue["text"]
        assert f"1. #{order_id} — Logo — €120.00" in queue["text"]
        assert "Opened by the seller (Ana) on " in queue["text"]
        assert "“The buyer changes the brief every day”" in queue["text"] and "Not taken yet." in queue["text"]
        assert world.buttons(queue) == [f"#{order_id} Logo", "Evidence"]

        # the evidence, from the queue's button: the timeline and the whole chat, flagged message marked
        document = await press(world, mo, queue, "Evidence", f"Evidence for order #{order_id}")
        assert document["document"]["file_name"] == f"order-{order_id}-evidence.txt"
        bundle = await evidence_file(world, document)
        assert "Buyer: Ben (buyer)" in bundle and "Seller: Ana (seller)" in bundle
        assert "Ana (seller) — Accept — waiting for acceptance → in progress" in bundle
        assert "Ana (seller) — Open a dispute — in progress → in dispute" in bundle
        assert "    “The buyer changes the brief every day”" in bundle
        assert "— Ana (seller):\n    Hello Ben, which colours?" in bundle
        assert "⚑ 2026-03-02 08:00 — Ben (buyer):\n    Blue. Mail me at […]" in bundle

        # the moderator takes it from the alert's card; both parties hear it and the queue says who
        mo.press(alert, world.button(alert, "Take this dispute"))
        await world.fake.wait_for(
            lambda: world.buttons(world.fake.message(MODERATOR_ID, alert["message_id"]))
            == ["Refund the buyer", "Pay the seller", "Split", "Resume the order", "Show the brief"])
        assert (await world.rt.service.order(order_id)).dispute.moderator == (await world.account(MODERATOR_ID)).id
        await world.settle()
        await world.wait_reply(BEN, "a moderator took the dispute")
        await world.wait_reply(ANA, "a moderator took the dispute")
        queue = await ask(world, mo, "/disputes", "Disputes waiting")
        assert "Taken by Mo." in queue["text"]

        # the queue's card button opens the card with core's moderator buttons (the older card loses its own)
        opened = await press(world, mo, queue, f"#{order_id} Logo", f"Order #{order_id}")
        assert world.buttons(opened) == ["Refund the buyer", "Pay the seller", "Split", "Resume the order",
                                         "Show the brief"]
        await world.fake.wait_for(lambda: world.buttons(world.fake.message(MODERATOR_ID, alert["message_id"])) == [])

        # the chat is three-way now
        await ask(world, mo, "Hello both, I am reading the order.", f"Sent to order #{order_id}")
        await ask(world, ben, "The brief never changed.", f"Sent to order #{order_id}")
        await world.settle()
        for party in (BEN, ANA):
            await world.wait_reply(party, f"Message from the moderator on order #{order_id}: Hello both")
        for listener in (ANA, MODERATOR_ID):
            await world.wait_reply(listener, f"Message from the buyer on order #{order_id}: The brief never changed.")
        assert not [m for m in world.fake.sent_to(MODERATOR_ID) if "Hello both" in (m.get("text") or "")]

        # /evidence gives the bundle again, now with the whole conversation
        document = await ask(world, mo, f"/evidence {order_id}", f"Evidence for order #{order_id}")
        bundle = await evidence_file(world, document)
        assert "Mo (moderator):\n    Hello both, I am reading the order." in bundle
        assert "Ben (buyer):\n    The brief never changed." in bundle
        assert "Mo (moderator) — Take this dispute — in dispute → in dispute" in bundle

        # the decision: split through the card's dialog, amount then reason
        await press(world, mo, world.fake.message(MODERATOR_ID, opened["message_id"]), "Split", "How much, in EUR?")
        await ask(world, mo, "40", "And why?")
        decided = await ask(world, mo, "Half the work was done, as the chat shows.", "Done.")
        assert "Completed" in decided["text"] and world.buttons(decided) == ["Show the brief"]
        order = await world.rt.service.order(order_id)
        assert order.stage is Stage.COMPLETED and order.refunded == 4_000
        buyer, seller = await world.account(BEN), await world.account(ANA)
        async with world.rt.store.unit_of_work() as uow:
            balances = await uow.balances()
        assert balances[ledger.buyer(buyer.id)] == 4_000
        assert balances[ledger.seller(seller.id)] == 8_000
        assert balances[ledger.escrow(order_id)] == 0
        await world.settle()
        for party in (BEN, ANA):
            told = await world.wait_reply(party, "the moderator split the funds")
            assert "Refunded so far: €40.00" in told["text"]
            assert "Half the work was done, as the chat shows." in told["text"]
        audit = await ask(world, mo, "/audit", "Audit trail")
        assert (f"Mo — Split — #{order_id}: “Half the work was done, as the chat shows.” — "
                "To the buyer: €40.00; the rest to the seller.") in audit["text"]


#: what each role sees on the card at each stage: the step to take first, the rare actions behind "More…", the
#: brief one tap away; with "More…" pressed, the card's actions are exactly core.engine.allowed_actions
MORE, BRIEF = "More…", "Show the brief"
STAGE_BUTTONS = {
    Stage.PENDING: {
        Role.BUYER: ["Edit the brief", "Cancel the order", BRIEF],
        Role.SELLER: ["Accept", "Decline", BRIEF],
        Role.MODERATOR: ["Freeze", BRIEF],
    },
    Stage.IN_PROGRESS: {
        Role.BUYER: ["Request cancellation", MORE, BRIEF],
        Role.SELLER: ["Deliver", "Cancel the order", MORE, BRIEF],
        Role.MODERATOR: ["Freeze", BRIEF],
    },
    Stage.DELIVERED: {
        Role.BUYER: ["Complete", "Request a revision", MORE, BRIEF],
        Role.SELLER: ["Open a dispute", BRIEF],
        Role.MODERATOR: ["Freeze", BRIEF],
    },
    Stage.REVISION_REQUESTED: {
        Role.BUYER: ["Open a dispute", BRIEF],
        Role.SELLER: ["Accept the revision", "Refuse the revision", MORE, BRIEF],
        Role.MODERATOR: ["Freeze", BRIEF],
    },
    Stage.REVISION_REFUSED: {
        Role.BUYER: ["Complete", MORE, BRIEF],
        Role.SELLER: ["Cancel the order", MORE, BRIEF],
        Role.MODERATOR: ["Freeze", BRIEF],
    },
    Stage.DISPUTED: {
        Role.BUYER: [BRIEF],
        Role.SELLER: [BRIEF],
        Role.MODERATOR: ["Take this dispute", "Refund the buyer", "Pay the seller", "Split", "Resume the order", BRIEF],
    },
}


async def every_stage(rt, order_id: str, buyer: Viewer, seller: Viewer):
    """The order moved by its parties through STAGE_BUTTONS' stages: (the order, what each role sees) at each."""
    moves = {
        Stage.IN_PROGRESS: (Action.ACCEPT, seller, Payload()),
        Stage.DELIVERED: (Action.DELIVER, seller, Payload(text="Here is the fox.")),
        Stage.REVISION_REQUESTED: (Action.REQUEST_REVISION, buyer, Payload(text="Smaller please")),
        Stage.REVISION_REFUSED: (Action.REFUSE_REVISION, seller, Payload(text="The brief said big")),
        Stage.DISPUTED: (Action.OPEN_DISPUTE, buyer, Payload(text="We cannot agree")),
    }
    for stage, expected in STAGE_BUTTONS.items():
        if stage in moves:
            action, viewer, payload = moves[stage]
            assert not isinstance(await rt.service.act(order_id, action, viewer, payload), Refusal)
        order = await rt.service.order(order_id)
        assert order.stage is stage
        yield order, expected


def core_actions(rt, order, viewer: Viewer) -> set[str]:
    """The labels of what core lets this viewer do on the order now."""
    return {translate(labels.ACTION[a], "en")
            for a in allowed_actions(order, viewer, rt.clock.now(), rt.config.settings)}


async def test_each_role_sees_exactly_cores_actions_on_the_card_at_every_stage(tmp_path):
    async with telegram_world(tmp_path) as world:
        users = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"), (MODERATOR_ID, "Mo", "en"))
        await world.offer(ANA, LOGO)
        order_id = await paid_order(world, BEN)
        buyer, seller = Viewer((await world.account(BEN)).id), Viewer((await world.account(ANA)).id)
        viewers = {Role.BUYER: buyer, Role.SELLER: seller,
                   Role.MODERATOR: Viewer((await world.account(MODERATOR_ID)).id, moderator=True)}
        people = dict(zip((Role.BUYER, Role.SELLER, Role.MODERATOR), users))
        async for order, expected in every_stage(world.rt, order_id, buyer, seller):
            stage = order.stage
            for role, user in people.items():
                card = await ask(world, user, f"/start order_{order_id}", f"Order #{order_id}")
                assert world.buttons(card) == expected[role], (stage, role)
                if MORE in expected[role]:
                    user.press(card, world.button(card, MORE))
                    await world.fake.wait_for(lambda: MORE not in world.buttons(world.fake.message(user.id,
                                                                                             card["message_id"])))
                    card = world.fake.message(user.id, card["message_id"])
                assert set(world.buttons(card)) - {BRIEF} == core_actions(world.rt, order, viewers[role]), (stage, role)


async def test_people_who_do_not_moderate_are_told_so_in_their_language(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, eve = await started(world, (BEN, "Ben", "en"), (EVE, "Eve", "fr"))
        for command in ("/disputes", "/suspend 200 spam", "/unsuspend 200 sorry", "/audit", "/audit 5",
                        "/evidence ABC"):
            refused = await ask(world, ben, command)
            assert refused["text"] == "Only moderators can do this.", command
            assert refused.get("document") is None
        refused = await ask(world, eve, "/disputes")
        assert refused["text"] == "Seuls les modérateurs peuvent faire cela."
        # a forged queue button is refused too
        for data in ("x:disputes:0", "x:evidence:ABC"):
            query = eve.press(refused, data, check=False)
            answer = await world.fake.wait_for(lambda: world.fake.answer_for(query))
            assert answer.text == "Seuls les modérateurs peuvent faire cela." and answer.show_alert
        async with world.rt.store.unit_of_work() as uow:
            assert await uow.audit.entries() == []


async def test_a_suspended_seller_takes_no_new_order_until_the_suspension_is_lifted(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, mo = await started(world, (BEN, "Ben", "en"), (MODERATOR_ID, "Mo", "en"))
        ana = world.fake.user(ANA, "Ana", username="Ana_Draws", language_code="en")
        await ask(world, ana, "/start")
        await world.offer(ANA, LOGO)
        buyer = Viewer((await world.account(BEN)).id)

        usage = await ask(world, mo, "/suspend @ana_draws")
        assert usage["text"] == "Usage: /suspend <Telegram user id or @username> <reason>"
        unknown = await ask(world, mo, "/suspend @nobody_here Spam")
        assert "I don't know @nobody_here" in unknown["text"]
        done = await ask(world, mo, "/suspend @ana_draws Declared two empty deliveries", "Suspended")
        assert done["text"].startswith("Suspended: Ana. They can take no new orders")
        assert (await world.account(ANA)).suspended

        refused = await world.rt.service.checkout(buyer, "manual", offer_id="logo", brief="A fox")
        assert isinstance(refused, Refusal)
        assert refused.render("en") == "This seller cannot take orders at the moment."
        again = await ask(world, mo, f"/suspend {ANA} twice")
        assert again["text"] == "This account is already suspended."
        myself = await ask(world, mo, f"/suspend {MODERATOR_ID} oops")
        assert myself["text"] == "You cannot suspend or unsuspend your own account."

        world.clock.advance(timedelta(hours=1))
        lifted = await ask(world, mo, f"/unsuspend {ANA} Appeal accepted", "Suspension lifted")
        assert lifted["text"] == "Suspension lifted: Ana can take orders again."
        assert isinstance(await world.rt.service.checkout(buyer, "manual", offer_id="logo", brief="A fox"), Checkout)

        audit = (await ask(world, mo, "/audit", "Audit trail"))["text"].splitlines()
        assert audit[0] == "Audit trail, newest first (times in UTC):"
        assert audit[1] == ("2026-03-02 09:00 — Mo — lifted the suspension of Ana: “Appeal accepted” "
                            "— as telegram:900 telegram.moderators")
        assert audit[2] == ("2026-03-02 08:00 — Mo — suspended Ana: “Declared two empty deliveries” "
                            "— as telegram:900 telegram.moderators")
        assert (await ask(world, mo, "/audit 1", "Audit trail"))["text"].count("\n") == 1
        assert (await ask(world, mo, "/audit lots"))["text"].startswith("Usage: /audit")



async def test_the_queue_shows_five_disputes_a_page_oldest_first(tmp_path):
    async with telegram_world(tmp_path) as world:
        ben, ana, mo = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"), (MODERATOR_ID, "Mo", "en"))
        await world.offer(ANA, LOGO)
        buyer, seller = Viewer((await world.account(BEN)).id), Viewer((await world.account(ANA)).id)
        disputed = []
        for number in range(6):
            order_id = await paid_order(world, BEN)
            await world.rt.service.act(order_id, Action.ACCEPT, seller)
            world.clock.advance(timedelta(minutes=1))
            await world.rt.service.act(order_id, Action.OPEN_DISPUTE, buyer, Payload(text=f"reason {number}"))
            disputed.append(order_id)
        first = await ask(world, mo, "/disputes", "Disputes waiting")
        assert "Disputes waiting: 6 — page 1/2" in first["text"]
        assert [line.split(" — ")[0] for line in first["text"].splitlines() if line[:1].isdigit()] == [
            f"{n}. #{order_id}" for n, order_id in enumerate(disputed[:5], 1)]
        assert world.buttons(first)[-1] == "▶" and "◀" not in world.buttons(first)
        mo.press(first, world.button(first, "▶"))
        second = await world.fake.wait_for(
            lambda: (m := world.fake.message(MODERATOR_ID, first["message_id"])) and "page 2/2" in m["text"] and m)
        assert f"6. #{disputed[5]} — Logo" in second["text"] and "“reason 5”" in second["text"]
        assert world.buttons(second) == [f"#{disputed[5]} Logo", "Evidence", "◀"]
