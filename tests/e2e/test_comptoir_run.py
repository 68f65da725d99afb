"""`comptoir run`: the real process, the default SQLite file, fake Telegram and Discord servers on loopback."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from bots.config import Config
from bots.runtime import build
from bots.telegram.app import webhook_secret
from core.events import Refusal
from core.model import Action, Offer, Payload, Viewer
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_messages import labels, read
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]


def comptoir_run(tmp_path: Path, config: str, **tokens: str) -> subprocess.Popen:
    """`comptoir run` in tmp_path with this config file and these tokens only; its output goes to run.log."""
    (tmp_path / "config.toml").write_text(config)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    env.update(tokens, PYTHONPATH=str(ROOT))
    with (tmp_path / "run.log").open("w") as log:
        return subprocess.Popen([sys.executable, "-m", "bots.command.cli", "run", "--config", "config.toml"], cwd=tmp_path,
                                env=env, stdout=log, stderr=subprocess.STDOUT, text=True)


def stopped(process: subprocess.Popen, tmp_path: Path, sig: signal.Signals = signal.SIGTERM) -> str:
    """Stops the process with this signal; returns its output, after checking it stopped cleanly."""
    if process.poll() is None:
        process.send_signal(sig)
    process.wait(timeout=30)
    output = (tmp_path / "run.log").read_text()
    assert process.returncode == 0, output
    assert "Traceback" not in output and " ERROR " not in output, output
    return output


async def running(process: subprocess.Popen, tmp_path: Path, fake) -> None:
    """Until the process says it serves (its signal handlers are set from then on)."""
    await fake.wait_for(lambda: "Comptoir running on" in (tmp_path / "run.log").read_text() or process.poll(),
                        timeout=60)
    assert process.poll() is None, (tmp_path / "run.log").read_text()


async def test_comptoir_run_serves_telegram_users_and_stops_cleanly(tmp_path):
    async with FakeTelegram() as fake:
        process = comptoir_run(tmp_path, f'[telegram]\nbase_url = "{fake.base_url}"\n',
                               COMPTOIR_TELEGRAM_TOKEN=fake.token)
        try:
            ben = fake.user(100, "Ben", language_code="fr")
            ben.send("/start")
            welcome = await fake.wait_for(lambda: fake.last_message(100), timeout=30)
            assert welcome["text"].startswith("Bienvenue, Ben")
            assert fake.commands(language_code="fr")  # the command menu, in French too
        finally:
            stopped(process, tmp_path)
        assert (tmp_path / "comptoir.sqlite3").exists()  # the default database, beside the config


async def test_webhook_mode_registers_the_webhook_and_answers_the_updates_posted_to_it(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with FakeTelegram() as fake:
        process = comptoir_run(tmp_path, f'[telegram]\nbase_url = "{fake.base_url}"\nmode = "webhook"\n'
                                         f'webhook_url = "https://bots.example.org/telegram/hook"\n'
                                         f'webhook_port = {port}\n', COMPTOIR_TELEGRAM_TOKEN=fake.token)
        try:
            hook = await fake.wait_for(lambda: fake.webhook, timeout=30)
            assert hook["url"] == "https://bots.example.org/telegram/hook"
            await running(process, tmp_path, fake)  # the hook is registered before its server listens
            ben = fake.user(100, "Ben", language_code="en")
            update = {"update_id": 1, "message": {
                "message_id": 1, "date": 1767225600, "chat": {"id": 100, "type": "private", "first_name": "Ben"},
                "from": ben.to_dict(), "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}
            fake.start_chat(100)
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/telegram/hook", json.dumps(update).encode(),
                {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": webhook_secret(fake.token)})
            status = await asyncio.to_thread(lambda: urllib.request.urlopen(request, timeout=10).status)
            assert status == 200
            welcome = await fake.wait_for(lambda: fake.last_message(100), timeout=30)
            assert welcome["text"].startswith("Welcome, Ben")
        finally:
            stopped(process, tmp_path)


async def place_order(database: Path, seller: dict, buyer: dict) -> str:
    """What a buyer's checkout and payment would do, written to the running process's database."""
    runtime = build(Config(database_url=f"sqlite+aiosqlite:///{database}"))
    try:
        async with runtime.store.unit_of_work() as uow:
            ana = await uow.accounts.by_identity("discord", seller["id"])
            ben = await uow.accounts.by_identity("discord", buyer["id"])
            await uow.save_offer(Offer("logo", ana.id, "Logo", "A vector logo", 12_000, "EUR", 3))
            await uow.commit()
        checkout = await runtime.service.checkout(Viewer(ben.id), "manual", offer_id="logo", brief="A fox")
        placed = await runtime.service.pay(checkout.id, checkout.amount, checkout.currency, "bank-transfer-1")
        return placed.order.id
    finally:
        await runtime.store.close()


async def edit_brief(database: Path, buyer: dict, order_id: str, brief: str) -> None:
    """The buyer rewrites the brief, through the service on the running process's database."""
    runtime = build(Config(database_url=f"sqlite+aiosqlite:///{database}"))
    try:
        async with runtime.store.unit_of_work() as uow:
            ben = await uow.accounts.by_identity("discord", buyer["id"])
        edited = await runtime.service.act(order_id, Action.EDIT_BRIEF, Viewer(ben.id), Payload(text=brief))
        assert not isinstance(edited, Refusal), edited
    finally:
        await runtime.store.close()


