"""The `comptoir` command as a newcomer meets it: the demo, run without a token, migrate."""

import os
import subprocess
import sys
from importlib.metadata import version

import pytest

from bots.demo import main as demo
from bots.roads import ROADS


def comptoir(*args, env=None, timeout=120):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "bots.command.cli", *args], capture_output=True, text=True, env=environ,
                          timeout=timeout)


@pytest.mark.parametrize("lang, words", [
    ("en", ["cancelled: the seller did not accept it in time", "is late", "refused your second cancellation request",
            "The chat is closed while you review the delivery", "closed on its own after the review window",
            "Sum of every ledger account: 0", "asks for an extension of 2 days",
            "on-time deliveries 100% (1 within an extended deadline, 0 late)",
            "The seller is away: new orders open again on", "Good news: “Logo” is open for orders again.",
            "📌 Ana's Today card, pinned (Telegram)", "☀️ Good morning! Here is what needs you today:",
            "📦 Delivery to check: #"]),
    ("fr", ["Rappel", "[Annuler (retard)]", "litige", "Les comptes", "Versé à Ana\u00a0: 765,00\xa0€",
            "Versé à Sam\u00a0: 80,00\xa0€", "[Accepter le délai]",
            "Bonne nouvelle\u00a0: «\u00a0Logo\u00a0» est de nouveau ouvert aux commandes.",
            "Ana\u00a0: fiche «\u00a0Aujourd’hui\u00a0» épinglée", "⏳ Bientôt dû\u00a0: #"]),
])
async def test_the_demo_plays_every_road_of_the_order_process_in_each_language(lang, words):
    lines = []
    await demo(lang, lines.append)
    text = "\n".join(lines)
    for word in words:
        assert word in text


async def test_the_demo_plays_the_roads_the_journey_transcripts_play_in_their_order():
    lines = []
    await demo("en", lines.append)
    titles = [line for line in "\n".join(lines).splitlines() if line[:1].isdigit()]
    assert titles == [f"{number}. {road.title}" for number, road in enumerate(ROADS, 1)]


async def test_the_demo_shows_each_person_their_own_buttons():
    lines = []
    await demo("en", lines.append)
    text = "\n".join(lines)
    assert "[Accept] [Decline]" in text  # the seller's new order
    assert "[Complete] [Request a revision]" in text  # the buyer after a delivery
    assert "[Take this dispute]" in text  # the moderator


def test_make_demos_command_runs_from_the_command_line():
    done = comptoir("demo", "--lang", "fr")
    assert done.returncode == 0, done.stderr
    assert "Démo de Comptoir" in done.stdout and "Traceback" not in done.stderr


def test_run_without_any_token_says_so_in_one_line_on_stderr_and_points_to_the_demo(tmp_path):
    done = comptoir("run", env={"COMPTOIR_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3"})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().count("\n") == 0 and "comptoir demo" in done.stderr


def test_the_version_and_a_description_of_every_command_and_option():
    assert comptoir("--version").stdout.strip() == f"comptoir {version('comptoir')}"
    listing = comptoir("--help").stdout
    for command in ("run", "check", "migrate", "backup", "copy-to", "demo"):
        assert command in listing
        helped = comptoir(command, "--help")
        assert helped.returncode == 0 and "usage: comptoir " + command in helped.stdout
        assert "--help" in helped.stdout and "show this help message" in helped.stdout
    run = comptoir("run", "--help").stdout
    assert "COMPTOIR_TELEGRAM_TOKEN" in run and "COMPTOIR_DISCORD_TOKEN" in run and "--config FILE" in run
    assert "Migrates the database" in run  # `run` migrates first: said where people look


def test_a_bad_config_value_is_one_line_naming_the_key(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[durations]\nacceptance = "two days"\n')
    done = comptoir("run", "--config", str(config))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "durations.acceptance" in done.stderr


def test_migrate_creates_the_schema(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/fresh.sqlite3"
    done = comptoir("migrate", env={"COMPTOIR_DATABASE_URL": url})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "fresh.sqlite3").stat().st_size > 0
