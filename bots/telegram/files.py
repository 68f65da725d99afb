"""Telegram's files for the other platforms: the bytes behind a `tg:` reference, through getFile."""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bots.files import MB, Fetched, TooLarge, Unavailable
from bots.telegram.pacing import NO_RETRY, seconds
from core.ports import RetryLater

PREFIX = "tg"
DOWNLOAD_LIMIT = 20 * MB  # the Bot API lets a bot download files up to this size
UPLOAD_LIMIT = 50 * MB  # and upload files up to this one


def parse(ref: str) -> tuple[str, str, str] | None:
    """(kind, file id, name) of a Telegram reference: `tg:doc:<file id>:<name>`, `tg:photo:...`."""
    parts = ref.split(":", 3)
    if len(parts) != 4 or parts[0] != PREFIX:
        return None
    return parts[1], parts[2], parts[3]


class TelegramFiles:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def fetch(self, ref: str, limit: int) -> Fetched:
        parsed = parse(ref)
        if parsed is None:
            raise Unavailable(ref)
        _, file_id, name = parsed
        try:
            file = await self.bot.get_file(file_id, rate_limit_args=NO_RETRY)
            if file.file_size and file.file_size > limit:
                raise TooLarge(limit)
            content = bytes(await file.download_as_bytearray())
        except RetryAfter as wait:
            raise RetryLater(after=seconds(wait), reason=str(wait)) from wait
        except BadRequest as bad:  # before NetworkError, its parent class
            if "too big" in str(bad).lower():
                raise TooLarge(min(limit, DOWNLOAD_LIMIT)) from bad
            raise Unavailable(str(bad)) from bad
        except NetworkError as error:  # timed out, connection refused: Telegram is down for now
            raise RetryLater(reason=str(error)) from error
        except TelegramError as error:
            raise Unavailable(str(error)) from error
        return Fetched(name, content)
