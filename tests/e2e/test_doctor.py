"""`comptoir check` against the fake Telegram and Discord: all ✓ for a desk set up as the guides say, and a ✗ with
its fix for each thing that would stop it."""

import os
import socket
import subprocess
import sys
from pathlib import Path

from bots.command.doctor import check
from bots.discord.invite import invite_url
from storage.migrate import upgrade_async
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]


async def desk(tmp_path: Path, config: str, migrated: bool = True) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(config)
    if migrated:
        await upgrade_async(f"sqlite+aiosqlite:///{tmp_path / 'comptoir.sqlite3'}")
    return path


INSTRUCTIONS = '[payment]\ninstructions = { en = "Bank transfer to FR76 1234.", fr = "Virement sur FR76 1234." }\n'


def telegram_desk(fake: FakeTelegram, extra: str = "[telegram]\nmoderators = [100]\n" + INSTRUCTIONS) -> str:
    return extra.replace("[telegram]\n", f'[telegram]\nbase_url = "{fake.base_url}"\n') if "[telegram]" in extra \
        else f'[telegram]\nbase_url = "{fake.base_url}"\n' + extra


def discord_desk(fake: FakeDiscord, **keys) -> str:
    values = {"base_url": f'"{fake.base_url}"', "guild_id": fake.guild["id"],
              "moderator_role_ids": f"[{fake.moderator_role['id']}]", "marketplace_channel_id": fake.channel["id"],
              **keys}
    return INSTRUCTIONS + "[discord]\n" + "".join(f"{key} = {value}\n" for key, value in values.items()
                                                  if value is not None)


def verdicts(findings) -> dict[str, bool]:
    return {finding.what: finding.ok for finding in findings}


def failing(findings) -> dict:
    return {finding.what: finding for finding in findings if not finding.ok}


