"""What each person receives on every road of bots.roads, on each platform, is exactly its reviewed transcript.

A road is played through the real adapters (tests/journeys/players.py) and what the bots sent each person is
written as Markdown (tests/journeys/transcript.py), then compared with docs/journeys/<language>/<road>.md. A
change in what people see fails here until the transcript is rewritten in the same commit — so every change
of wording or flow shows in review:

    make journeys                                   # rewrites every transcript
    COMPTOIR_UPDATE_JOURNEYS=1 make test ARGS="tests/journeys -k late-order"
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest

from bots.roads import ROADS, Road
from core.i18n import LANGUAGES
from tests.journeys.players import Journey
from tests.journeys.stage import stage
from tests.journeys.transcript import Page

DOCS = Path(__file__).resolve().parents[2] / "docs" / "journeys"
UPDATE = os.environ.get("COMPTOIR_UPDATE_JOURNEYS") == "1"


async def transcript(road: Road, lang: str, folder: Path) -> str:
    """The road played on each of its platforms, written down."""
    plays = []
    for number, platforms in enumerate(road.plays()):
        place = folder / str(number)
        place.mkdir()
        async with stage(road, dict(platforms), lang, place) as played:
            plays.append(await Journey(played).play())
    return Page(road, lang).render(plays)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("road", ROADS, ids=[road.slug for road in ROADS])
async def test_each_person_receives_exactly_what_the_reviewed_transcript_shows(road, lang, tmp_path):
    written = await transcript(road, lang, tmp_path)
    path = DOCS / lang / f"{road.slug}.md"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(written, encoding="utf-8")
    reviewed = path.read_text(encoding="utf-8") if path.exists() else ""
    if written != reviewed:
        diff = "".join(difflib.unified_diff(reviewed.splitlines(True), written.splitlines(True),
                                            f"{path.relative_to(DOCS.parents[1])} (reviewed)", "played now"))
        pytest.fail(f"What people receive on “{road.slug}” ({lang}) changed. If the change is meant, rewrite the "
                    f"transcript and commit it with the change: make journeys (or COMPTOIR_UPDATE_JOURNEYS=1)."
                    f"\n{diff}", pytrace=False)


def test_the_index_of_journeys_links_every_road_in_every_language():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((\w+/[\w-]+\.md)\)", index))
    assert linked == {f"{lang}/{road.slug}.md" for road in ROADS for lang in LANGUAGES}
    assert all((DOCS / link).exists() for link in linked)
