"""The configuration file and environment: complete and checked, or refused with a one-line reason."""

import re
from dataclasses import fields
from datetime import timedelta
from pathlib import Path

import pytest

from bots.config import (Config, ConfigError, DiscordConfig, HttpConfig, LimitsConfig, LoggingConfig, PaymentConfig,
                         RelayConfig,
                         SchedulerConfig, TelegramConfig, TodayConfig, format_duration, load_config, parse_duration)
from core.model import Deadline
from core.settings import Settings
from core.today import TodayRules

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"
DURATION_HINT = '(use e.g. "48h", "7d", "30m")'


@pytest.fixture
def write(tmp_path):
    def write(text: str) -> Path:
        path = tmp_path / "comptoir.toml"
        path.write_text(text)
        return path
    return write


def test_the_example_file_loads_and_equals_the_defaults():
    beside_it = f"sqlite+aiosqlite:///{EXAMPLE.parent / 'comptoir.sqlite3'}"
    assert load_config(EXAMPLE, environ={}) == Config(database_url=beside_it)


def test_the_example_documents_every_setting_with_a_comment():
    lines = EXAMPLE.read_text().splitlines()
    sections = {"settings", "telegram", "discord", "scheduler", "relay", "reminders", "http", "logging", "limits",
                "today", "rules"}
    kinds = (Config, Settings, TelegramConfig, DiscordConfig, PaymentConfig, SchedulerConfig, RelayConfig, HttpConfig,
             LoggingConfig, LimitsConfig, TodayConfig, TodayRules)
    names = {f.name for kind in kinds for f in fields(kind)} - sections - {"token"}
    names |= {deadline.value for deadline in Settings().reminders}
    for name in names:
        line = next((i for i, text in enumerate(lines) if re.match(rf"#?\s*{name} = ", text)), None)
        assert line is not None, f"{name} is not in the example"
        assert lines[line - 1].startswith("#"), f"{name} has no comment above it"


def test_every_setting_commented_out_in_the_example_is_valid_once_uncommented(write):
    section, examples = "", []
    for line in EXAMPLE.read_text().splitlines():
        if header := re.fullmatch(r"\[(\w+)\]", line):
            section = header.group(1)
        elif setting := re.fullmatch(r"#\s*(\w+ = .+)", line):
            examples.append((section, setting.group(1)))
    assert len(examples) >= 6
    for section, setting in examples:
        if setting.startswith("shard_"):
            setting = "shard_ids = [0, 1]\nshard_count = 2"  # only valid together
        load_config(write((f"[{section}]\n" if section else "") + setting), environ={})


def test_no_file_and_an_empty_environment_give_the_defaults():
    assert load_config(environ={}) == Config()


