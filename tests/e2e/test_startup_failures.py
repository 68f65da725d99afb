"""Every way `comptoir run` or `migrate` fails to start is one line on stderr naming the cause and the fix: exit
status 2, no traceback, never the token, nothing on stdout."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bots.command.cli import main
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
WRONG_TELEGRAM = "999999:AAWrongTokenThatTelegramRefuses"
WRONG_DISCORD = "MTk5OTk5.wrong.discord-token-nobody-issued"
MODERATED = "[telegram]\nmoderators = [1]\n"  # no warning about payments: the failure is then the only line


def comptoir(tmp_path: Path, command: str, config: str, **env: str) -> subprocess.CompletedProcess:
    (tmp_path / "config.toml").write_text(config)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    environ.update(env, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "bots.command.cli", command, "--config", "config.toml"], cwd=tmp_path,
                          env=environ, capture_output=True, text=True, timeout=120)


def in_process(tmp_path: Path, monkeypatch, capsys, command: str, config: str,
               **env: str) -> subprocess.CompletedProcess:
    """The same, for failures found before anything starts (the config): `main` itself, without a new process."""
    (tmp_path / "config.toml").write_text(config)
    for name in [name for name in os.environ if name.startswith("COMPTOIR_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    status = main([command, "--config", "config.toml"])
    said = capsys.readouterr()
    return subprocess.CompletedProcess([command], status, said.out, said.err)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def one_line(done: subprocess.CompletedProcess, *words: str, secrets: tuple[str, ...] = ()) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    line = done.stderr
    assert line.endswith("\n") and line.count("\n") == 1, line
    assert line.startswith("comptoir: ") and "Traceback" not in line
    for word in words:
        assert word in line, line
    for secret in secrets:
        assert secret not in line
    return line.strip()


DATABASES = [
    ('database_url = "mysql://shop:hunter2@db.example.org/shop"', ['"mysql" databases are not supported']),
    ('database_url = "postgresql://shop:hunter2@db.example.org/shop"', ['write "postgresql+asyncpg://"']),
    ('database_url = "sqlite:///comptoir.sqlite3"', ['write "sqlite+aiosqlite://"']),
    ('database_url = "postgresql+asyncpg://shop:hunter2@db.example.org:54x2/shop"', ['the port "54x2" is not a number']),
]


@pytest.mark.parametrize("command", ["run", "migrate"])
@pytest.mark.parametrize("setting, words", DATABASES, ids=["mysql", "postgresql-sync", "sqlite-sync", "port"])
def test_a_database_url_comptoir_cannot_use_is_one_line_naming_the_setting(tmp_path, monkeypatch, capsys, command,
                                                                          setting, words):
    done = in_process(tmp_path, monkeypatch, capsys, command, setting, COMPTOIR_TELEGRAM_TOKEN=WRONG_TELEGRAM)
    one_line(done, "database_url:", *words, secrets=("hunter2", WRONG_TELEGRAM))


@pytest.mark.parametrize("command", ["run", "migrate"])
def test_an_unwritable_sqlite_path_is_one_line(tmp_path, command):
    (tmp_path / "data").write_text("a file where the database's directory should be")
    done = comptoir(tmp_path, command, 'database_url = "sqlite+aiosqlite:///data/desk.sqlite3"\n' + MODERATED,
                    COMPTOIR_TELEGRAM_TOKEN=WRONG_TELEGRAM)
    line = one_line(done, "cannot open or write the SQLite file", str(tmp_path / "data" / "desk.sqlite3"),
                    "database_url", secrets=(WRONG_TELEGRAM,))
    assert "a part of the path is a file" in line


@pytest.mark.parametrize("command", ["run", "migrate"])
def test_postgresql_not_listening_is_one_line_without_the_password(tmp_path, command):
    port = free_port()
    done = comptoir(tmp_path, command, f'database_url = "postgresql+asyncpg://shop:hunter2@127.0.0.1:{port}/shop"\n'
                    + MODERATED, COMPTOIR_TELEGRAM_TOKEN=WRONG_TELEGRAM)
    one_line(done, f"nothing answers at 127.0.0.1:{port} (connection refused)", "start PostgreSQL",
             secrets=("hunter2", WRONG_TELEGRAM))


async def test_a_wrong_telegram_token_is_one_line_that_never_prints_it(tmp_path):
    async with FakeTelegram() as fake:
        done = comptoir(tmp_path, "run", f'[telegram]\nbase_url = "{fake.base_url}"\nmoderators = [1]\n',
                        COMPTOIR_TELEGRAM_TOKEN=WRONG_TELEGRAM)
    one_line(done, "Telegram refused the token in COMPTOIR_TELEGRAM_TOKEN", "@BotFather", secrets=(WRONG_TELEGRAM,))


def test_an_unreachable_bot_api_is_one_line(tmp_path):
    base = f"http://127.0.0.1:{free_port()}/bot"
    done = comptoir(tmp_path, "run", f'[telegram]\nbase_url = "{base}"\nmoderators = [1]\n',
                    COMPTOIR_TELEGRAM_TOKEN=WRONG_TELEGRAM)
    one_line(done, f"cannot reach the Bot API at {base}", "telegram.base_url", secrets=(WRONG_TELEGRAM,))


@pytest.mark.parametrize("listener, setting", [
    ('mode = "webhook"\nwebhook_url = "https://bots.example.org/hook"\nwebhook_port = {port}\n', "telegram.webhook_port"),
    ("[http]\nenabled = true\nport = {port}\n", "http.port"),
], ids=["webhook", "http-endpoint"])
async def test_a_port_in_use_is_one_line_naming_the_setting(tmp_path, listener, setting):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with FakeTelegram() as fake:
            done = comptoir(tmp_path, "run", f'[telegram]\nbase_url = "{fake.base_url}"\nmoderators = [1]\n'
                                             + listener.format(port=port), COMPTOIR_TELEGRAM_TOKEN=fake.token)
    one_line(done, f"cannot listen on 127.0.0.1:{port}", setting, secrets=(fake.token,))


def test_a_wrong_discord_token_is_one_line_without_unclosed_connector_noise(tmp_path):
    with FakeDiscord() as fake:
        done = comptoir(tmp_path, "run", f'[discord]\nbase_url = "{fake.base_url}"\n',
                        COMPTOIR_DISCORD_TOKEN=WRONG_DISCORD)
    one_line(done, "Discord refused the token in COMPTOIR_DISCORD_TOKEN", "Reset Token", secrets=(WRONG_DISCORD,))


def test_the_message_content_intent_not_enabled_is_one_line_saying_where_to_enable_it(tmp_path):
    with FakeDiscord(privileged_intents=False) as fake:
        done = comptoir(tmp_path, "run", f'[discord]\nbase_url = "{fake.base_url}"\n',
                        COMPTOIR_DISCORD_TOKEN=fake.token)
    one_line(done, "the Message Content intent is not enabled", "Privileged Gateway Intents", secrets=(fake.token,))


def test_an_unreachable_discord_api_is_one_line(tmp_path):
    base = f"http://127.0.0.1:{free_port()}/api/v10"
    done = comptoir(tmp_path, "run", f'[discord]\nbase_url = "{base}"\n', COMPTOIR_DISCORD_TOKEN=WRONG_DISCORD)
    one_line(done, f"cannot reach Discord's API at {base}", secrets=(WRONG_DISCORD,))


async def test_a_failure_of_the_second_platform_stops_the_first_and_is_still_one_line(tmp_path):
    async with FakeTelegram() as telegram:
        with FakeDiscord() as discord:
            done = comptoir(tmp_path, "run", f'[telegram]\nbase_url = "{telegram.base_url}"\nmoderators = [1]\n'
                                             f'[discord]\nbase_url = "{discord.base_url}"\n',
                            COMPTOIR_TELEGRAM_TOKEN=telegram.token, COMPTOIR_DISCORD_TOKEN=WRONG_DISCORD)
    one_line(done, "Discord refused the token", secrets=(telegram.token, WRONG_DISCORD))


@pytest.mark.parametrize("config, words", [
    ('[telegram]\ntoken = "123:abc"\n', ["tokens are never read from the file"]),
    ("[durations]\nacceptance = 48\n", ["durations.acceptance"]),
    ("[telegram\n", ["is not valid TOML"]),
], ids=["token-in-file", "bad-value", "not-toml"])
def test_a_config_file_comptoir_cannot_use_is_one_line(tmp_path, monkeypatch, capsys, config, words):
    one_line(in_process(tmp_path, monkeypatch, capsys, "run", config, COMPTOIR_TELEGRAM_TOKEN=WRONG_TELEGRAM), *words,
             secrets=(WRONG_TELEGRAM,))


def test_no_token_is_one_line_on_stderr_naming_both_variables_and_the_demo(tmp_path):
    one_line(comptoir(tmp_path, "run", MODERATED), "COMPTOIR_TELEGRAM_TOKEN", "COMPTOIR_DISCORD_TOKEN",
             "comptoir demo")


async def test_a_failed_command_menu_registration_is_a_warning_not_a_stop(tmp_path):
    from tests.e2e.test_comptoir_run import comptoir_run, running, stopped

    async with FakeTelegram() as fake:
        fake.fail("setMyCommands", 500, "Internal Server Error")
        process = comptoir_run(tmp_path, f'[telegram]\nbase_url = "{fake.base_url}"\nmoderators = [1]\n',
                               COMPTOIR_TELEGRAM_TOKEN=fake.token)
        try:
            await running(process, tmp_path, fake)
            fake.user(100, "Ben").send("/start")
            assert (await fake.wait_for(lambda: fake.last_message(100), timeout=30))["text"].startswith("Welcome")
        finally:
            output = stopped(process, tmp_path)
    assert "WARNING bots.telegram.app: the command menu was not registered (Internal Server Error); commands " \
           "still work when typed" in output
