"""Time off and capacity on a real database: what a seller set survives, orders in progress are counted by stage,
and a visitor waiting for a paused offer is a row, told once and then deleted."""

from datetime import timedelta

from sqlalchemy import func, select

from core.availability import IN_PROGRESS, Availability
from core.model import Action, Offer, Stage, Viewer
from core.storefront import Storefront
from storage.tables import outbox, reopen_watches
from storage.unit_of_work import SqlUnitOfWork
from tests.integration.conftest import people


async def test_a_visitor_waiting_for_an_away_sellers_offer_is_told_once_when_the_time_off_ends(engine, clock,
                                                                                             settings):
    ids = await people(engine, clock)
    factory = lambda read_only=False: SqlUnitOfWork(engine, clock, read_only)  # noqa: E731
    availability, front = Availability(factory, clock, settings), Storefront(factory, clock, settings)
    seller, buyer = Viewer(ids["seller"]), Viewer(ids["buyer"])
    await availability.go_away(seller, "2026-01-05", "2026-01-06", "Off skiing", "Europe/Paris")
    refused = await front.orderable(buyer, "logo")
    assert refused.render("en") == ("The seller is away: new orders open again on 2026-01-06 23:00 UTC. "
                                    "Their message: “Off skiing”")
    await availability.watch("logo", buyer)
    await availability.watch("logo", buyer)  # asked twice: one row, told once
    assert await availability.reopen_due() == 0
    clock.advance(timedelta(days=2))
    assert await availability.reopen_due() == 1
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(reopen_watches)) == 0
        texts = (await conn.execute(select(outbox.c.account_id, outbox.c.text))).all()
    assert texts == [(ids["buyer"], {"t": "Good news: “{title}” is open for orders again.",
                                     "p": {"title": "A logo"}})]
    assert await front.orderable(buyer, "logo") != refused


async def test_a_seller_at_their_limit_is_full_once_an_order_is_accepted_and_not_while_it_waits(
        engine, clock, settings, service):
    ids = await people(engine, clock)
    factory = lambda read_only=False: SqlUnitOfWork(engine, clock, read_only)  # noqa: E731
    availability, front = Availability(factory, clock, settings), Storefront(factory, clock, settings)
    seller, buyer = Viewer(ids["seller"]), Viewer(ids["buyer"])
    assert (await availability.limit(seller, "1")).max_in_progress == 1
    placed = await service.place("logo", buyer, paid=10_000, brief="A fox", payment_ref="pay_1")
    async with SqlUnitOfWork(engine, clock) as uow:
        assert await uow.count_in_progress(ids["seller"], IN_PROGRESS) == 0  # pending: not accepted yet
        assert await uow.count_in_progress(ids["seller"], frozenset({Stage.PENDING})) == 1
    assert isinstance(await front.orderable(buyer, "logo"), Offer)  # still open
    await service.act(placed.order.id, Action.ACCEPT, seller)
    assert "when an order finishes" in (await front.orderable(buyer, "logo")).render("en")
    assert (await service.order(placed.order.id)).stage is Stage.IN_PROGRESS  # its order goes on
