"""Storage only stores: on its write path it takes core's values and writes them, never asking core's rules."""

import ast
import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: how values become columns: the one kind of core function storage may call
SERIALIZERS = {("core.i18n", "to_json"), ("core.i18n", "from_json"),
               ("core.moderation", "decision_subject"),  # the audit trail's key for a decision, as a column holds it
               ("core.ports", "new_id")}  # a new row's id, made as core makes every id (a key, not a rule)
#: modules still asking core's rules, which may only shrink (empty: kept so that a new offender fails the test)
NOT_YET: set[str] = set()


def core_names(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "core":
            for alias in node.names:
                yield node.lineno, node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "core":
                    yield node.lineno, alias.name, None  # a whole module: any of its functions within reach


def test_storage_imports_only_core_values_never_its_policy():
    """Types and constants, so that what is written was decided before the write began (a refund included)."""
    asked = []
    for path in sorted((ROOT / "storage").rglob("*.py")):
        if path.name in NOT_YET or "migrations" in path.parts:
            continue
        for line, module, name in core_names(path):
            value = getattr(importlib.import_module(module), name) if name else None
            if name is None or (callable(value) and not isinstance(value, type)
                                and (module, name) not in SERIALIZERS):
                asked.append(f"{path.relative_to(ROOT)}:{line} {module}.{name or '*'}")
    assert asked == []

