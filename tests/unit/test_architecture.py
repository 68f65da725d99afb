"""Dependencies point one way: bots -> storage -> core; core imports the standard library only."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = {"sqlalchemy": "storage", "alembic": "storage", "aiosqlite": "storage", "asyncpg": "storage",
              "telegram": "bots", "discord": "bots", "apscheduler": "bots"}


def imports(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                yield path, node.lineno, [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path, node.lineno, [node.module]


def test_core_imports_nothing_outside_the_standard_library():
    bad = [f"{p.name}:{n} {m}" for p, n, mods in imports("core") for m in mods
           if m.split(".")[0] not in sys.stdlib_module_names and m.split(".")[0] != "core"]
    assert bad == []


def test_core_never_imports_storage_or_bots_and_storage_never_imports_bots():
    for package, forbidden in (("core", {"storage", "bots"}), ("storage", {"bots"})):
        bad = [f"{p.name}:{n} {m}" for p, n, mods in imports(package) for m in mods if m.split(".")[0] in forbidden]
        assert bad == [], package


def test_each_framework_is_imported_in_one_package_only():
    for package in ("core", "storage", "bots"):
        for path, line, mods in imports(package):
            for m in mods:
                home = FRAMEWORKS.get(m.split(".")[0])
                assert home in (None, package), f"{path.relative_to(ROOT)}:{line} imports {m}"



def test_discord_modals_are_sent_only_unkept():
    """discord.py keeps a modal it sends and answers its submit; ours are rebuilt on submit instead (so they
    survive a restart: bots.discord.modals), and one sent another way would be answered twice."""
    sends = [f"{path.name}:{node.lineno}" for path in sorted((ROOT / "bots" / "discord").glob("*.py"))
             for node in ast.walk(ast.parse(path.read_text(), str(path)))
             if isinstance(node, ast.Attribute) and node.attr == "send_modal"]
    assert [s.split(":")[0] for s in sends] == ["modals.py"], sends  # modals.open_unkept
