"""docs/engine.md is the engine's manual: its table is the code's table and its example runs."""

import importlib
import re
from pathlib import Path

from tools.render_docs import DOC, rendered


def test_the_documented_transition_table_is_the_one_in_the_code():
    text = DOC.read_text()
    assert rendered(text) == text, "run `make docs` after changing core/table.py"


def test_the_documented_example_runs():
    code = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    exec(compile(code, str(DOC), "exec"), {"__name__": "docs_example"})


def test_the_module_table_names_every_core_module_and_only_names_that_exist():
    """A new core module is documented with its job and main names; a renamed name is renamed here too."""
    rows = re.findall(r"^\| `(core\.\w+)` \| [^|]+ \| ([^|]+) \|$", DOC.read_text(), re.M)
    core = Path(__file__).resolve().parents[2] / "core"
    assert sorted(m for m, _ in rows) == sorted(f"core.{p.stem}" for p in core.glob("*.py") if p.stem != "__init__")
    missing = []
    for module_name, names in rows:
        module = importlib.import_module(module_name)
        listed = [n for n in re.findall(r"`([A-Za-z_]\w*)`", names)]
        owners = [module] + [getattr(module, n) for n in listed if isinstance(getattr(module, n, None), type)]
        missing += [f"{module_name}.{n}" for n in listed if not any(hasattr(owner, n) for owner in owners)]
    assert missing == []
