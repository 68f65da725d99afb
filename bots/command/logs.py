"""The process's logs: text lines or JSON objects on stderr, tokens redacted, and quiet while starting up so that a
start-up failure is the one line that explains it."""

from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter

from bots.config import Config

TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: a line per Bot API call and per scheduler poll (twice a second) would bury what matters
CHATTY = ("alembic", "httpx", "apscheduler.executors.default")


class Redacting(logging.Formatter):
    """Formats with another formatter, then hides the tokens: a library may log a URL or a message holding one."""

    def __init__(self, inner: logging.Formatter, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.inner = inner
        self.secrets = tuple(secret for secret in secrets if secret)

    def format(self, record: logging.LogRecord) -> str:
        text = self.inner.format(record)
        for secret in self.secrets:
            text = text.replace(secret, "<token>")
        return text


def _not_about_voice(record: logging.LogRecord) -> bool:
    """discord.py warns at every start that voice is not installed: the desk has no voice."""
    return not (record.name == "discord.client" and "voice will NOT be supported" in record.getMessage())


def formatter(config: Config) -> logging.Formatter:
    inner = (JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                           rename_fields={"levelname": "level", "name": "logger", "asctime": "time"})
             if config.logging.format == "json" else logging.Formatter(TEXT))
    return Redacting(inner, (config.telegram.token, config.discord.token))


def configure(config: Config, starting: bool = True) -> None:
    """Logs to stderr in the configured format. While `starting`, only warnings and errors: what a library says on
    its way up (logging in, connecting) is noise next to the one line a failure prints."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(config))
    handler.addFilter(_not_about_voice)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING if starting else level(config))
    for chatty in CHATTY:
        logging.getLogger(chatty).setLevel(logging.WARNING)


def level(config: Config) -> int:
    return getattr(logging, config.logging.level.upper())


def started(config: Config) -> None:
    """From now on, the configured level."""
    logging.getLogger().setLevel(level(config))
