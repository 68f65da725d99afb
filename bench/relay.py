"""relay: notifications per second through the real Relay, TelegramNotifier and PTB Bot, against the fake
Bot API enforcing Telegram's limits (30 messages/s per bot, 1/s per private chat, 429 with retry_after).

CHATS people each have MESSAGES notices queued in the outbox (plain notices, no order card). The relay is
driven the way the runtime's scheduler drives it: `Relay.drain()` every relay poll (0.5 s by default),
real clock (core.ports.SystemClock), the bot's Pacer (bots.telegram.pacing, the PTB rate limiter) as in
production. Measured: the send rate from the first to the last accepted message against the 30/s ceiling,
the 429s the fake answered, and messages lost or doubled (the outbox against what the fake received).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from bench.common import Stopwatch, parser, report, say, sqlite_url, workdir
from bench.world import fresh_schema, people
from bots.config import Config, TelegramConfig
from bots.runtime import build
from bots.telegram.app import plug
from bots.telegram.pacing import Pacer
from telegram.ext import ExtBot
from core.events import Notice
from core.i18n import Text
from core.model import Role
from core.ports import SystemClock
from storage.tables import outbox
from tests.fakes.telegram_api import FakeTelegram

CEILING = 30.0


class TimedFake(FakeTelegram):
    """The fake, noting when it accepted each message."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.accepted_at: list[float] = []

    def _m_sendMessage(self, p: dict) -> dict:
        result = super()._m_sendMessage(p)
        self.accepted_at.append(time.perf_counter())
        return result


async def run(args) -> dict:
    chats = args.chats or (60 if args.quick else 300)
    per_chat = args.messages
    clock = SystemClock()
    figures: dict = {"benchmark": "relay", "quick": args.quick, "chats": chats, "messages_per_chat": per_chat,
                     "ceiling_per_second": CEILING}
    with workdir(args.workdir) as work:
        async with TimedFake(rate_limits_enabled=True) as fake:
            url = sqlite_url(work / "relay.sqlite3")
            await fresh_schema(url)
            config = Config(database_url=url, telegram=TelegramConfig(token=fake.token))
            runtime = build(config, clock)
            ids = await people(runtime.store.engine, clock, buyers=chats, sellers=0)
            for user_id in ids["buyer_users"]:
                fake.user(user_id, f"U{user_id}")
                fake.start_chat(user_id)
            async with runtime.store.unit_of_work() as uow:  # message m of every chat, then m+1 ...
                for m in range(per_chat):
                    for account in ids["buyers"]:
                        await uow.notify(Notice(None, Role.BUYER, Text.of("Bench notice {key}", key=f"{account}:{m}"),
                                                f"bench:{account}:{m}", with_card=False, account=account))
                await uow.commit()
            expected = chats * per_chat
            bot = ExtBot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url, rate_limiter=Pacer())
            await bot.initialize()
            runtime.plug(plug(runtime, bot))
            poll = config.relay.poll_seconds
            say(f"relaying {expected} notices to {chats} chats ...")
            sent = 0
            with Stopwatch() as sw:
                while sent < expected and time.perf_counter() - sw.start < args.limit:
                    sent += await runtime.relay.drain()
                    if sent < expected:
                        await asyncio.sleep(poll)
            await bot.shutdown()
            accepted = [r for r in fake.calls("sendMessage") if r.response.get("ok")]
            texts = Counter(r.params.get("text", "") for r in accepted)
            from sqlalchemy import select
            async with runtime.store.engine.connect() as conn:
                rows = (await conn.execute(select(outbox.c.dedupe_key, outbox.c.sent_at, outbox.c.failed_at))).all()
            await runtime.store.close()
    keys = {r.dedupe_key for r in rows}
    received = set()
    for text, n in texts.items():
        token = text.removeprefix("Bench notice ")
        account, m = token.rsplit(":", 1)
        received.add(f"bench:{account}:{m}")
    outbox_keys = {k.rsplit(":", 2)[0] for k in keys}  # drop ":telegram:<id>"
    lost = len(outbox_keys - received)
    doubled = sum(n - 1 for n in texts.values() if n > 1)
    stamps = fake.accepted_at
    first_last = (stamps[-1] - stamps[0]) if len(stamps) > 1 else float("nan")
    figures.update({
        "outbox_rows": len(rows), "accepted_by_fake": len(accepted), "sent_marked": sum(1 for r in rows if r.sent_at),
        "failed_marked": sum(1 for r in rows if r.failed_at), "rate_limited_429": fake.rate_limited,
        "lost": lost, "doubled": doubled,
        # from the first accepted message to the last (the rate the platform saw)
        "seconds": round(first_last, 2), "per_second": round((len(stamps) - 1) / first_last, 2),
        "share_of_ceiling": round((len(stamps) - 1) / first_last / CEILING, 3),
        # from the first relay poll until all was sent (includes the last poll's wait)
        "end_to_end_seconds": round(sw.seconds, 2), "end_to_end_per_second": round(len(accepted) / sw.seconds, 2),
        "pacer": {"per_second": 29.0, "chat_interval": 1.1}, "relay_poll_seconds": poll,
        "relay_batch": config.relay.batch,
    })
    figures["targets"] = {"per_second_min_28": figures["per_second"] >= 28, "zero_lost": lost == 0 and doubled == 0}
    return figures


def main(argv: list[str]) -> int:
    p = parser("relay", __doc__)
    p.add_argument("--chats", type=int, help="chats (default 300; quick 60)")
    p.add_argument("--messages", type=int, default=2, help="messages per chat (default 2)")
    p.add_argument("--limit", type=float, default=600.0, help="stop after this many seconds")
    args = p.parse_args(argv)
    report(asyncio.run(run(args)), args.json)
    return 0
