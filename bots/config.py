"""The deployment's configuration: one TOML file plus environment variables, fully checked before anything starts."""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.i18n import LANGUAGES
from core.model import Deadline
from core.settings import Settings
from core.today import TodayRules
from storage.locations import SQLITE_EXAMPLE, beside, url_problem

__all__ = [
    "CONFIG_ENV", "DATABASE_URL_ENV", "Config", "ConfigError", "DiscordConfig", "HttpConfig", "LimitsConfig",
    "LoggingConfig", "PaymentConfig", "RelayConfig", "SchedulerConfig", "TelegramConfig", "TodayConfig",
    "format_duration",
    "load_config", "parse_duration",
]

CONFIG_ENV = "COMPTOIR_CONFIG"
DATABASE_URL_ENV = "COMPTOIR_DATABASE_URL"


class ConfigError(ValueError):
    """A setting that cannot be used; the message is one line that names the setting."""


@dataclass(frozen=True)
class TelegramConfig:
    token_env: str = "COMPTOIR_TELEGRAM_TOKEN"
    token: str | None = field(default=None, repr=False)  # a secret: kept out of logs
    moderators: tuple[int, ...] = ()  # Telegram user ids
    base_url: str | None = None  # a local Bot API server, if any
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    payment: Literal["stars", "manual"] = "manual"
    #: how long a handled update is remembered, to answer Telegram's redeliveries once (then forgotten)
    seen_updates_for: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class DiscordConfig:
    token_env: str = "COMPTOIR_DISCORD_TOKEN"
    token: str | None = field(default=None, repr=False)
    #: the marketplace's server: commands are refused in any other, and moderator roles are read there
    guild_id: int | None = None
    #: moderators by identity, never by a role's name (anyone can create a role named "Moderator" in a server
    #: of their own): members holding one of these roles in the marketplace's server, or these users
    moderator_role_ids: tuple[int, ...] = ()
    moderator_user_ids: tuple[int, ...] = ()
    marketplace_channel_id: int | None = None
    shard_ids: tuple[int, ...] | None = None
    shard_count: int | None = None
    payment: Literal["manual"] = "manual"
    base_url: str | None = None  # a Discord REST API proxy (or a test's fake Discord), if any


@dataclass(frozen=True)
class PaymentConfig:
    """Paying by hand (the "manual" payment, on either platform): what the buyer is told to do, by language."""

    instructions: tuple[tuple[str, str], ...] = ()  # (language, text): ("en", "Transfer to IBAN …"), ("fr", "…")

    def instructions_in(self, lang: str, default: str) -> str | None:
        """The instructions in this language, else in the marketplace's, else in any there are; None without."""
        written = dict(self.instructions)
        return written.get(lang) or written.get(default) or next(iter(written.values()), None)


@dataclass(frozen=True)
class SchedulerConfig:
    poll_seconds: float = 1.0
    batch: int = 100
    lease_seconds: int = 60


@dataclass(frozen=True)
class RelayConfig:
    poll_seconds: float = 0.5
    batch: int = 50
    max_attempts: int = 10
    backoff_seconds: float = 2.0
    max_backoff_seconds: float = 600.0


@dataclass(frozen=True)
class HttpConfig:
    """The operator's HTTP endpoint: /healthz and /metrics (off unless enabled)."""

    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = 9464


@dataclass(frozen=True)
class LoggingConfig:
    format: Literal["text", "json"] = "text"
    level: Literal["debug", "info", "warning", "error"] = "info"


@dataclass(frozen=True)
class LimitsConfig:
    """What one person may do in a while, so that nobody can flood the bot, the other party or the database."""

    messages: int = 20  # chat messages one person may send in `messages_window` (then one every window/messages)
    messages_window: timedelta = timedelta(minutes=1)
    presses: int = 60  # buttons pressed and commands sent
    presses_window: timedelta = timedelta(minutes=1)
    link_codes: int = 3  # /link codes one person may hold at once
    link_code_lifetime: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class TodayConfig:
    """Each person's Today card and morning digest (core.today): how often it is looked at, and its rules."""

    poll_seconds: float = 5.0  # between two looks for cards out of date and digests due
    batch: int = 50  # people looked at per look
    rules: TodayRules = field(default_factory=TodayRules)


