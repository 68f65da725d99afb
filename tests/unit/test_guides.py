"""The README and the guides: every relative link resolves inside the repository, the Discord invite URL is the one
the code computes, and the systemd unit runs the command that exists."""

import configparser
import re
from pathlib import Path

import discord

from bots.command.cli import parser
from bots.discord.invite import LABELS, SCOPES, needed

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def anchors(page: Path) -> set[str]:
    """GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(), re.M)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def test_every_relative_link_in_the_readme_and_the_docs_resolves_inside_the_repository():
    checked = 0
    for page in PAGES:
        for target in LINK.findall(page.read_text()):
            if re.match(r"[a-z]+:", target):  # https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page
            assert resolved.is_relative_to(ROOT), f"{page.name} links outside the repository: {target}"
            assert resolved.exists(), f"{page.name}: {target} does not exist"
            if anchor:
                assert anchor in anchors(resolved), f"{page.name}: {target} names no heading of {resolved.name}"
            checked += 1
    assert checked >= 15


def test_the_guides_exist_and_the_readme_points_to_them():
    readme = (ROOT / "README.md").read_text()
    for guide in ("docs/rules.md", "docs/setup-telegram.md", "docs/setup-discord.md", "docs/operations.md"):
        assert f"]({guide})" in readme
    assert readme.index("make demo") < readme.index("## Running it")  # it still starts with demo and test
    assert "MIT License" in (ROOT / "LICENSE").read_text() and "The Comptoir authors" in (ROOT / "LICENSE").read_text()


def test_the_invite_url_in_the_discord_guide_asks_for_exactly_the_permissions_the_bot_needs():
    guide = (ROOT / "docs" / "setup-discord.md").read_text()
    url = discord.utils.oauth_url("APPLICATION_ID", permissions=needed(), scopes=SCOPES)
    assert url in guide
    assert f"permissions integer**, `{needed().value}`" in guide
    table = guide[guide.index("| permission | why |"):].split("\n\n")[0].splitlines()[2:]
    assert {row.split("|")[1].strip() for row in table} == {LABELS[name] for name, granted in needed() if granted}


def test_the_systemd_unit_runs_comptoir_run_and_does_not_restart_after_a_start_up_failure():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(ROOT / "deploy" / "comptoir.service")
    command = unit["Service"]["ExecStart"].split()
    assert command[0].endswith("/bin/comptoir") and command[1] == "run" and "--config" in command
    parser().parse_args(command[1:])  # a command and options that exist
    assert unit["Service"]["RestartPreventExitStatus"] == "2"  # what a start-up failure exits with
    assert unit["Service"]["KillSignal"] == "SIGTERM"


def test_the_doctors_sample_in_the_guides_names_the_newest_migration():
    revisions = [re.search(r"^revision = '(\w+)'", path.read_text(), re.M).group(1)
                 for path in (ROOT / "storage" / "migrations" / "versions").glob("*.py")]
    downs = {re.search(r"^down_revision = '?(\w+)'?", path.read_text(), re.M).group(1)
             for path in (ROOT / "storage" / "migrations" / "versions").glob("*.py")}
    head, = [revision for revision in revisions if revision not in downs]
    for guide in ("setup-telegram.md", "setup-discord.md"):
        assert f"at the newest migration ({head})" in (ROOT / "docs" / guide).read_text()
