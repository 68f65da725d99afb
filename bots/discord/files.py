"""Discord's files: the reference Comptoir keeps of an attachment, and the bytes behind it for other platforms.

A reference carries what fetching needs without Discord's help: `dc:file:<id>:<size>:<url>:<name>` (the
size decides before downloading; the URL is the signed one Discord gave, valid for about a day). Storage
keeps references whole, however long (an older form without the URL, `dc:file:<id>:<name>`, travels by
name). The name is the sender's, made safe (bots.files.safe_name).
"""

from __future__ import annotations

import io

import aiohttp
import discord

from bots.files import MB, Fetched, Missing, TooLarge, Unavailable, safe_name
from core.ports import RetryLater

PREFIX = "dc"
UPLOAD_LIMIT = 10 * MB  # what a bot may upload to a DM or a server without boosts (discord.utils' default)
CONTENT = 2000  # Discord's limit for a message's text
MAX_FILES = 10  # Discord's limit for one message's attachments


def file_ref(attachment: discord.Attachment) -> str:
    """A file as Comptoir keeps it: the platform, the kind, the platform's id, its size and URL, a name."""
    return f"{PREFIX}:file:{attachment.id}:{attachment.size}:{attachment.url}:{safe_name(attachment.filename)}"


def parse(ref: str) -> tuple[int, str, str] | None:
    """(size, url, name) of a reference that can be fetched; None for one kept by name only."""
    parts = ref.split(":", 4)
    if len(parts) != 5 or parts[0] != PREFIX or not parts[3].isdigit():
        return None
    url, _, name = parts[4].rpartition(":")
    return int(parts[3]), url, name


class DiscordFiles:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def fetch(self, ref: str, limit: int) -> Fetched:
        parsed = parse(ref)
        if parsed is None:
            raise Unavailable(ref)
        size, url, name = parsed
        if size > limit:
            raise TooLarge(limit)
        try:
            content = await self.client.http.get_from_cdn(url)
        except (discord.NotFound, discord.Forbidden) as gone:  # deleted, or a link expired
            raise Unavailable(str(gone)) from gone
        except discord.HTTPException as error:
            raise RetryLater(reason=str(error)) from error
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RetryLater(reason=repr(error)) from error
        return Fetched(name, content)


def uploads(found: list[Fetched | Missing], lang: str) -> tuple[list[discord.File], str]:
    """The files to attach (new ones for each try: a sent discord.File is spent) and the lines naming
    those that cannot travel here."""
    files = [discord.File(io.BytesIO(f.content), filename=f.name) for f in found if isinstance(f, Fetched)]
    notes = "\n".join(f.note(lang) for f in found if isinstance(f, Missing))
    return files, notes
