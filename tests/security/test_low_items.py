"""The issue's low items, replayed: no token in any log line even at the debug level, logs that carry ids and never
people's words, attachment names that cannot climb folders. (A wrong token is one line that never prints it:
tests/e2e/test_startup_failures.py, the start-up's own tests; a file reference of any length is kept whole:
tests/integration/test_chat_evidence.py, on PostgreSQL too.)"""

from __future__ import annotations

import logging

from bots.files import name_of
from core.model import Viewer
from tests.e2e.cross_world import cross_world
from tests.e2e.discord_world import discord_world
from tests.e2e.telegram_shop import started
from tests.e2e.telegram_world import LOGO, telegram_world
from tests.e2e.test_comptoir_run import comptoir_run, running, stopped
from tests.e2e.test_cross_platform import BEN, marketplace
from tests.e2e.test_discord_orders import met
from tests.e2e.test_discord_rooms import chat_of, room_of
from tests.e2e.test_telegram_orders import paid_order
from tests.fakes.telegram_api import FakeTelegram

ANA = 200
SECRET = "my flat is 4 rue des Lilas, code 1234"


def failing(runtime, name: str) -> None:
    """This use case fails when called (a database gone, a bug): what the error handler logs is the point."""
    async def fail(*args, **kwargs):
        raise RuntimeError("the database is gone")
    setattr(runtime, name, fail)


async def test_no_token_appears_in_the_process_output_even_at_the_debug_level(tmp_path):
    async with FakeTelegram() as fake:
        process = comptoir_run(tmp_path, f'[telegram]\nbase_url = "{fake.base_url}"\n[logging]\nlevel = "debug"\n',
                               COMPTOIR_TELEGRAM_TOKEN=fake.token)
        try:
            await running(process, tmp_path, fake)
            fake.user(100, "Ben").send("/start")
            await fake.wait_for(lambda: fake.last_message(100), timeout=30)
        finally:
            output = stopped(process, tmp_path)
    assert "DEBUG" in output and "getUpdates" in output  # libraries talked about their requests...
    assert fake.token not in output and fake.token.split(":")[1] not in output  # ...never with the token


async def test_an_error_while_handling_a_telegram_message_logs_its_ids_not_the_words(tmp_path, caplog):
    async with telegram_world(tmp_path) as world:
        ben, _ = await started(world, (100, "Ben", "en"), (ANA, "Ana", "en"))
        await world.offer(ANA, LOGO)
        await paid_order(world, 100)
        failing(world.rt, "route")
        with caplog.at_level(logging.ERROR):
            ben.send(SECRET)
            await world.wait_reply(100, "Something went wrong")
        [record] = [r for r in caplog.records if r.name == "bots.telegram.app"]
        assert record.getMessage().startswith("while handling update ") and "(message from user 100" in \
            record.getMessage()
        assert all(SECRET not in r.getMessage() and "rue des Lilas" not in (r.exc_text or "") for r in caplog.records)


async def test_an_error_while_handling_a_discord_modal_logs_its_ids_not_what_was_typed(tmp_path, caplog):
    async with discord_world(tmp_path) as world:
        ana, ben = await met(world, "ana", "ben")
        await world.offer(ana)
        order_id = await world.paid_order(ben)
        card = world.last_dm(ana, f"#{order_id}")
        await ana.user.click(card, label="Accept")
        form = await ana.user.click(world.now(card, ana.user.dm_channel), label="Deliver")
        failing(world.rt, "press")
        with caplog.at_level(logging.ERROR):
            await ana.user.submit_modal(form, {"text": SECRET})
        [record] = [r for r in caplog.records if r.name == "bots.discord.orders"]
        assert f"modal_submit m:{ana.id}:o:{order_id}:deliver" in record.getMessage()
        assert all(SECRET not in r.getMessage() for r in caplog.records)


async def test_an_attachment_named_to_climb_folders_is_kept_and_sent_under_its_own_name(tmp_path):
    async with cross_world(tmp_path) as world:
        tg, dc = world.telegram, world.discord
        _, ana, _ = await marketplace(world)
        buyer = await tg.account(BEN)
        checkout = await world.rt.service.checkout(Viewer(buyer.id), "manual", offer_id="logo", brief="A fox")
        order_id = (await world.rt.service.pay(checkout.id, checkout.amount, checkout.currency, "t")).order.id
        await world.settle()
        await ana.send(room_of(dc), "The sketch", attachments=[("../../evil.exe", b"MZ not really")])
        await world.settle()
        [kept] = await chat_of(dc, order_id)
        assert name_of(kept.files[0]) == "evil.exe"  # (the URL is Discord's, to fetch it by)
        document = await tg.fake.wait_for(lambda: next(
            (m for m in tg.fake.sent_to(BEN) if "document" in m), None), timeout=10)
        assert document["document"]["file_name"] == "evil.exe"