async def test_a_telegram_desk_set_up_as_the_guide_says_is_all_ticks_and_exit_status_0(tmp_path):
    async with FakeTelegram() as fake:
        path = await desk(tmp_path, telegram_desk(fake))
        environ = {**{k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")},
                   "COMPTOIR_TELEGRAM_TOKEN": fake.token, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-m", "bots.command.cli", "check", "--config", str(path)], env=environ,
                              capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert [line[0] for line in lines[:-2]] == ["✓"] * (len(lines) - 2), done.stdout
    assert "✓ telegram token: @comptoir_test_bot" in done.stdout
    assert "✓ database schema: at the newest migration" in done.stdout
    assert "✓ moderators: 1 on Telegram: they confirm payments made by hand and decide disputes" in done.stdout
    assert "✓ payment instructions: shown to buyers who pay by hand, in en, fr" in done.stdout
    assert lines[-1] == "Everything holds: `comptoir run` can start." and fake.token not in done.stdout


async def test_a_discord_desk_set_up_as_the_guide_says_is_all_ticks(tmp_path):
    with FakeDiscord() as fake:
        findings = await check(await desk(tmp_path, discord_desk(fake)), {"COMPTOIR_DISCORD_TOKEN": fake.token})
    assert all(verdicts(findings).values()), [f.lines() for f in findings if not f.ok]
    assert {"discord token", "discord intent", "discord server", "discord moderators", "discord channel",
            "discord permissions", "moderators"} <= verdicts(findings).keys()
    said = {f.what: f.detail for f in findings}
    assert said["discord server"] == f"Marketplace ({fake.guild['id']})"
    assert said["discord moderators"] == "the role “Moderator”"
    assert said["discord permissions"] == "the bot has every permission it needs in #orders"


async def test_no_payment_instructions_for_buyers_who_pay_by_hand_is_a_warning_with_its_fix_not_a_problem(tmp_path):
    async with FakeTelegram() as fake:
        path = await desk(tmp_path, telegram_desk(fake, "[telegram]\nmoderators = [100]\n"))
        environ = {**{k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")},
                   "COMPTOIR_TELEGRAM_TOKEN": fake.token, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-m", "bots.command.cli", "check", "--config", str(path)], env=environ,
                              capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ("⚠ payment instructions: none: buyers who pay by hand are only told that a moderator will tell them "
            'how to pay\n    fix: set [payment] instructions = { en = "…", fr = "…" } (config.example.toml)'
            in done.stdout)
    assert done.stdout.strip().splitlines()[-1] == "Everything holds: `comptoir run` can start."
    with FakeDiscord() as fake:  # on Discord every buyer pays by hand
        config = discord_desk(fake).replace(INSTRUCTIONS, "")
        findings = await check(await desk(tmp_path, config), {"COMPTOIR_DISCORD_TOKEN": fake.token})
    [warned] = [f for f in findings if f.warning]
    assert warned.what == "payment instructions" and warned.ok


async def test_a_wrong_telegram_token_and_no_moderator_for_manual_payments_are_each_a_cross_with_its_fix(tmp_path):
    async with FakeTelegram() as fake:
        findings = await check(await desk(tmp_path, telegram_desk(fake, "")), {"COMPTOIR_TELEGRAM_TOKEN": "1:wrong"})
    crosses = failing(findings)
    assert crosses.keys() == {"telegram token", "moderators"}
    assert "@BotFather" in crosses["telegram token"].fix
    assert crosses["moderators"].detail.startswith('payment is "manual" but there is no moderator: nobody can ever '
                                                   "confirm a payment")
    assert "telegram.moderators" in crosses["moderators"].fix and "1:wrong" not in repr(findings)


async def test_discord_problems_each_get_a_cross_with_their_fix(tmp_path):
    with FakeDiscord(privileged_intents=False) as fake:
        # the bot's role may not manage threads in #orders, and one moderator role id is not the server's
        fake.channel["permission_overwrites"] = [{"id": fake.bot_role["id"], "type": 0, "allow": "0",
                                                  "deny": str(1 << 34)}]
        config = discord_desk(fake, moderator_role_ids=f"[{fake.moderator_role['id']}, 42]")
        crosses = failing(await check(await desk(tmp_path, config), {"COMPTOIR_DISCORD_TOKEN": fake.token}))
        assert crosses.keys() == {"discord intent", "discord moderators", "discord permissions"}
        assert "Message Content Intent" in crosses["discord intent"].fix
        assert crosses["discord moderators"].detail == "role id(s) 42 are not roles of the server"
        assert crosses["discord permissions"].detail == "the bot lacks Manage Threads in #orders"
        assert invite_url(int(fake.application_id)) in crosses["discord permissions"].fix

        elsewhere = discord_desk(fake, guild_id=123)
        crosses = failing(await check(await desk(tmp_path, elsewhere), {"COMPTOIR_DISCORD_TOKEN": fake.token}))
        assert crosses["discord server"].detail == "the bot is not in server 123"

        crosses = failing(await check(await desk(tmp_path, config), {"COMPTOIR_DISCORD_TOKEN": "wrong.token"}))
        # the server could not be read: the moderators' role ids configured are taken at their word
        assert crosses.keys() == {"discord token"}


async def test_a_database_not_migrated_or_not_answering_is_a_cross(tmp_path):
    async with FakeTelegram() as fake:
        environ = {"COMPTOIR_TELEGRAM_TOKEN": fake.token}
        fresh = failing(await check(await desk(tmp_path, telegram_desk(fake), migrated=False), environ))
        assert fresh.keys() == {"database schema"} and "comptoir migrate" in fresh["database schema"].fix
        assert not (tmp_path / "comptoir.sqlite3").exists()  # checking created nothing

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        environ["COMPTOIR_DATABASE_URL"] = f"postgresql+asyncpg://shop:hunter2@127.0.0.1:{port}/shop"
        down = failing(await check(await desk(tmp_path, telegram_desk(fake)), environ))
    assert down.keys() == {"database"} and "connection refused" in down["database"].detail
    assert "hunter2" not in down["database"].detail


async def test_a_config_error_is_the_one_cross(tmp_path):
    (tmp_path / "config.toml").write_text("[telegram]\nmoderators = 5\n")
    [finding] = await check(tmp_path / "config.toml", {})
    assert not finding.ok and finding.detail == "telegram.moderators: must be a list of Telegram user ids"
