"""The Today card on a real database: a change of an order marks both parties' cards out of date in its own
transaction, a card drawn meanwhile stays out of date, the debounce holds, and the morning digest comes once per
local day, across a restart too."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.model import SYSTEM, Action, Viewer
from core.service import Service
from core.settings import Settings
from core.today import TodayMessage, TodayRules, Todays
from storage.database import connect
from storage.migrate import downgrade_async, upgrade_async
from storage.tables import outbox
from storage.unit_of_work import SqlUnitOfWork
from tests.fakes.memory import FakeClock
from tests.integration.conftest import people


def todays(engine, clock, **rules) -> Todays:
    return Todays(lambda read_only=False: SqlUnitOfWork(engine, clock, read_only), clock, TodayRules(**rules))


async def state(engine, clock, account):
    async with SqlUnitOfWork(engine, clock, read_only=True) as uow:
        return await uow.today_state(account)


async def test_a_placed_order_marks_both_parties_and_each_change_counts_once_more(engine, clock, service):
    ids = await people(engine, clock)
    seller, buyer = Viewer(ids["seller"]), Viewer(ids["buyer"])
    placed = await service.place("logo", buyer, paid=10_000, brief="A fox", payment_ref="pay_1")
    for who in (ids["seller"], ids["buyer"]):
        marked = await state(engine, clock, who)
        assert (marked.changes, marked.shown, marked.dirty_since) == (1, 0, clock.now())
    clock.advance(timedelta(minutes=5))
    await service.act(placed.order.id, Action.ACCEPT, seller)
    marked = await state(engine, clock, ids["seller"])
    assert (marked.changes, marked.dirty_since) == (2, clock.now() - timedelta(minutes=5))  # dirty since the first
    assert (await state(engine, clock, ids["moderator"])) is None  # not a party


async def test_a_card_drawn_while_a_change_comes_stays_out_of_date_and_the_debounce_holds(engine, clock, service):
    ids = await people(engine, clock)
    seller, buyer = Viewer(ids["seller"]), Viewer(ids["buyer"])
    desk = todays(engine, clock, debounce=timedelta(seconds=30))
    placed = await service.place("logo", buyer, paid=10_000, brief="A fox", payment_ref="pay_1")
    due = {d.state.account: d for d in await desk.due_cards(10)}
    assert set(due) == {ids["seller"], ids["buyer"]}
    drawn = due[ids["seller"]]
    assert [line.order_id for line in drawn.card.lines] == [placed.order.id]
    assert [r.identity.chat_id for r in drawn.readers] == ["200"]
    await service.act(placed.order.id, Action.ACCEPT, seller)  # after the card was drawn, before it is kept shown
    await desk.shown(drawn.state, [TodayMessage(ids["seller"], "telegram", "200", "77")])
    await desk.shown(due[ids["buyer"]].state, [])
    for who in (ids["seller"], ids["buyer"]):  # the acceptance is on neither card yet
        assert (await state(engine, clock, who)).dirty
    assert await desk.due_cards(10) == []  # drawn less than 30 s ago
    clock.advance(timedelta(seconds=30))
    again = await desk.due_cards(10)
    assert {d.state.account for d in again} == {ids["seller"], ids["buyer"]}
    seller_due = next(d for d in again if d.state.account == ids["seller"])
    assert seller_due.messages == (TodayMessage(ids["seller"], "telegram", "200", "77"),)
    await desk.shown(seller_due.state, [])
    assert not (await state(engine, clock, ids["seller"])).dirty


async def test_a_deadline_the_system_applies_marks_the_parties_too(engine, clock, service, settings):
    ids = await people(engine, clock)
    placed = await service.place("logo", Viewer(ids["buyer"]), paid=10_000, brief="A fox", payment_ref="pay_1")
    desk = todays(engine, clock)
    for due in await desk.due_cards(10):
        await desk.shown(due.state, [])
    clock.advance(settings.acceptance + timedelta(minutes=1))
    await service.act(placed.order.id, Action.ACCEPTANCE_TIMEOUT, SYSTEM)
    assert (await state(engine, clock, ids["seller"])).dirty and (await state(engine, clock, ids["buyer"])).dirty


async def digests(engine, clock):
    async with engine.connect() as conn:
        return (await conn.execute(select(outbox.c.account_id, outbox.c.dedupe_key)
                                   .where(outbox.c.dedupe_key.like("today:%")))).all()


async def test_the_digest_comes_at_8_in_the_sellers_zone_once_per_day_across_a_restart_and_not_when_off(
        engine, clock, service, database_url):
    ids = await people(engine, clock)
    async with SqlUnitOfWork(engine, clock) as uow:
        await uow.accounts.set_preferences(ids["seller"], timezone="Europe/Paris")
        await uow.commit()
    clock.current = datetime(2026, 1, 5, 5, 0, tzinfo=UTC)  # 06:00 in Paris
    await service.place("logo", Viewer(ids["buyer"]), paid=10_000, brief="A fox", payment_ref="pay_1")
    desk = todays(engine, clock)
    assert await desk.digests(10) == 2  # planned, none sent
    assert await digests(engine, clock) == []
    clock.current = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)  # 08:00 in Paris
    assert await desk.digests(10) == 1
    assert await digests(engine, clock) == [(ids["seller"], f"today:{ids['seller']}:2026-01-05:telegram:200")]
    clock.advance(timedelta(minutes=1))
    other = connect(database_url)  # another process, after a restart: same database, nothing sent twice
    try:
        assert await todays(other, clock).digests(10) == 0
    finally:
        await other.dispose()
    assert len(await digests(engine, clock)) == 1
    clock.current = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # the buyer's 08:00 (UTC): nothing to do, no digest
    assert await desk.digests(10) == 1 and len(await digests(engine, clock)) == 1
    await desk.set_digest(Viewer(ids["seller"]), on=False)
    clock.current = datetime(2026, 1, 6, 7, 0, tzinfo=UTC)
    await desk.digests(10)
    assert len(await digests(engine, clock)) == 1  # turned off
    await desk.set_digest(Viewer(ids["seller"]), on=True)
    clock.current = datetime(2026, 1, 7, 7, 0, tzinfo=UTC)
    await desk.digests(10)
    assert [key for _, key in await digests(engine, clock)][-1].startswith(f"today:{ids['seller']}:2026-01-07")


class Refusing:
    """A platform that refuses every card for now (a rate limit, an outage)."""

    platform = "telegram"

    async def show(self, account, chat_id, card, where, fresh=False):
        raise RuntimeError("try again later")


async def test_a_card_a_platform_refused_stays_out_of_date_and_is_drawn_again_after_the_debounce(engine, clock,
                                                                                                 service):
    from bots.today import TodayPoll

    ids = await people(engine, clock)
    await service.place("logo", Viewer(ids["buyer"]), paid=10_000, brief="A fox", payment_ref="pay_1")
    poll = TodayPoll(todays(engine, clock), 5.0, 10)
    poll.desks["telegram"] = Refusing()
    assert await poll() == 2 + 2  # two digests planned, two cards looked at
    assert (await state(engine, clock, ids["seller"])).dirty
    assert await poll() == 0  # within the debounce: nobody
    clock.advance(timedelta(seconds=30))
    assert await poll() == 2


async def test_upgrading_a_desk_with_running_orders_puts_their_parties_today_cards_on_the_way(empty_database):
    """Migration 0009 on a desk written before it: the parties of running orders get a card at the first poll
    (and their digest planned) without waiting for one of their orders to change; a closed order's do not."""
    await upgrade_async(empty_database)
    engine = connect(empty_database)
    clock = FakeClock()
    try:
        service = Service(lambda **kw: SqlUnitOfWork(engine, clock, **kw), clock, Settings())
        ids = await people(engine, clock)
        running = await service.place("logo", Viewer(ids["buyer"]), paid=10_000, brief="A fox", payment_ref="p1")
        async with SqlUnitOfWork(engine, clock) as uow:
            other = await uow.accounts.ensure("telegram", "300", name="Cy", chat_id="300")
            await uow.commit()
        closed = await service.place("logo", Viewer(other.id), paid=10_000, brief="A cat", payment_ref="p2")
        await service.act(closed.order.id, Action.CANCEL, Viewer(other.id))
        await downgrade_async(empty_database, "0008")  # as the desk was before the Today cards
        await upgrade_async(empty_database)
        states = {who: await state(engine, clock, who) for who in (ids["buyer"], ids["seller"], other.id)}
        due = await todays(engine, clock).due_cards(limit=10)
    finally:
        await engine.dispose()
    paid_at = running.order.paid_at
    for who in (ids["buyer"], ids["seller"]):
        assert (states[who].changes, states[who].shown, states[who].dirty_since) == (1, 0, paid_at)
        assert states[who].digest_due is None and not states[who].digest_off  # planned at the first poll
    assert states[other.id] is None  # only a closed order: nothing needs them
    assert sorted(d.state.account for d in due) == sorted((ids["buyer"], ids["seller"]))  # the first poll draws them
    [sellers] = [d for d in due if d.state.account == ids["seller"]]
    assert [line.order_id for line in sellers.card.lines] == [running.order.id]  # to accept
