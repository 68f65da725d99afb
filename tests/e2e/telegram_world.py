"""A marketplace on Telegram for end-to-end tests: the real python-telegram-bot Application, polling
the fake Bot API on 127.0.0.1, over a real SQLite file, with a clock the test moves."""

from __future__ import annotations

import contextlib
from datetime import datetime, timezone

from bots.config import Config, DiscordConfig, TelegramConfig
from bots.runtime import build
from bots.telegram.app import build_application, plug
from bots.telegram.pacing import Pacer
from core.model import Offer, Option
from core.ports import ManualClock
from tests.fakes.telegram_api import FakeTelegram

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
MODERATOR_ID = 900


class World:
    def __init__(self, fake: FakeTelegram, runtime, app) -> None:
        self.fake = fake
        self.rt = runtime
        self.app = app
        self.clock = runtime.clock
        self.pacer = Pacer(1000, 0)  # tests go at full speed unless they test the pace

    async def launch(self) -> None:
        """Starts a fresh Application (a new bot process, as far as Telegram can tell) on the same database."""
        self.app = build_application(self.rt, self.fake.token, self.fake.base_url, self.fake.base_file_url,
                                     self.pacer)
        self.rt.plug(plug(self.rt, self.app.bot))
        await self.app.initialize()
        await self.app.start()
        await self.app.updater.start_polling(poll_interval=0, timeout=1)

    async def halt(self) -> None:
        if self.app is None:
            return
        if self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        self.app = None

    async def restart(self) -> None:
        await self.halt()
        await self.launch()

    async def settle(self) -> None:
        """What the scheduler does in the background: due timers, then the outbox."""
        await self.rt.timekeeper.drain()
        await self.rt.relay.drain()

    async def offer(self, seller_user_id: int, offer: Offer) -> Offer:
        async with self.rt.store.unit_of_work() as uow:
            seller = await uow.accounts.by_identity("telegram", str(seller_user_id))
            offer = Offer(offer.id, seller.id, offer.title, offer.description, offer.price, offer.currency,
                          offer.delivery_days, offer.options, offer.revisions, offer.revision_days,
                          offer.contact_allowed, offer.active)
            await uow.save_offer(offer)
            await uow.commit()
        return offer

    async def account(self, user_id: int):
        async with self.rt.store.unit_of_work() as uow:
            return await uow.accounts.by_identity("telegram", str(user_id))

    async def wait_reply(self, chat_id: int, contains: str, timeout: float = 5.0) -> dict:
        """The latest message in this chat containing the text, once the bot has sent it."""
        def found():
            for message in reversed(self.fake.sent_to(chat_id)):
                if contains in (message.get("text") or message.get("caption") or ""):
                    return message
            return None
        return await self.fake.wait_for(found, timeout=timeout)

    def buttons(self, message: dict) -> list[str]:
        return [text for row in self.fake.buttons(message) for text, _ in row]

    def button(self, message: dict, label: str) -> str:
        for row in self.fake.buttons(message):
            for text, data in row:
                if text == label:
                    return data
        raise AssertionError(f"no button {label!r} in {self.buttons(message)}")

    @staticmethod
    def dates(message: dict) -> list[tuple[str, int, str]]:
        """The message's live dates as the app shows them: each date_time entity's text (cut out of the message by
        its UTF-16 offsets), its unix time and its format ("r": a countdown; "": the text as written)."""
        units = message["text"].encode("utf-16-le")
        return [(units[2 * e["offset"]:2 * (e["offset"] + e["length"])].decode("utf-16-le"), e["unix_time"],
                 e.get("date_time_format", "")) for e in message.get("entities", []) if e["type"] == "date_time"]


LOGO = Offer("logo", "", "Logo", "A vector logo", 12_000, "EUR", 3, (Option("source", "Source files", 3_000, 1),))


@contextlib.asynccontextmanager
async def telegram_world(tmp_path, payment: str = "manual", also_discord: bool = False, **fake_options):
    """Telegram alone; `also_discord`: the marketplace runs on Discord too (its bot not started here), so what
    needs a second platform, such as /link, is offered."""
    clock = ManualClock(T0)
    async with FakeTelegram(**fake_options) as fake:
        config = Config(database_url=f"sqlite+aiosqlite:///{tmp_path / 'comptoir.sqlite3'}",
                        telegram=TelegramConfig(token=fake.token, moderators=(MODERATOR_ID,), payment=payment),
                        discord=DiscordConfig(token="simulated" if also_discord else None))
        runtime = build(config, clock)
        await runtime.store.create_schema()
        world = World(fake, runtime, None)
        if fake.rate_limits_enabled:
            world.pacer = Pacer()
        try:
            await world.launch()
            yield world
        finally:
            await world.halt()
            await runtime.store.close()