@pytest.mark.parametrize("text, expected", [
    ("48h", timedelta(hours=48)),
    ("7d", timedelta(days=7)),
    ("30m", timedelta(minutes=30)),
    ("90s", timedelta(seconds=90)),
    ("2d 12h", timedelta(days=2, hours=12)),
    ("1d2h3m4s", timedelta(days=1, hours=2, minutes=3, seconds=4)),
])
def test_durations_are_written_as_numbers_with_units(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "48", "48 hours", "-5d", "1.5h", "h", "2w", "48H", "0h", "0d 0s"])
def test_anything_else_is_not_a_positive_duration(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize("duration", [timedelta(days=180), timedelta(days=2, hours=12), timedelta(seconds=90)])
def test_a_formatted_duration_parses_back_to_itself(duration):
    assert parse_duration(format_duration(duration)) == duration


def test_durations_reminders_money_and_rules_reach_the_engine_settings(write):
    path = write("""
[durations]
acceptance = "2d 12h"
day = "30m"
extension_answer = "24h"
[reminders]
acceptance = ["36h", "90s"]
delivery = []
extension_answer = ["6h"]
[money]
tip_cap_percent = 0
commission_basis_points = 250
[rules]
refused_cancellations_to_dispute = 3
mask_contacts = false
max_text = 4096
max_extension_days = 7
""")
    settings = load_config(path, environ={}).settings
    assert settings.acceptance == timedelta(days=2, hours=12)
    assert settings.day == timedelta(minutes=30)
    assert settings.review_window == timedelta(days=7)  # untouched keys keep their default
    assert settings.reminders[Deadline.ACCEPTANCE] == (timedelta(hours=36), timedelta(seconds=90))
    assert settings.reminders[Deadline.DELIVERY] == ()
    assert settings.reminders[Deadline.REVIEW_WINDOW] == (timedelta(hours=48), timedelta(hours=24))
    assert (settings.tip_cap_percent, settings.commission_basis_points) == (0, 250)
    assert (settings.refused_cancellations_to_dispute, settings.mask_contacts, settings.max_text) == (3, False, 4096)
    assert (settings.extension_answer, settings.max_extension_days) == (timedelta(hours=24), 7)
    assert settings.reminders[Deadline.EXTENSION_ANSWER] == (timedelta(hours=6),)


def test_a_full_telegram_and_discord_setup_is_read_as_written(write):
    path = write("""
default_language = "fr"
default_timezone = "Europe/Paris"
[telegram]
moderators = [111, 222]
base_url = "http://127.0.0.1:8081/bot"
mode = "webhook"
webhook_url = "https://bot.example.com/telegram"
webhook_listen = "0.0.0.0"
webhook_port = 443
payment = "stars"
[discord]
guild_id = 42
moderator_role_ids = [7, 8]
moderator_user_ids = [9]
marketplace_channel_id = 123456789012345678
shard_ids = [0, 2]
shard_count = 4
base_url = "http://127.0.0.1:8080/api/v10"
[scheduler]
poll_seconds = 2
[relay]
max_backoff_seconds = 60
""")
    config = load_config(path, environ={})
    assert (config.default_language, config.default_timezone) == ("fr", "Europe/Paris")
    assert config.telegram == TelegramConfig(
        moderators=(111, 222), base_url="http://127.0.0.1:8081/bot", mode="webhook",
        webhook_url="https://bot.example.com/telegram", webhook_listen="0.0.0.0", webhook_port=443, payment="stars")
    assert config.discord == DiscordConfig(
        guild_id=42, moderator_role_ids=(7, 8), moderator_user_ids=(9,), marketplace_channel_id=123456789012345678,
        shard_ids=(0, 2), shard_count=4, base_url="http://127.0.0.1:8080/api/v10")
    assert config.scheduler.poll_seconds == 2.0 and isinstance(config.scheduler.poll_seconds, float)
    assert config.relay.max_backoff_seconds == 60.0


BAD = [
    # durations
    ('[durations]\nacceptance = "48 hours"', f'durations.acceptance: "48 hours" is not a duration {DURATION_HINT}'),
    ("[durations]\nacceptance = 48", f"durations.acceptance: 48 is not a duration {DURATION_HINT}"),
    ('[durations]\nexpiry = "-5d"', f'durations.expiry: "-5d" is not a duration {DURATION_HINT}'),
    ('[durations]\nday = "0h"', 'durations.day: "0h" must be longer than zero'),
    ('durations = "48h"', "durations: must be a section ([durations])"),
    # reminders
    ('[reminders]\nacceptance = ["24h", "2 hours"]',
     f'reminders.acceptance: "2 hours" is not a duration {DURATION_HINT}'),
    ('[reminders]\nacceptance = "24h"', 'reminders.acceptance: must be a list of durations, e.g. ["24h", "2h"]'),
    ('[reminders]\nacceptance = ["72h"]',
     "reminders.acceptance: each reminder must be shorter than durations.acceptance (2d)"),
    ("[reminders]\nexpiry = []", "unknown setting: reminders.expiry"),
    ('[reminders]\nextension_answer = ["48h"]',
     "reminders.extension_answer: each reminder must be shorter than durations.extension_answer (2d)"),
    # unknown names
    ('[durations]\nacceptence = "48h"', "unknown setting: durations.acceptence (did you mean durations.acceptance?)"),
    ('[telegramm]\nmode = "polling"', "unknown section: [telegramm] (did you mean [telegram]?)"),
    ("[colours]\nred = 1", "unknown section: [colours]"),
    ('databse_url = "sqlite+aiosqlite:///x"', "unknown setting: databse_url (did you mean database_url?)"),
    ("[telegram.extra]\nx = 1", "unknown setting: telegram.extra"),
    # money and rules: integers in range, never bools or strings
    ("[money]\ntip_cap_percent = 101", "money.tip_cap_percent: must be an integer from 0 to 100"),
    ("[money]\ntip_cap_percent = -1", "money.tip_cap_percent: must be an integer from 0 to 100"),
    ("[money]\ntip_cap_percent = true", "money.tip_cap_percent: must be an integer from 0 to 100"),
    ('[money]\ntip_cap_percent = "20"', "money.tip_cap_percent: must be an integer from 0 to 100"),
    ("[money]\ntip_cap_percent = 20.0", "money.tip_cap_percent: must be an integer from 0 to 100"),
    ("[money]\ncommission_basis_points = 10001",
     "money.commission_basis_points: must be an integer from 0 to 10000"),
    ("[rules]\nrefused_cancellations_to_dispute = 0",
     "rules.refused_cancellations_to_dispute: must be an integer of at least 1"),
    ("[rules]\nmax_text = 5000", "rules.max_text: must be an integer from 1 to 4096"),
    ("[rules]\nmax_extension_days = 0", "rules.max_extension_days: must be an integer from 1 to 365"),
    ("[rules]\nmax_text = false", "rules.max_text: must be an integer from 1 to 4096"),
    ('[rules]\nmask_contacts = "yes"', "rules.mask_contacts: must be true or false"),
    ("[rules]\nexpiry_voucher = 1", "rules.expiry_voucher: must be true or false"),
    # top level
    ('default_language = "de"', 'default_language: must be "en" or "fr"'),
    ('default_timezone = "Mars/Olympus"',
     'default_timezone: "Mars/Olympus" is not a time zone (use e.g. "UTC" or "Europe/Paris")'),
    ('default_timezone = "../etc/passwd"',
     'default_timezone: "../etc/passwd" is not a time zone (use e.g. "UTC" or "Europe/Paris")'),
    ('database_url = "comptoir.sqlite3"',
     'database_url: must be a database URL such as "sqlite+aiosqlite:///comptoir.sqlite3"'),
    ('database_url = "mysql://shop:secret@db/shop"',
     'database_url: "mysql" databases are not supported: use SQLite ("sqlite+aiosqlite:///comptoir.sqlite3") '
     'or PostgreSQL ("postgresql+asyncpg://user:password@host/database")'),
    ('database_url = "postgresql://shop:secret@db/shop"',
     'database_url: "postgresql://" is not the async driver: write "postgresql+asyncpg://", '
     'e.g. "postgresql+asyncpg://user:password@host/database"'),
    ('database_url = "postgresql+psycopg2://shop:secret@db/shop"',
     'database_url: "postgresql+psycopg2://" is not the async driver: write "postgresql+asyncpg://", '
     'e.g. "postgresql+asyncpg://user:password@host/database"'),
    ('database_url = "sqlite:///comptoir.sqlite3"',
     'database_url: "sqlite://" is not the async driver: write "sqlite+aiosqlite://", '
     'e.g. "sqlite+aiosqlite:///comptoir.sqlite3"'),
    ('database_url = "postgresql+asyncpg://shop:secret@db:five/shop"',
     'database_url: the port "five" is not a number (write host:5432)'),
    # telegram
    ('[telegram]\nmode = "push"', 'telegram.mode: must be "polling" or "webhook"'),
    ('[telegram]\nmode = "webhook"', 'telegram.webhook_url: required when telegram.mode is "webhook"'),
    ('[telegram]\nwebhook_url = "http://bot.example.com"', "telegram.webhook_url: must be an https:// URL"),
    ("[telegram]\nwebhook_port = 70000", "telegram.webhook_port: must be an integer from 1 to 65535"),
    ('[telegram]\nmoderators = ["123"]', "telegram.moderators: must be an integer of at least 1"),
    ("[telegram]\nmoderators = 123", "telegram.moderators: must be a list of Telegram user ids"),
    ('[telegram]\npayment = "card"', 'telegram.payment: must be "stars" or "manual"'),
    ('[telegram]\ntoken_env = "MY TOKEN"', "telegram.token_env: must be the name of an environment variable"),
    ('[telegram]\ntoken = "123:abc"', "telegram.token: tokens are never read from the file; "
                                      "set the environment variable named by telegram.token_env"),
    # discord
    ('[discord]\npayment = "stars"', 'discord.payment: must be "manual"'),
    ('[discord]\nbase_url = "discord.com/api/v10"', "discord.base_url: must be an http:// or https:// URL"),
    ('[discord]\nmoderator_role = "Moderator"', "discord.moderator_role: a role's name proves nothing (anyone can "
     "create a role of that name in a server of their own); set discord.guild_id and discord.moderator_role_ids "
     "(or discord.moderator_user_ids) instead"),
    ("[discord]\nmoderator_role_ids = [1]", "discord.moderator_role_ids: needs discord.guild_id, the server where "
                                            "those roles are read"),
    ('[discord]\nmoderator_role_ids = ["Moderator"]', "discord.moderator_role_ids: must be an integer of at least 1"),
    ("[discord]\nguild_id = 0", "discord.guild_id: must be an integer of at least 1"),
    # limits
    ("[limits]\nlink_codes = 0", "limits.link_codes: must be an integer from 1 to 100"),
    ('[limits]\nlink_code_lifetime = "2d"', "limits.link_code_lifetime: at most 1d (a code that lives long is a "
                                             "code that leaks)"),
    ('[discord]\nmarketplace_channel_id = "123"', "discord.marketplace_channel_id: must be an integer of at least 1"),
    ('[discord]\nguild_id = "Marketplace"', "discord.guild_id: must be an integer of at least 1"),
    ("[discord]\nmoderator_role_ids = 5", "discord.moderator_role_ids: must be a list of role ids"),
    ('[discord]\nmoderator_user_ids = ["ana"]', "discord.moderator_user_ids: must be an integer of at least 1"),
    # the operator's endpoint and the logs
    ('[http]\nenabled = "yes"', "http.enabled: must be true or false"),
    ("[http]\nport = 0", "http.port: must be an integer from 1 to 65535"),
    ('[logging]\nformat = "xml"', 'logging.format: must be "text" or "json"'),
    ('[logging]\nlevel = "loud"', 'logging.level: must be "debug", "info", "warning" or "error"'),
    ("[discord]\nshard_ids = [0, 1]", "discord.shard_count: required when discord.shard_ids is set"),
    ("[discord]\nshard_ids = [0, 2]\nshard_count = 2", "discord.shard_ids: each must be below discord.shard_count (2)"),
    # scheduler and relay
    ("[scheduler]\npoll_seconds = 0", "scheduler.poll_seconds: must be a number of seconds above zero"),
    ("[scheduler]\npoll_seconds = true", "scheduler.poll_seconds: must be a number of seconds above zero"),
    ("[scheduler]\npoll_seconds = nan", "scheduler.poll_seconds: must be a number of seconds above zero"),
    ("[scheduler]\nbatch = 1.5", "scheduler.batch: must be an integer of at least 1"),
    ("[relay]\nmax_attempts = 0", "relay.max_attempts: must be an integer of at least 1"),
    ("[relay]\nmax_backoff_seconds = 1", "relay.max_backoff_seconds: must not be below relay.backoff_seconds"),
]


@pytest.mark.parametrize("text, message", BAD, ids=[text.replace("\n", " ") for text, _ in BAD])
def test_a_bad_value_is_refused_with_one_line_naming_the_setting(write, text, message):
    with pytest.raises(ConfigError) as error:
        load_config(write(text), environ={})
    assert str(error.value) == message
    assert "\n" not in str(error.value)


def test_a_file_that_is_not_toml_is_refused_with_one_line_naming_the_file(write):
    path = write("[durations\nacceptance = 48h")
    with pytest.raises(ConfigError, match=f"^{re.escape(str(path))}: is not valid TOML: .*line 1") as error:
        load_config(path, environ={})
    assert "\n" not in str(error.value)


def test_a_missing_explicit_file_is_an_error_naming_the_path(tmp_path):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError, match=f"^{re.escape(str(path))}: no such configuration file$"):
        load_config(path, environ={})


