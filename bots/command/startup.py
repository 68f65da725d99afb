"""Start-up failures as one line: what went wrong and what to do about it — never a traceback, never a token."""

from __future__ import annotations

import errno

import aiohttp
import discord
from telegram.error import InvalidToken, NetworkError, TelegramError

from bots.config import Config
from storage.probe import causes, why

TELEGRAM_API = "https://api.telegram.org"
DISCORD_API = "https://discord.com/api/v10"
INTENTS = ("in the Developer Portal, open your application → Bot → Privileged Gateway Intents, turn on "
           "Message Content Intent and save")
#: the gateway's close codes a configuration can cause, and what to do about each
GATEWAY_CLOSES = {
    4004: "Discord refused the token",
    4010: "a shard number is invalid: check discord.shard_ids and discord.shard_count",
    4011: "the bot is in too many servers for one connection: set discord.shard_count (docs/operations.md)",
    4013: "the intents asked for are invalid",
    4014: f"the Message Content intent is not enabled for this bot: {INTENTS}",
}


class StartupFailure(Exception):
    """A reason the process cannot start, said in one line (the CLI prints it on stderr and exits with 2)."""


def redacted(text: str, config: Config) -> str:
    """The text with every configured token replaced: libraries put them in URLs and messages."""
    for token in (config.telegram.token, config.discord.token):
        if token:
            text = text.replace(token, "<token>")
    return text


def explain(error: BaseException, config: Config, starting: str) -> StartupFailure | None:
    """The one line for an error raised while starting `starting` ("database", "telegram", "discord", "http"); None
    for an error that is not a known way to fail (a bug: it keeps its traceback)."""
    line = _explain(error, config, starting)
    return StartupFailure(redacted(line, config)) if line else None


def _explain(error: BaseException, config: Config, starting: str) -> str | None:
    if starting == "database":
        return why(error, config.database_url)
    if starting == "telegram":
        return _telegram(error, config)
    if starting == "discord":
        return _discord(error, config)
    if starting == "http":
        return listening(error, "http", config.http.listen, config.http.port, "http.port")
    return None


def listening(error: BaseException, what: str, host: str, port: int, setting: str) -> str | None:
    for cause in causes(error):
        if isinstance(cause, OSError) and cause.errno in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            return (f"{what}: cannot listen on {host}:{port} ({cause.strerror}): choose another {setting}, or stop "
                    "what uses that port")
    return None


def _telegram(error: BaseException, config: Config) -> str | None:
    env = config.telegram.token_env
    api = config.telegram.base_url or TELEGRAM_API
    for cause in causes(error):
        if isinstance(cause, InvalidToken):
            return (f"telegram: Telegram refused the token in {env} (Unauthorized): copy it again from @BotFather "
                    f"(/mybots → your bot → API Token) into {env}")
        if isinstance(cause, NetworkError):  # TimedOut too
            return (f"telegram: cannot reach the Bot API at {api} ({cause.message}): check this machine's network "
                    "and proxy, or telegram.base_url")
    webhook = listening(error, "telegram", config.telegram.webhook_listen, config.telegram.webhook_port,
                        "telegram.webhook_port")
    if webhook:
        return webhook
    for cause in causes(error):
        if isinstance(cause, TelegramError):
            return f"telegram: the Bot API answered “{cause.message}” while starting: see `comptoir check`"
    return None


def _discord(error: BaseException, config: Config) -> str | None:
    env = config.discord.token_env
    api = config.discord.base_url or DISCORD_API
    for cause in causes(error):
        if isinstance(cause, discord.LoginFailure):
            return (f"discord: Discord refused the token in {env} (401 Unauthorized): reset it in the Developer "
                    f"Portal (your application → Bot → Reset Token) and put the new one in {env}")
        if isinstance(cause, discord.PrivilegedIntentsRequired):
            return f"discord: {GATEWAY_CLOSES[4014]}"
        if isinstance(cause, discord.ConnectionClosed) and cause.code in GATEWAY_CLOSES:
            return f"discord: the gateway closed the connection ({cause.code}): {GATEWAY_CLOSES[cause.code]}"
        if isinstance(cause, discord.HTTPException):
            return (f"discord: Discord answered {cause.status} {cause.text or ''} while starting: see "
                    "`comptoir check`").replace("  ", " ")
        if isinstance(cause, (aiohttp.ClientError, OSError, TimeoutError)):
            return (f"discord: cannot reach Discord's API at {api} ({type(cause).__name__}): check this machine's "
                    "network and proxy, or discord.base_url")
    return None
