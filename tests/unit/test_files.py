"""File references across platforms: what can be fetched, and what a file that cannot travel says instead."""

import asyncio

from bots.discord.files import parse
from bots.files import Fetched, Files, Missing, TooLarge, Unavailable

URL = "https://cdn.discordapp.com/attachments/1/2/fox.svg?ex=1&is=2&hm=ab"


class Shelf:
    """A platform's files, by reference."""

    def __init__(self, **files: bytes) -> None:
        self.files = files

    async def fetch(self, ref: str, limit: int) -> Fetched:
        name = ref.rsplit(":", 1)[-1]
        if name not in self.files:
            raise Unavailable(ref)
        if len(self.files[name]) > limit:
            raise TooLarge(limit)
        return Fetched(name, self.files[name])


def test_a_discord_reference_keeps_the_size_and_signed_url_that_fetch_it_and_an_old_one_is_a_name_only():
    assert parse(f"dc:file:2:6:{URL}:fox.svg") == (6, URL, "fox.svg")
    assert parse("dc:file:2:fox.svg") is None


def test_a_file_is_fetched_from_its_platform_or_else_named_with_why_it_cannot_travel():
    files = Files()
    files.register("tg", Shelf(**{"sketch.png": b"12345", "scan.tiff": b"x" * 30}))
    fetch = lambda ref: asyncio.run(files.fetch(ref, 10))  # noqa: E731
    assert fetch("tg:doc:A1:sketch.png") == Fetched("sketch.png", b"12345")
    assert fetch("tg:doc:A2:scan.tiff") == Missing("scan.tiff", 10)
    assert fetch("tg:doc:A3:gone.pdf") == Missing("gone.pdf")
    assert fetch("dc:file:2:6:https://cdn/x:fox.svg") == Missing("fox.svg")  # Discord is not run here


def test_a_file_that_cannot_travel_says_so_in_the_readers_language():
    big = Missing("scan.tiff", 10 * 1024 * 1024)
    assert big.note("en") == "📎 scan.tiff: too large to be sent here (the limit is 10 MB); it is kept with the order."
    assert big.note("fr").startswith("📎 scan.tiff : trop volumineux pour être envoyé ici (la limite est de 10 Mo)")
    assert "n’a pas pu être envoyé" in Missing("gone.pdf").note("fr")
