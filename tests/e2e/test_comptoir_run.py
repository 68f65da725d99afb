"""`comptoir run` with a Telegram token: the real process, the default SQLite file, the fake Bot API."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]


async def test_comptoir_run_serves_telegram_users_and_stops_cleanly(tmp_path):
    async with FakeTelegram() as fake:
        config = tmp_path / "config.toml"
        config.write_text(f'[telegram]\nbase_url = "{fake.base_url}"\n')
        env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
        env.update(COMPTOIR_TELEGRAM_TOKEN=fake.token, PYTHONPATH=str(ROOT))
        process = subprocess.Popen([sys.executable, "-m", "bots.cli", "run", "--config", str(config)], cwd=tmp_path,
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            ben = fake.user(100, "Ben", language_code="fr")
            ben.send("/start")
            welcome = await fake.wait_for(lambda: fake.last_message(100), timeout=30)
            assert welcome["text"].startswith("Bienvenue, Ben")
            assert fake.commands(language_code="fr")  # the command menu, in French too
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output
        assert (tmp_path / "comptoir.sqlite3").exists()  # the default database, beside the config


async def test_webhook_mode_registers_the_webhook_and_answers_the_updates_posted_to_it(tmp_path):
    import json
    import socket
    import urllib.request

    from bots.telegram.app import webhook_secret

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with FakeTelegram() as fake:
        config = tmp_path / "config.toml"
        config.write_text(f'[telegram]\nbase_url = "{fake.base_url}"\nmode = "webhook"\n'
                          f'webhook_url = "https://bots.example.org/telegram/hook"\nwebhook_port = {port}\n')
        env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
        env.update(COMPTOIR_TELEGRAM_TOKEN=fake.token, PYTHONPATH=str(ROOT))
        process = subprocess.Popen([sys.executable, "-m", "bots.cli", "run", "--config", str(config)], cwd=tmp_path,
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            hook = await fake.wait_for(lambda: fake.webhook, timeout=30)
            assert hook["url"] == "https://bots.example.org/telegram/hook"
            ben = fake.user(100, "Ben", language_code="en")
            update = {"update_id": 1, "message": {
                "message_id": 1, "date": 1767225600, "chat": {"id": 100, "type": "private", "first_name": "Ben"},
                "from": ben.to_dict(), "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}
            fake.start_chat(100)
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/telegram/hook", json.dumps(update).encode(),
                {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": webhook_secret(fake.token)})
            import asyncio
            status = await asyncio.to_thread(lambda: urllib.request.urlopen(request, timeout=10).status)
            assert status == 200
            welcome = await fake.wait_for(lambda: fake.last_message(100), timeout=30)
            assert welcome["text"].startswith("Welcome, Ben")
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output