@dataclass(frozen=True)
class Config:
    database_url: str = "sqlite+aiosqlite:///comptoir.sqlite3"
    settings: Settings = field(default_factory=Settings)
    default_language: str = "en"
    default_timezone: str = "UTC"
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    payment: PaymentConfig = field(default_factory=PaymentConfig)
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    relay: RelayConfig = field(default_factory=RelayConfig)
    http: HttpConfig = field(default_factory=HttpConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    today: TodayConfig = field(default_factory=TodayConfig)


# --- durations: "48h", "7d", "30m", "90s", "2d 12h" -------------------------------------------

_UNITS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
_DURATION = re.compile(r"\s*(?:\d+\s*[dhms]\s*)+")
_PART = re.compile(r"(\d+)\s*([dhms])")
_LONGEST = 100 * 365 * 86_400  # a hundred years


def parse_duration(text: Any) -> timedelta:
    """A positive duration written as "48h", "7d", "30m", "90s" or "2d 12h"; ValueError otherwise."""
    if not isinstance(text, str) or not _DURATION.fullmatch(text):
        raise ValueError(f'{_show(text)} is not a duration (use e.g. "48h", "7d", "30m")')
    seconds = sum(int(number) * _UNITS[unit] for number, unit in _PART.findall(text))
    if seconds == 0:
        raise ValueError(f"{_show(text)} must be longer than zero")
    if seconds > _LONGEST:  # also keeps `now + duration` a date Python can hold
        raise ValueError(f"{_show(text)} is too long (at most {_LONGEST // 86_400}d)")
    return timedelta(seconds=seconds)


def format_duration(duration: timedelta) -> str:
    """The inverse of parse_duration, in whole seconds: timedelta(days=2, hours=12) -> "2d 12h"."""
    seconds, parts = int(duration.total_seconds()), []
    for unit, size in _UNITS.items():
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) or "0s"


# --- readers: each checks one value and says what it must be ------------------------------------

Reader = Callable[[Any], Any]