def test_the_file_named_by_comptoir_config_is_read_and_must_exist(write, tmp_path):
    path = write("default_language = \"fr\"")
    assert load_config(environ={"COMPTOIR_CONFIG": str(path)}).default_language == "fr"
    missing = tmp_path / "missing.toml"
    with pytest.raises(ConfigError, match=f"^{re.escape(str(missing))}: no such configuration file "
                                          r"\(named by COMPTOIR_CONFIG\)$"):
        load_config(environ={"COMPTOIR_CONFIG": str(missing)})


def test_an_explicit_path_wins_over_comptoir_config(write, tmp_path):
    path = write("default_language = \"fr\"")
    config = load_config(path, environ={"COMPTOIR_CONFIG": str(tmp_path / "missing.toml")})
    assert config.default_language == "fr"


def test_the_environment_wins_over_the_file(write):
    path = write('database_url = "sqlite+aiosqlite:///from-file.sqlite3"')
    url = "postgresql+asyncpg://user:pass@host/db"
    assert load_config(path, environ={"COMPTOIR_DATABASE_URL": url}).database_url == url
    assert load_config(path, environ={"COMPTOIR_DATABASE_URL": ""}).database_url.endswith("from-file.sqlite3")


def test_a_relative_sqlite_path_in_the_file_is_relative_to_the_file_not_the_current_directory(tmp_path, monkeypatch):
    (tmp_path / "etc").mkdir()
    monkeypatch.chdir(tmp_path)
    named = tmp_path / "etc" / "named.toml"
    named.write_text('database_url = "sqlite+aiosqlite:///data/desk.sqlite3"')
    assert load_config(named, environ={}).database_url == f"sqlite+aiosqlite:///{tmp_path}/etc/data/desk.sqlite3"
    default = tmp_path / "etc" / "default.toml"
    default.write_text("")
    assert load_config("etc/default.toml", environ={}).database_url == \
        f"sqlite+aiosqlite:///{tmp_path}/etc/comptoir.sqlite3"
    absolute = f"sqlite+aiosqlite:///{tmp_path}/elsewhere.sqlite3"
    named.write_text(f'database_url = "{absolute}"')
    assert load_config(named, environ={}).database_url == absolute
    # the environment is not the file: its relative path stays relative to where the process runs
    relative = "sqlite+aiosqlite:///from-env.sqlite3"
    assert load_config(named, environ={"COMPTOIR_DATABASE_URL": relative}).database_url == relative


