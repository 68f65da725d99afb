"""No reminder after its deadline: a desk started again after its deadlines passed tells each person what
happened, in order, and never reminds them of something whose time is over."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bots.config import Config
from bots.runtime import build
from core.model import Action, Offer, Payload, Viewer
from core.ports import ManualClock
from tests.e2e.telegram_world import T0
from tests.fakes.notifier import RecordingNotifier
from tests.integration.conftest import POSTGRES_URL, reset

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


@pytest.fixture
async def desk(database_url):
    """Starts the desk (a runtime on a real database, a recording notifier for Telegram); call it again to
    restart it on the same database, as `comptoir run` does after being down."""
    if POSTGRES_URL:
        await reset(database_url)
    clock = ManualClock(T0)
    started = []

    async def start():
        notifier = RecordingNotifier("telegram")
        runtime = build(Config(database_url=database_url), clock, {"telegram": notifier})
        if not started:
            await runtime.store.migrate()
        started.append(runtime)
        return runtime, notifier

    yield start, clock
    for runtime in started:
        await runtime.store.close()


async def cast(rt):
    async with rt.store.unit_of_work() as uow:
        ana = await uow.accounts.ensure("telegram", "1", name="Ana", chat_id="1")
        ben = await uow.accounts.ensure("telegram", "2", name="Ben", chat_id="2")
        await uow.save_offer(Offer("logo", ana.id, "Logo", "A vector logo", 12_000, "EUR", 3))
        await uow.commit()
    return Viewer(ana.id), Viewer(ben.id)


def received(notifier: RecordingNotifier, chat: str) -> list[str]:
    return [m.text.render("en") for m in notifier.sent if m.chat_id == chat]


async def settle(rt):
    await rt.timekeeper.drain()
    await rt.relay.drain()


async def test_a_restart_past_several_deadlines_tells_each_person_what_happened_and_reminds_nobody(desk):
    start, clock = desk
    rt, before = await start()
    ana, ben = await cast(rt)
    pending = (await rt.service.place("logo", ben, paid=12_000, brief="A fox")).order.id
    clock.advance(HOUR)
    late = (await rt.service.place("logo", ben, paid=12_000, brief="A cat")).order.id
    await rt.service.act(late, Action.ACCEPT, ana)
    clock.advance(HOUR)
    unbriefed = (await rt.service.place("logo", ben, paid=12_000)).order.id
    clock.advance(HOUR)
    delivered = (await rt.service.place("logo", ben, paid=12_000, brief="A dog")).order.id
    await rt.service.act(delivered, Action.ACCEPT, ana)
    await rt.service.act(delivered, Action.DELIVER, ana, Payload(text="Done"))
    await rt.relay.drain()
    before.sent.clear()

    clock.advance(8 * DAY)  # the desk was down: every deadline above passed, and every reminder before it
    rt, notifier = await start()
    await settle(rt)

    assert received(notifier, "1") == [
        f"Order #{pending} was cancelled: you did not accept it in time. The buyer is refunded in full.",
        f"Order #{unbriefed} was cancelled: the buyer never wrote the brief, so it could not be accepted in time. "
        "The buyer is refunded in full.",
        f"Order #{late} is late: the delivery deadline has passed. Deliver as soon as you can: the buyer can now "
        "cancel it for a full refund.",
        f"Order #{delivered} closed on its own after the review window: you are paid €120.00.",
    ]
    assert received(notifier, "2") == [
        f"Order #{pending} was cancelled: the seller did not accept it in time. You are refunded in full: "
        "€120.00.",
        f"Order #{unbriefed} was cancelled: you did not write the brief, so the seller could not accept it in time. "
        "You are refunded in full: €120.00.",
        f"Order #{late} is late: the delivery deadline has passed. You can cancel it for a full refund, or keep "
        "waiting.",
        f"Order #{delivered} closed on its own: the review window ended, so the seller is paid. You can still leave "
        "a review.",
    ]
    assert before.sent == []


async def test_a_restart_between_two_reminders_sends_only_the_latest_before_the_deadline(desk):
    start, clock = desk
    rt, _ = await start()
    ana, ben = await cast(rt)
    order_id = (await rt.service.place("logo", ben, paid=12_000, brief="A fox")).order.id
    await rt.relay.drain()

    clock.advance(47 * HOUR)  # both acceptance reminders (24 h and 2 h before) are overdue, the deadline is not
    rt, notifier = await start()
    await settle(rt)

    assert received(notifier, "1") == [
        f"Reminder: order #{order_id} is waiting for you to accept it, or it will be cancelled and refunded."]
    assert received(notifier, "2") == []


async def test_while_the_brief_is_missing_the_acceptance_reminders_go_to_the_buyer(desk):
    start, clock = desk
    rt, notifier = await start()
    ana, ben = await cast(rt)
    order_id = (await rt.service.place("logo", ben, paid=12_000)).order.id
    await settle(rt)
    notifier.sent.clear()

    for hours in (24, 22):
        clock.advance(hours * HOUR)
        await settle(rt)

    reminder = (f"Reminder: order #{order_id} is still waiting for your brief. The seller cannot accept it before you "
                "write it, and it will be cancelled and refunded if it is not accepted in time.")
    assert received(notifier, "2") == [reminder, reminder]
    assert received(notifier, "1") == []