def _show(value: Any) -> str:
    """A value as it would be written in TOML, on one line."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _integer(low: int, high: int | None = None) -> Reader:
    expected = f"an integer from {low} to {high}" if high is not None else f"an integer of at least {low}"

    def read(value: Any) -> int:
        # type() and not isinstance(): a bool is an int in Python, never in a config file
        if type(value) is not int or value < low or (high is not None and value > high):
            raise ValueError(f"must be {expected}")
        return value
    return read


def _seconds(value: Any) -> float:
    if type(value) not in (int, float) or not 0 < value < math.inf:
        raise ValueError("must be a number of seconds above zero")
    return float(value)


def _boolean(value: Any) -> bool:
    if type(value) is not bool:
        raise ValueError("must be true or false")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    return value


def _choice(*options: str) -> Reader:
    quoted = [f'"{option}"' for option in options]
    expected = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]

    def read(value: Any) -> str:
        if not isinstance(value, str) or value not in options:
            raise ValueError(f"must be {expected}")
        return value
    return read


def _list_of(read: Reader, expected: str) -> Reader:
    def read_list(value: Any) -> tuple:
        if not isinstance(value, list):
            raise ValueError(f"must be a list of {expected}")
        return tuple(read(item) for item in value)
    return read_list


def _url(*schemes: str) -> Reader:
    expected = " or ".join(f"{scheme}://" for scheme in schemes)

    def read(value: Any) -> str:
        if not isinstance(value, str) or not re.fullmatch(rf"(?:{'|'.join(schemes)})://\S+", value):
            raise ValueError(f"must be an {expected} URL")
        return value
    return read


def _database_url(value: Any) -> str:
    problem = url_problem(value) if isinstance(value, str) else f"must be a database URL such as {SQLITE_EXAMPLE}"
    if problem:
        raise ValueError(problem)
    return value


def _env_name(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise ValueError("must be the name of an environment variable")
    return value


def _timezone(value: Any) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise ValueError(f'{_show(value)} is not a time zone (use e.g. "UTC" or "Europe/Paris")') from None
    return value


def _check(key: str, read: Reader, value: Any) -> Any:
    try:
        return read(value)
    except ValueError as error:
        raise ConfigError(f"{key}: {error}") from None


class _Table:
    """One TOML table being read: every key is read once, and a key nobody read is a typo."""

    def __init__(self, name: str, values: Mapping[str, Any]):
        self.name, self.values, self.known = name, values, set()

    def key(self, key: str) -> str:
        return f"{self.name}.{key}" if self.name else key

    def get(self, key: str, read: Reader, default: Any) -> Any:
        self.known.add(key)
        return _check(self.key(key), read, self.values[key]) if key in self.values else default

    def table(self, key: str) -> _Table:
        self.known.add(key)
        values = self.values.get(key, {})
        if not isinstance(values, dict):
            raise ConfigError(f"{self.key(key)}: must be a section ([{self.key(key)}])")
        return _Table(self.key(key), values)

    def done(self) -> None:
        for key, value in self.values.items():
            if key not in self.known:
                close = difflib.get_close_matches(key, sorted(self.known), n=1)
                if not self.name and isinstance(value, dict):
                    hint = f" (did you mean [{close[0]}]?)" if close else ""
                    raise ConfigError(f"unknown section: [{key}]{hint}")
                hint = f" (did you mean {self.key(close[0])}?)" if close else ""
                raise ConfigError(f"unknown setting: {self.key(key)}{hint}")


# --- sections -----------------------------------------------------------------------------------

_DURATION_FIELDS = tuple(f.name for f in fields(Settings) if isinstance(f.default, timedelta))


def _settings(root: _Table) -> Settings:
    default = Settings()
    durations = root.table("durations")
    values = {name: durations.get(name, parse_duration, getattr(default, name)) for name in _DURATION_FIELDS}
    durations.done()

    table = root.table("reminders")
    before = _list_of(parse_duration, 'durations, e.g. ["24h", "2h"]')
    reminders = {deadline: table.get(deadline.value, before, offsets)
                 for deadline, offsets in default.reminders.items()}
    table.done()

    money = root.table("money")
    values["tip_cap_percent"] = money.get("tip_cap_percent", _integer(0, 100), default.tip_cap_percent)
    values["commission_basis_points"] = money.get(
        "commission_basis_points", _integer(0, 10_000), default.commission_basis_points)
    money.done()

    rules = root.table("rules")
    values["refused_cancellations_to_dispute"] = rules.get(
        "refused_cancellations_to_dispute", _integer(1), default.refused_cancellations_to_dispute)
    values["max_extension_days"] = rules.get("max_extension_days", _integer(1, 365), default.max_extension_days)
    values["max_away_days"] = rules.get("max_away_days", _integer(1, 365), default.max_away_days)
    values["max_away_message"] = rules.get("max_away_message", _integer(1, 1000), default.max_away_message)
    values["max_in_progress_limit"] = rules.get("max_in_progress_limit", _integer(1, 1000),
                                                default.max_in_progress_limit)
    values["expiry_voucher"] = rules.get("expiry_voucher", _boolean, default.expiry_voucher)
    values["mask_contacts"] = rules.get("mask_contacts", _boolean, default.mask_contacts)
    values["max_text"] = rules.get("max_text", _integer(1, 4096), default.max_text)
    rules.done()

    settings = Settings(**values, reminders=reminders)
    for deadline, offsets in reminders.items():
        # a reminder earlier than its deadline's start would silently never be sent
        if deadline is not Deadline.DELIVERY and any(offset >= settings.duration(deadline) for offset in offsets):
            length = format_duration(settings.duration(deadline))
            raise ConfigError(f"reminders.{deadline.value}: each reminder must be shorter than "
                              f"durations.{deadline.value} ({length})")
    return settings


def _refuse_token_in_file(table: _Table) -> None:
    if "token" in table.values:
        raise ConfigError(f"{table.key('token')}: tokens are never read from the file; "
                          f"set the environment variable named by {table.key('token_env')}")


def _token(environ: Mapping[str, str], name: str) -> str | None:
    return environ.get(name) or None


def _telegram(table: _Table, environ: Mapping[str, str]) -> TelegramConfig:
    _refuse_token_in_file(table)
    d = TelegramConfig()
    token_env = table.get("token_env", _env_name, d.token_env)
    config = TelegramConfig(
        token_env=token_env,
        token=_token(environ, token_env),
        moderators=table.get("moderators", _list_of(_integer(1), "Telegram user ids"), d.moderators),
        base_url=table.get("base_url", _url("http", "https"), d.base_url),
        mode=table.get("mode", _choice("polling", "webhook"), d.mode),
        webhook_url=table.get("webhook_url", _url("https"), d.webhook_url),
        webhook_listen=table.get("webhook_listen", _text, d.webhook_listen),
        webhook_port=table.get("webhook_port", _integer(1, 65_535), d.webhook_port),
        payment=table.get("payment", _choice("stars", "manual"), d.payment),
        seen_updates_for=table.get("seen_updates_for", parse_duration, d.seen_updates_for),
    )
    table.done()
    if config.mode == "webhook" and config.webhook_url is None:
        raise ConfigError('telegram.webhook_url: required when telegram.mode is "webhook"')
    return config


def _discord(table: _Table, environ: Mapping[str, str]) -> DiscordConfig:
    _refuse_token_in_file(table)
    if "moderator_role" in table.values:
        raise ConfigError("discord.moderator_role: a role's name proves nothing (anyone can create a role of that "
                          "name in a server of their own); set discord.guild_id and discord.moderator_role_ids "
                          "(or discord.moderator_user_ids) instead")
    d = DiscordConfig()
    token_env = table.get("token_env", _env_name, d.token_env)
    config = DiscordConfig(
        token_env=token_env,
        token=_token(environ, token_env),
        guild_id=table.get("guild_id", _integer(1), d.guild_id),
        moderator_role_ids=table.get("moderator_role_ids", _list_of(_integer(1), "role ids"), d.moderator_role_ids),
        moderator_user_ids=table.get("moderator_user_ids", _list_of(_integer(1), "user ids"), d.moderator_user_ids),
        marketplace_channel_id=table.get("marketplace_channel_id", _integer(1), d.marketplace_channel_id),
        shard_ids=table.get("shard_ids", _list_of(_integer(0), "shard numbers"), d.shard_ids),
        shard_count=table.get("shard_count", _integer(1), d.shard_count),
        payment=table.get("payment", _choice("manual"), d.payment),
        base_url=table.get("base_url", _url("http", "https"), d.base_url),
    )
    table.done()
    if config.moderator_role_ids and config.guild_id is None:
        raise ConfigError("discord.moderator_role_ids: needs discord.guild_id, the server where those roles are read")
    if config.shard_ids is not None:
        if config.shard_count is None:
            raise ConfigError("discord.shard_count: required when discord.shard_ids is set")
        if any(shard >= config.shard_count for shard in config.shard_ids):
            raise ConfigError(f"discord.shard_ids: each must be below discord.shard_count ({config.shard_count})")
    return config


def _texts_by_language(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not value:
        raise ValueError('must be a text for each language, e.g. { en = "Bank transfer to …", fr = "Virement à …" }')
    for lang, text in value.items():
        if lang not in LANGUAGES:
            raise ValueError(f"{_show(lang)} is not a language (use {' or '.join(LANGUAGES)})")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{lang} must be a non-empty text")
    return tuple(sorted((lang, text.strip()) for lang, text in value.items()))


def _payment(table: _Table) -> PaymentConfig:
    d = PaymentConfig()
    config = PaymentConfig(instructions=table.get("instructions", _texts_by_language, d.instructions))
    table.done()
    return config


def _scheduler(table: _Table) -> SchedulerConfig:
    d = SchedulerConfig()
    config = SchedulerConfig(
        poll_seconds=table.get("poll_seconds", _seconds, d.poll_seconds),
        batch=table.get("batch", _integer(1), d.batch),
        lease_seconds=table.get("lease_seconds", _integer(1), d.lease_seconds),
    )
    table.done()
    return config


def _relay(table: _Table) -> RelayConfig:
    d = RelayConfig()
    config = RelayConfig(
        poll_seconds=table.get("poll_seconds", _seconds, d.poll_seconds),
        batch=table.get("batch", _integer(1), d.batch),
        max_attempts=table.get("max_attempts", _integer(1), d.max_attempts),
        backoff_seconds=table.get("backoff_seconds", _seconds, d.backoff_seconds),
        max_backoff_seconds=table.get("max_backoff_seconds", _seconds, d.max_backoff_seconds),
    )
    table.done()
    if config.max_backoff_seconds < config.backoff_seconds:
        raise ConfigError("relay.max_backoff_seconds: must not be below relay.backoff_seconds")
    return config


def _http(table: _Table) -> HttpConfig:
    d = HttpConfig()
    config = HttpConfig(
        enabled=table.get("enabled", _boolean, d.enabled),
        listen=table.get("listen", _text, d.listen),
        port=table.get("port", _integer(1, 65_535), d.port),
    )
    table.done()
    return config


def _limits(table: _Table) -> LimitsConfig:
    d = LimitsConfig()
    config = LimitsConfig(
        messages=table.get("messages", _integer(1, 100_000), d.messages),
        messages_window=table.get("messages_window", parse_duration, d.messages_window),
        presses=table.get("presses", _integer(1, 100_000), d.presses),
        presses_window=table.get("presses_window", parse_duration, d.presses_window),
        link_codes=table.get("link_codes", _integer(1, 100), d.link_codes),
        link_code_lifetime=table.get("link_code_lifetime", parse_duration, d.link_code_lifetime),
    )
    table.done()
    for name in ("messages_window", "presses_window"):
        if getattr(config, name) > timedelta(days=1):
            raise ConfigError(f"limits.{name}: at most 1d")
    if config.link_code_lifetime > timedelta(days=1):
        raise ConfigError("limits.link_code_lifetime: at most 1d (a code that lives long is a code that leaks)")
    return config


def _clock_time(value: Any) -> time:
    """A time of day written "08:00"."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
        raise ValueError(f'{_show(value)} is not a time of day: write it like "08:00"')
    hours, minutes = (int(part) for part in value.strip().split(":"))
    if hours > 23 or minutes > 59:
        raise ValueError(f'{_show(value)} is not a time of day: write it like "08:00"')
    return time(hours, minutes)