def test_a_database_url_error_never_repeats_the_password(write):
    with pytest.raises(ConfigError) as error:
        load_config(write('database_url = "mysql://shop:hunter2@db/shop"'), environ={})
    assert "hunter2" not in str(error.value)


def test_discord_moderators_are_configured_by_identity_in_the_marketplace_guild(write):
    config = load_config(write("[discord]\nguild_id = 10\nmoderator_role_ids = [11, 12]\nmoderator_user_ids = [13]"),
                         environ={})
    assert (config.discord.guild_id, config.discord.moderator_role_ids, config.discord.moderator_user_ids) == \
        (10, (11, 12), (13,))
    assert not hasattr(config.discord, "moderator_role")  # a role's name is never read: anyone can make one


def test_a_bad_database_url_in_the_environment_is_refused_naming_the_variable():
    with pytest.raises(ConfigError, match="^COMPTOIR_DATABASE_URL: must be a database URL"):
        load_config(environ={"COMPTOIR_DATABASE_URL": "not a url"})


def test_tokens_are_read_from_the_default_environment_variables():
    config = load_config(environ={"COMPTOIR_TELEGRAM_TOKEN": "123:tg", "COMPTOIR_DISCORD_TOKEN": "dc"})
    assert (config.telegram.token, config.discord.token) == ("123:tg", "dc")


