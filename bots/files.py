"""Files across platforms: a file kept as one platform's reference, fetched as bytes for another to upload.

A reference (`tg:doc:<file id>:<name>`, `dc:file:<id>:<size>:<url>:<name>`) names the platform that holds
the file; the adapter of that platform registers a fetcher for its prefix on the runtime's `Files`. The
notifier of the other platform asks `Files` for the bytes before it sends anything: a platform that is
down raises RetryLater (the outbox row waits and is sent whole later); a file over the size limit, gone,
or held by a platform this process does not run comes back as `Missing`, sent as its name with a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from core.i18n import N_, translate

MB = 1024 * 1024
NAME_LIMIT = 120  # characters of a file's name (the platforms allow more; nobody reads more)


def name_of(ref: str) -> str:
    """A file as people know it: the name at the end of its reference (made safe, for references kept before)."""
    return safe_name(ref.rsplit(":", 1)[-1])


def safe_name(name: str | None) -> str:
    """A file name someone sent, as a name only: no folder ("../../evil.exe" is "evil.exe"), no control
    characters, "_" for ":" (the separator of references), no leading dot (no hidden file), at most NAME_LIMIT
    characters with the extension kept; "file" when nothing is left."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join("_" if c == ":" else c for c in base if c.isprintable()).strip().lstrip(".").strip()
    if len(base) > NAME_LIMIT:
        stem, dot, extension = base.rpartition(".")
        keep = extension if dot and len(extension) <= 10 else ""
        base = base[:NAME_LIMIT - len(keep) - 1].rstrip() + (f".{keep}" if keep else "")
    return base or "file"


def prefix_of(ref: str) -> str:
    """The platform part of a reference: "tg", "dc"."""
    return ref.split(":", 1)[0]


@dataclass(frozen=True)
class Fetched:
    name: str
    content: bytes


@dataclass(frozen=True)
class Missing:
    """A file that cannot travel here: too large for `limit` bytes, or not retrievable (limit None)."""

    name: str
    limit: int | None = None

    def note(self, lang: str) -> str:
        if self.limit is not None:
            return translate(N_("📎 {name}: too large to be sent here (the limit is {limit} MB); it is kept "
                                "with the order."), lang).format(name=self.name, limit=self.limit // MB)
        return translate(N_("📎 {name}: this file could not be sent here; it is kept with the order."),
                         lang).format(name=self.name)


class TooLarge(Exception):
    """The platform holding the file will not hand over, or the receiver would not take, that many bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"over {limit} bytes")
        self.limit = limit


class Unavailable(Exception):
    """The file is gone for good (deleted, an expired link, a reference too old to fetch)."""


class FileFetcher(Protocol):
    """One platform's files: the bytes behind a reference of its own (`limit` lets it refuse a larger file before
    downloading it; Files checks what came). Raises TooLarge, Unavailable, or RetryLater when the platform fails
    for now."""

    async def fetch(self, ref: str, limit: int) -> Fetched: ...


@dataclass
class Files:
    """The fetchers of the platforms this process runs, by reference prefix."""

    fetchers: dict[str, FileFetcher] = field(default_factory=dict)

    def register(self, prefix: str, fetcher: FileFetcher) -> None:
        self.fetchers[prefix] = fetcher

    async def fetch(self, ref: str, limit: int) -> Fetched | Missing:
        fetcher = self.fetchers.get(prefix_of(ref))
        if fetcher is None:
            return Missing(name_of(ref))
        try:
            fetched = await fetcher.fetch(ref, limit)
        except TooLarge as large:
            return Missing(name_of(ref), large.limit)
        except Unavailable:
            return Missing(name_of(ref))
        # a platform may not say the size before sending the bytes: the limit holds for what came all the same
        return fetched if len(fetched.content) <= limit else Missing(name_of(ref), limit)