def _today(table: _Table) -> TodayConfig:
    d, rules = TodayConfig(), TodayRules()
    config = TodayConfig(
        poll_seconds=table.get("poll_seconds", _seconds, d.poll_seconds),
        batch=table.get("batch", _integer(1, 10_000), d.batch),
        rules=TodayRules(
            due_soon=table.get("due_soon", parse_duration, rules.due_soon),
            lines=table.get("lines", _integer(1, 20), rules.lines),
            debounce=table.get("debounce", parse_duration, rules.debounce),
            digest_at=table.get("digest_at", _clock_time, rules.digest_at),
            digest_when_empty=table.get("digest_when_empty", _boolean, rules.digest_when_empty),
        ),
    )
    table.done()
    return config


def _logging(table: _Table) -> LoggingConfig:
    d = LoggingConfig()
    config = LoggingConfig(
        format=table.get("format", _choice("text", "json"), d.format),
        level=table.get("level", _choice("debug", "info", "warning", "error"), d.level),
    )
    table.done()
    return config


# --- loading ------------------------------------------------------------------------------------

def _read_file(path: Path, named_by: str) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file{named_by}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: is not valid TOML: {error}") from None


def load_config(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """The configuration from a TOML file (path, else $COMPTOIR_CONFIG, else none) and the environment.

    Returns a complete Config or raises ConfigError; the environment wins over the file. A relative SQLite path
    in the file (or the default one, when there is a file) is relative to the file, not to the current directory.
    """
    environ = os.environ if environ is None else environ
    named_by = ""
    if path is None and environ.get(CONFIG_ENV):
        path, named_by = environ[CONFIG_ENV], f" (named by {CONFIG_ENV})"
    root = _Table("", _read_file(Path(path), named_by) if path is not None else {})

    d = Config()
    database_url = root.get("database_url", _database_url, d.database_url)
    if path is not None:
        database_url = beside(database_url, Path(path).parent)
    if environ.get(DATABASE_URL_ENV):
        database_url = _check(DATABASE_URL_ENV, _database_url, environ[DATABASE_URL_ENV])
    config = Config(
        database_url=database_url,
        default_language=root.get("default_language", _choice(*LANGUAGES), d.default_language),
        default_timezone=root.get("default_timezone", _timezone, d.default_timezone),
        settings=_settings(root),
        telegram=_telegram(root.table("telegram"), environ),
        discord=_discord(root.table("discord"), environ),
        payment=_payment(root.table("payment")),
        scheduler=_scheduler(root.table("scheduler")),
        relay=_relay(root.table("relay")),
        http=_http(root.table("http")),
        logging=_logging(root.table("logging")),
        limits=_limits(root.table("limits")),
        today=_today(root.table("today")),
    )
    root.done()
    return config
