"""Writes the transition table from the code into docs/engine.md (run after changing core/table.py)."""

from pathlib import Path

from core.table import as_markdown

DOC = Path(__file__).resolve().parent.parent / "docs" / "engine.md"
START, END = "<!-- table:start -->\n", "<!-- table:end -->"


def rendered(text: str) -> str:
    head, rest = text.split(START)
    _, tail = rest.split(END)
    return head + START + as_markdown() + END + tail


if __name__ == "__main__":
    DOC.write_text(rendered(DOC.read_text()))