def test_tokens_are_read_from_the_environment_variables_the_file_names(write):
    path = write('[telegram]\ntoken_env = "SHOP_TG"\n[discord]\ntoken_env = "SHOP_DC"')
    environ = {"SHOP_TG": "123:tg", "SHOP_DC": "dc", "COMPTOIR_TELEGRAM_TOKEN": "ignored"}
    config = load_config(path, environ=environ)
    assert (config.telegram.token, config.discord.token) == ("123:tg", "dc")


def test_an_unset_or_empty_token_is_none():
    config = load_config(environ={"COMPTOIR_TELEGRAM_TOKEN": ""})
    assert (config.telegram.token, config.discord.token) == (None, None)


def test_tokens_never_appear_in_the_printed_config():
    config = load_config(environ={"COMPTOIR_TELEGRAM_TOKEN": "123:secret", "COMPTOIR_DISCORD_TOKEN": "secret2"})
    assert "secret" not in repr(config)


def test_the_process_environment_is_used_when_none_is_given(monkeypatch):
    monkeypatch.delenv("COMPTOIR_CONFIG", raising=False)
    monkeypatch.setenv("COMPTOIR_DATABASE_URL", "postgresql+asyncpg://u:p@h/db")
    assert load_config().database_url == "postgresql+asyncpg://u:p@h/db"


