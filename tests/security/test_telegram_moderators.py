"""Moderators on Telegram are the user ids of the config, checked at every act: a user taken off the list is
refused at once and hears no more moderator notices, whatever the database remembers of them."""

from __future__ import annotations

from dataclasses import replace

from core.model import Viewer
from tests.e2e.telegram_shop import started, text_of
from tests.e2e.telegram_world import LOGO, MODERATOR_ID, telegram_world
from tests.e2e.test_telegram_moderation import ask

BEN, ANA = 100, 200


async def payment_notice(world) -> tuple[str, dict]:
    """Ben's manual checkout and the notice every moderator gets for it."""
    account = await world.account(BEN)
    checkout = await world.rt.service.checkout(Viewer(account.id), "manual", offer_id="logo", brief="A fox")
    await world.settle()
    return checkout.id, await world.wait_reply(MODERATOR_ID, f"reference {checkout.id}")


async def test_a_moderator_taken_off_the_list_is_refused_at_once_and_hears_no_more_notices(tmp_path):
    async with telegram_world(tmp_path) as world:
        _, _, mo = await started(world, (BEN, "Ben", "en"), (ANA, "Ana", "en"), (MODERATOR_ID, "Mo", "en"))
        await world.offer(ANA, LOGO)
        assert "No dispute is waiting" in text_of(await ask(world, mo, "/disputes", "dispute"))
        checkout_id, notice = await payment_notice(world)

        # the list no longer names her: the next process starts with it (nothing else changed in the database)
        world.rt.config = replace(world.rt.config, telegram=replace(world.rt.config.telegram, moderators=()))
        await world.restart()
        after = len(world.fake.sent_to(MODERATOR_ID))
        await payment_notice_queued(world)  # a new notice for every moderator, queued while she is flagged
        assert len(world.fake.sent_to(MODERATOR_ID)) == after  # ...checked as it goes: not sent

        pressed = mo.press(notice, world.button(notice, "Confirm payment"))
        answer = await world.fake.wait_for(lambda: world.fake.answer_for(pressed))
        assert "Only a moderator" in answer.text
        async with world.rt.store.unit_of_work() as uow:
            assert (await uow.checkout(checkout_id)).state.value == "awaiting"
        for command in ("/disputes", "/evidence ABC", "/audit", f"/suspend {ANA} spam"):
            assert text_of(await ask(world, mo, command, "moderator")) == "Only moderators can do this."
        assert not (await world.account(ANA)).suspended


async def payment_notice_queued(world) -> None:
    account = await world.account(BEN)
    await world.rt.service.checkout(Viewer(account.id), "manual", offer_id="logo", brief="Another fox")
    await world.settle()
