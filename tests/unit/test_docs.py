"""docs/engine.md is the engine's manual: its table is the code's table and its example runs."""

import re
from pathlib import Path

from tools.render_docs import DOC, rendered


def test_the_documented_transition_table_is_the_one_in_the_code():
    text = DOC.read_text()
    assert rendered(text) == text, "run `make docs` after changing core/table.py"


def test_the_documented_example_runs():
    code = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    exec(compile(code, str(DOC), "exec"), {"__name__": "docs_example"})