def test_payment_instructions_are_read_by_language_and_given_in_the_readers_else_the_marketplaces(write):
    path = write('default_language = "fr"\n[payment]\ninstructions = { en = "Bank transfer to FR76 1234.", '
                 'fr = "Virement sur FR76 1234." }\n')
    payment = load_config(path, environ={}).payment
    assert payment.instructions == (("en", "Bank transfer to FR76 1234."), ("fr", "Virement sur FR76 1234."))
    assert payment.instructions_in("en", "fr") == "Bank transfer to FR76 1234."
    only_french = PaymentConfig((("fr", "Virement sur FR76 1234."),))
    assert only_french.instructions_in("en", "fr") == only_french.instructions_in("en", "de") == "Virement sur FR76 1234."
    assert PaymentConfig().instructions_in("en", "en") is None


@pytest.mark.parametrize("value, error", [
    ('"Bank transfer"', 'payment.instructions: must be a text for each language, e.g. { en = "Bank transfer to …", '
                        'fr = "Virement à …" }'),
    ("{}", "payment.instructions: must be a text for each language"),
    ('{ de = "Überweisung" }', 'payment.instructions: "de" is not a language (use en or fr)'),
    ('{ en = "  " }', "payment.instructions: en must be a non-empty text"),
])
def test_payment_instructions_that_cannot_be_shown_are_refused_naming_the_setting(write, value, error):
    with pytest.raises(ConfigError) as refused:
        load_config(write(f"[payment]\ninstructions = {value}\n"), environ={})
    assert str(refused.value).startswith(error)


def test_the_today_card_s_settings_are_read_and_a_bad_hour_is_named(write):
    config = load_config(write('[today]\ndigest_at = "7:30"\ndebounce = "1m"\nlines = 5\n'), environ={})
    assert (config.today.rules.digest_at.hour, config.today.rules.digest_at.minute) == (7, 30)
    assert config.today.rules.debounce == timedelta(minutes=1) and config.today.rules.lines == 5
    with pytest.raises(ConfigError, match=r'today.digest_at: "25:00" is not a time of day'):
        load_config(write('[today]\ndigest_at = "25:00"\n'), environ={})
    with pytest.raises(ConfigError, match="today.lines"):
        load_config(write('[today]\nlines = 0\n'), environ={})
