"""Time off and capacity, over the in-memory unit of work: offers pause and reopen by the clock, visitors told once."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from core.availability import IN_PROGRESS, Availability, TimeOff, Why, away_between, pause, read_limit
from core.events import Refusal, Refused
from core.model import Offer, Stage, Viewer
from core.offers import ASK, ORDER, WATCH, Shown
from core.settings import Settings
from core.storefront import Storefront
from tests.fakes.memory import FakeClock, MemoryUnitOfWork, Store
from tests.unit.orders import at_stage

ANA, BEN, EVE = Viewer("ana"), Viewer("ben"), Viewer("eve")
OFFER = Offer("logo", "ana", "A logo", "Vector logo", 10_000, "EUR", 3)
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def desk():
    store = Store(offers={OFFER.id: OFFER})
    clock = FakeClock(NOW)
    factory = lambda read_only=False: MemoryUnitOfWork(store)  # noqa: E731
    return store, clock, Availability(factory, clock, Settings()), Storefront(factory, clock, Settings())


def test_days_are_read_in_the_sellers_zone_from_the_start_of_the_first_to_the_end_of_the_last():
    start, end = away_between("2026-01-10", "12/01/2026", "Europe/Paris", NOW, Settings())
    assert start == datetime(2026, 1, 9, 23, 0, tzinfo=UTC) and end == datetime(2026, 1, 12, 23, 0, tzinfo=UTC)
    assert "not a date" in away_between("tomorrow", "2026-01-12", "UTC", NOW, Settings()).render("en")
    assert "not a date" in away_between("0001-01-01", "9999-12-31", "Asia/Tokyo", NOW, Settings()).render("en")
    assert "after its start" in away_between("2026-01-12", "2026-01-10", "UTC", NOW, Settings()).render("en")
    assert "after its start" in away_between("2025-12-01", "2026-01-04", "UTC", NOW, Settings()).render("en")
    assert "at most 90 days" in away_between("2026-01-10", "2026-12-10", "UTC", NOW, Settings()).render("en")


def test_a_limit_is_a_whole_number_within_the_setting_or_off():
    assert read_limit("3", Settings()) == 3 and read_limit("off", Settings()) is None
    for bad in ("-1", "three", "51", "2.5", "²", "١"):
        assert "between 1 and 50" in read_limit(bad, Settings()).render("en")


def test_away_comes_first_and_ends_by_itself_at_its_end_without_any_job():
    off = TimeOff("ana", NOW + timedelta(days=1), NOW + timedelta(days=3), "Skiing", max_in_progress=1)
    assert pause(off, 0, NOW) is None
    assert pause(off, 1, NOW).why is Why.FULL
    away = pause(off, 1, NOW + timedelta(days=2))
    assert away.why is Why.AWAY and away.until == NOW + timedelta(days=3)
    assert away.text.render("en") == ("The seller is away: new orders open again on 2026-01-08 09:00 UTC. "
                                      "Their message: “Skiing”")
    assert pause(off, 0, NOW + timedelta(days=3)) is None


def test_only_accepted_orders_not_yet_delivered_count_towards_the_limit():
    assert IN_PROGRESS == {Stage.IN_PROGRESS, Stage.REVISION_REQUESTED}


async def test_an_away_seller_s_offer_is_refused_with_the_date_and_the_visitor_may_ask_to_be_told(desk):
    store, clock, availability, front = desk
    done = await availability.go_away(ANA, "2026-01-05", "2026-01-07", "Back soon", "UTC")
    assert done.away_until == datetime(2026, 1, 8, tzinfo=UTC) and done.message == "Back soon"
    shown = await front.view("logo", BEN)
    assert isinstance(shown, Shown) and shown.actions == (WATCH, ASK)
    assert "open again on 2026-01-08 00:00 UTC" in shown.note.render("en")
    assert shown.note.render("fr") == ("Le vendeur est en congé\u00a0: les commandes rouvrent le 08/01/2026 00:00 UTC. "
                                       "Son message\u00a0: «\u00a0Back soon\u00a0»")
    refused = await front.orderable(BEN, "logo")
    assert refused.code is Refused.OFFER and "away" in refused.render("en")
    own = await front.view("logo", ANA)  # its seller sees it as buyers do, and why they cannot order it
    assert own.actions == () and own.note.render("en") == (
        "Paused for buyers:\nThe seller is away: new orders open again on 2026-01-08 00:00 UTC. "
        "Their message: “Back soon”")
    store.offers["logo"] = replace(OFFER, contact_allowed=False)
    assert (await front.view("logo", BEN)).actions == (WATCH,)
    store.offers["logo"] = OFFER
    told = await availability.watch("logo", BEN)
    assert "once when “A logo” is open" in told.render("en")
    assert store.watches[("logo", "ben")].due == datetime(2026, 1, 8, tzinfo=UTC)


async def test_an_away_message_reaches_visitors_with_its_contact_details_masked(desk):
    store, clock, availability, front = desk
    done = await availability.go_away(ANA, "2026-01-05", "2026-01-07", "Back soon, or write ana dot design at gmail "
                                      "dot com", "UTC")
    assert "gmail" not in done.message and done.message.startswith("Back soon, or write ")
    assert "gmail" not in (await front.view("logo", BEN)).note.render("en")


async def test_the_visitor_is_told_once_when_the_time_off_ends_and_then_forgotten(desk):
    store, clock, availability, front = desk
    await availability.go_away(ANA, "2026-01-05", "2026-01-07", "", "UTC")
    await availability.watch("logo", BEN)
    assert await availability.reopen_due() == 0 and store.outbox == []
    clock.advance(timedelta(days=3))
    assert await availability.reopen_due() == 1
    [notice] = store.outbox
    assert notice.account == "ben" and notice.text.render("en") == "Good news: “A logo” is open for orders again."
    assert store.watches == {} and await availability.reopen_due() == 0 and len(store.outbox) == 1
    assert (await front.view("logo", BEN)).actions == (ORDER, ASK)


async def test_a_seller_back_early_reopens_at_once_and_the_visitor_is_told_at_the_next_look(desk):
    store, clock, availability, front = desk
    await availability.go_away(ANA, "2026-01-05", "2026-01-20", "", "UTC")
    await availability.watch("logo", BEN)
    back = await availability.come_back(ANA)
    assert back.away_until is None
    assert await availability.reopen_due() == 1 and store.outbox[0].account == "ben"


async def test_a_full_seller_reopens_when_an_order_finishes_and_running_orders_are_untouched(desk):
    store, clock, availability, front = desk
    order = replace(at_stage(Stage.IN_PROGRESS).order, seller="ana")
    store.orders[order.id] = order
    assert (await availability.limit(ANA, "1")).max_in_progress == 1
    refused = await front.orderable(BEN, "logo")
    assert "when an order finishes" in refused.render("en")
    assert store.orders[order.id] == order  # its order goes on as it was
    await availability.watch("logo", BEN)
    clock.advance(Settings().reopen_check)
    assert await availability.reopen_due() == 1 and store.outbox == []  # still full: looked at again later
    assert store.watches[("logo", "ben")].due == NOW + 2 * Settings().reopen_check
    store.orders[order.id] = replace(order, stage=Stage.DELIVERED)
    clock.advance(Settings().reopen_check)
    assert await availability.reopen_due() == 1 and [n.account for n in store.outbox] == ["ben"]
    assert await front.orderable(BEN, "logo") == OFFER


async def test_bad_input_is_refused_and_changes_nothing(desk):
    store, clock, availability, front = desk
    for refused in (await availability.go_away(ANA, "soon", "2026-01-07", "", "UTC"),
                    await availability.go_away(ANA, "2026-01-05", "2026-01-07", "x" * 301, "UTC"),
                    await availability.limit(ANA, "lots")):
        assert isinstance(refused, Refusal) and refused.code is Refused.INPUT
    assert store.time_off == {}
    assert (await availability.watch("logo", BEN)).code is Refused.CONDITION  # open: nothing to wait for
    assert (await availability.watch("nope", BEN)).code is Refused.UNKNOWN
    assert store.watches == {}


async def test_the_seller_reads_what_they_set_and_whether_their_offers_are_open(desk):
    store, clock, availability, front = desk
    assert [t.render("en") for t in await availability.status(ANA)] == ["Your offers are open for new orders."]
    await availability.go_away(ANA, "2026-01-05", "2026-01-07", "Skiing", "UTC")
    await availability.limit(ANA, "2")
    lines = [t.render("en") for t in await availability.status(ANA)]
    assert lines[0] == "Time off: from 2026-01-05 00:00 UTC until 2026-01-08 00:00 UTC."
    assert lines[1:3] == ["Visitors read: “Skiing”", "Orders in progress: 0, at most 2 at once."]
    assert lines[3].startswith("Your offers are paused")