def mentions(message: dict, text: str) -> bool:
    return text in read(message)


async def test_comptoir_run_serves_discord_on_the_default_database_and_stops_cleanly(tmp_path):
    with FakeDiscord() as fake:
        process = comptoir_run(tmp_path, f'[discord]\nbase_url = "{fake.base_url}"\n'
                                         f'marketplace_channel_id = {fake.channel["id"]}\n',
                               COMPTOIR_DISCORD_TOKEN=fake.token)
        try:
            await running(process, tmp_path, fake)
            assert {"orders", "link", "offer"} <= {command["name"] for command in fake.commands[None]}
            ana, ben = fake.user("ana"), fake.user("ben")
            asked = await fake.slash(ana, "orders")
            [listing] = await fake.wait_for(lambda: [a for a in fake.answers(asked) if a["components"]])
            assert read(listing).startswith("### Your orders — To act on (0)") and listing["flags"] & 64  # private
            asked = await fake.slash(ben, "language", language="fr")  # Ben's account, in French
            [said] = await fake.wait_for(lambda: fake.answers(asked))
            assert said["content"] == "C'est fait : je vous parlerai en Français."

            order_id = await place_order(tmp_path / "comptoir.sqlite3", seller=ana, buyer=ben)
            def accept(message: dict) -> bool:
                return "Accept" in labels(message)

            [card] = await fake.wait_for(lambda: [m for m in fake.dms(ana) if accept(m)])  # under the notice's words
            assert mentions(card, f"#{order_id}") and mentions(fake.dms(ana)[-2], f"New order #{order_id}")
            await edit_brief(tmp_path / "comptoir.sqlite3", ben, order_id, "A fox, in orange")
            [news] = await fake.wait_for(lambda: [m for m in fake.dms(ana) if "updated the brief" in m["content"]])
            [newer] = await fake.wait_for(lambda: [m for m in fake.dms(ana) if accept(m) and m["id"] != card["id"]])
            await fake.wait_for(lambda: card not in fake.dms(ana))  # deleted once the newer one is sent
            assert fake.dms(ana)[-2:] == [news, newer]  # one card, the newest
            [room] = await fake.wait_for(lambda: fake.threads)  # the order's private room, in #orders
            assert room["parent_id"] == fake.channel["id"] and room["name"].startswith(f"#{order_id}")
            await fake.wait_for(lambda: {ana["id"], ben["id"]} <= set(fake.thread_members[room["id"]]))
        finally:
            stopped(process, tmp_path)
        assert (tmp_path / "comptoir.sqlite3").exists()  # the default database, beside the config
        assert len(fake.closes) == 1 and not fake.connected  # it left the gateway itself
        assert fake.unserved == []


async def test_one_process_serves_telegram_and_discord_together_and_stops_on_sigint(tmp_path):
    with FakeDiscord() as discord_fake:
        async with FakeTelegram() as telegram_fake:
            process = comptoir_run(
                tmp_path, f'[telegram]\nbase_url = "{telegram_fake.base_url}"\n'
                          f'[discord]\nbase_url = "{discord_fake.base_url}"\n',
                COMPTOIR_TELEGRAM_TOKEN=telegram_fake.token, COMPTOIR_DISCORD_TOKEN=discord_fake.token)
            try:
                await running(process, tmp_path, discord_fake)
                ana = discord_fake.user("ana")
                asked = await discord_fake.slash(ana, "link")
                [answer] = await discord_fake.wait_for(lambda: discord_fake.answers(asked))
                code = answer["content"].split()[2]  # "Your code: CODE\n..."

                on_telegram = telegram_fake.user(100, "Ana", language_code="en")
                on_telegram.send("/start")
                await telegram_fake.wait_for(lambda: telegram_fake.last_message(100), timeout=30)
                on_telegram.send(f"/link {code}")
                [asked] = await telegram_fake.wait_for(  # a code only asks, naming the account it joins
                    lambda: [m for m in telegram_fake.sent_to(100) if "“Ana”, made on Discord" in m["text"]],
                    timeout=30)
                on_telegram.press(asked, f"x:link:{code}")
                linked = await telegram_fake.wait_for(
                    lambda: [m for m in telegram_fake.sent_to(100) if m["text"].startswith("Linked")], timeout=30)
                assert linked[0]["text"] == "Linked: this Telegram account is now Ana's account."
            finally:
                stopped(process, tmp_path, signal.SIGINT)
