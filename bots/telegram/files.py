"""Telegram's files for the other platforms: the bytes behind a `tg:` reference, through getFile."""

from __future__ import annotations

import asyncio

from telegram import Bot, InputFile
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut

from bots.files import MB, Fetched, Files, Missing, TooLarge, Unavailable, name_of, prefix_of
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


#: a file to send: Telegram's own reference (re-sent by its id), another platform's bytes, or a name and a note
Attachment = str | Fetched | Missing


async def attachments(files: Files, refs) -> list[Attachment]:
    """Every file ready to send: Telegram's own by reference, another platform's fetched first (if that platform
    is down, RetryLater comes out of here, before anything was sent)."""
    return [ref if prefix_of(ref) == PREFIX else await files.fetch(ref, UPLOAD_LIMIT) for ref in refs]


async def send_attachments(bot: Bot, chat_id: str | int, found: list[Attachment], reply_to: int | None,
                           lang: str, tries: int = 3, thread: int | None = None) -> None:
    """The files under the message they came with, in its topic (`thread`) if it went to one."""
    for file in found:
        await _send_file(bot, chat_id, file, reply_to, lang, tries, thread)


async def _send_file(bot: Bot, chat_id: str | int, file: Attachment, reply_to: int | None, lang: str,
                     tries: int, thread: int | None) -> None:
    for attempt in range(tries):
        try:
            await _send_one_file(bot, chat_id, file, reply_to, lang, thread)
            return
        except RetryAfter as wait:
            await asyncio.sleep(min(seconds(wait), 60.0))
        except (TimedOut, NetworkError):
            await asyncio.sleep(2**attempt)
    name = file.name if isinstance(file, (Fetched, Missing)) else name_of(file)
    await bot.send_message(chat_id, f"📎 {name}", reply_to_message_id=reply_to, message_thread_id=thread)


async def _send_one_file(bot: Bot, chat_id: str | int, file: Attachment, reply_to: int | None, lang: str,
                         thread: int | None) -> None:
    """Files Telegram already has are re-sent by their id, fetched ones uploaded; others are named
    with the reason (the evidence keeps them)."""
    if isinstance(file, Fetched):
        await bot.send_document(chat_id, InputFile(file.content, filename=file.name), reply_to_message_id=reply_to,
                                message_thread_id=thread)
    elif isinstance(file, Missing):
        await bot.send_message(chat_id, file.note(lang), reply_to_message_id=reply_to, message_thread_id=thread)
    elif (parsed := parse(file)) is not None:
        kind, file_id, _ = parsed
        if kind == "photo":
            await bot.send_photo(chat_id, file_id, reply_to_message_id=reply_to, message_thread_id=thread)
        else:
            await bot.send_document(chat_id, file_id, reply_to_message_id=reply_to, message_thread_id=thread)
    else:
        await bot.send_message(chat_id, f"📎 {name_of(file)}", reply_to_message_id=reply_to, message_thread_id=thread)
