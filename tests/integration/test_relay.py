"""The outbox relay: at least once, never twice under one dedupe key, patient with platforms."""

from datetime import timedelta

from sqlalchemy import select, update

from bots.relay import Relay, RelayPolicy
from core.model import Viewer
from core.ports import RetryLater, Undeliverable
from storage.outbox import Outbox
from storage.tables import identities, outbox
from storage.unit_of_work import SqlUnitOfWork
from tests.fakes.notifier import RecordingNotifier
from tests.integration.conftest import people


async def rows(engine):
    async with engine.connect() as conn:
        return (await conn.execute(select(outbox).order_by(outbox.c.id))).all()


async def an_order(engine, service, clock):
    ids = await people(engine, clock)
    await service.place("logo", Viewer(ids["buyer"]), paid=10_000, brief="A fox")
    return ids


def relay_for(engine, clock, notifier, **policy):
    return Relay(Outbox(engine), {notifier.platform: notifier}, clock, RelayPolicy(**policy))


async def test_a_notification_is_sent_once_and_marked_sent(engine, service, clock):
    await an_order(engine, service, clock)
    notifier = RecordingNotifier()
    relay = relay_for(engine, clock, notifier)
    assert await relay.drain() == 1
    assert await relay.drain() == 0
    [row] = await rows(engine)
    assert row.sent_at is not None and len(notifier.sent) == 1
    assert notifier.sent[0].chat_id == "200" and "New order" in notifier.sent[0].text.render("en")


async def test_retry_after_is_honoured_and_does_not_count_as_a_failure(engine, service, clock):
    await an_order(engine, service, clock)
    notifier = RecordingNotifier()
    notifier.fail_next(RetryLater(after=30))
    relay = relay_for(engine, clock, notifier)
    assert await relay.drain() == 0
    clock.advance(timedelta(seconds=29))
    assert await relay.drain() == 0 and notifier.sent == []
    clock.advance(timedelta(seconds=1))
    assert await relay.drain() == 1
    [row] = await rows(engine)
    assert row.attempts == 0


async def test_transient_failures_back_off_then_give_up_after_the_maximum_attempts(engine, service, clock):
    await an_order(engine, service, clock)
    notifier = RecordingNotifier()
    notifier.fail_next(*[ConnectionError("down")] * 3)
    relay = relay_for(engine, clock, notifier, max_attempts=3, backoff=1.0)
    for wait in (0, 1, 2):  # 1 s, then 2 s of backoff
        clock.advance(timedelta(seconds=wait))
        assert await relay.drain() == 0
    [row] = await rows(engine)
    assert row.failed_at is not None and row.attempts == 3 and "down" in row.last_error
    clock.advance(timedelta(hours=1))
    assert await relay.drain() == 0 and notifier.sent == []


async def test_a_person_who_blocked_the_bot_is_not_retried_forever(engine, service, clock):
    await an_order(engine, service, clock)
    notifier = RecordingNotifier()
    notifier.fail_next(Undeliverable("bot blocked by the user"))
    await relay_for(engine, clock, notifier).drain()
    [row] = await rows(engine)
    assert row.failed_at is not None and "blocked" in row.last_error


async def test_a_notice_waits_for_someone_who_never_started_the_bot_and_arrives_once_they_do(engine, service, clock):
    ids = await people(engine, clock)
    async with engine.begin() as conn:
        await conn.execute(update(identities).where(identities.c.account_id == ids["seller"]).values(chat_id=None))
    await service.place("logo", Viewer(ids["buyer"]), paid=10_000, brief="A fox")
    notifier = RecordingNotifier()
    relay = relay_for(engine, clock, notifier)
    assert await relay.drain() == 0
    async with SqlUnitOfWork(engine, clock) as uow:  # the seller opens the bot's deep link
        await uow.accounts.ensure("telegram", "200", chat_id="200")
        await uow.commit()
    clock.advance(timedelta(minutes=5))
    assert await relay.drain() == 1 and (await rows(engine))[0].attempts == 0


async def test_a_message_the_platform_already_accepted_is_not_sent_again_after_a_crash(engine, service, clock):
    await an_order(engine, service, clock)
    notifier = RecordingNotifier()
    relay = relay_for(engine, clock, notifier)
    await relay.drain()
    async with engine.begin() as conn:  # as if the process died between sending and marking the row
        await conn.execute(update(outbox).values(sent_at=None))
    assert await relay.drain() == 0
    assert len(notifier.sent) == 1 and (await rows(engine))[0].sent_at is not None


async def test_a_notice_for_a_platform_this_process_does_not_run_waits_for_the_one_that_does(engine, service, clock):
    await an_order(engine, service, clock)
    discord_only = RecordingNotifier("discord")
    await relay_for(engine, clock, discord_only).drain()
    telegram = RecordingNotifier("telegram")
    clock.advance(timedelta(minutes=5))
    assert await relay_for(engine, clock, telegram).drain() == 1


async def test_messages_to_one_chat_keep_their_order_behind_a_rate_limit(engine, service, clock):
    ids = await an_order(engine, service, clock)
    await service.place("logo", Viewer(ids["buyer"]), paid=10_000, brief="A second fox")
    notifier = RecordingNotifier()
    notifier.fail_next(RetryLater(after=3))
    relay = relay_for(engine, clock, notifier)
    assert await relay.drain() == 0  # the first was told to wait, so the second waits behind it
    clock.advance(timedelta(seconds=3))
    assert await relay.drain() == 2
    row_of = {r.dedupe_key: r.id for r in await rows(engine)}
    assert [row_of[m.dedupe_key] for m in notifier.sent] == sorted(row_of.values())


async def test_each_notice_carries_its_order_as_its_batch_read_it_and_one_whose_order_is_gone_goes_without(
        engine, service, clock):
    ids = await an_order(engine, service, clock)
    await service.place("logo", Viewer(ids["buyer"]), paid=10_000, brief="A bee")
    first, second = await rows(engine)
    async with engine.begin() as conn:  # an order unknown by the time its notice goes
        await conn.execute(update(outbox).where(outbox.c.id == second.id).values(order_id="GONE"))
    notifier = RecordingNotifier()
    assert await relay_for(engine, clock, notifier).drain() == 2
    with_order, without = sorted(notifier.sent, key=lambda m: m.order_id == "GONE")
    assert with_order.order == await service.order(first.order_id) and with_order.order.brief == "A fox"
    assert service.notice_card(with_order).order_id == first.order_id
    assert without.order_id == "GONE" and without.order is None and service.notice_card(without) is None
