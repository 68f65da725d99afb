"""A file's name as people sent it becomes a name only: no folder, no hidden file, nothing unprintable, not endless."""

from __future__ import annotations

import pytest

from bots.files import NAME_LIMIT, name_of, safe_name


@pytest.mark.parametrize(("sent", "kept"), [
    ("../../evil.exe", "evil.exe"),
    ("..\\..\\Windows\\evil.exe", "evil.exe"),
    ("/etc/passwd", "passwd"),
    (".bashrc", "bashrc"),
    ("brief:v2.pdf", "brief_v2.pdf"),
    ("\x00\x1b[31mred.txt", "[31mred.txt"),
    ("logo final.svg", "logo final.svg"),
    ("", "file"),
    (None, "file"),
    ("../", "file"),
])
def test_a_file_name_someone_sent_is_kept_as_a_name_only(sent, kept):
    assert safe_name(sent) == kept


def test_a_very_long_name_is_shortened_keeping_its_extension():
    kept = safe_name("x" * 500 + ".pdf")
    assert len(kept) == NAME_LIMIT and kept.endswith("x.pdf")


def test_a_reference_kept_before_names_its_file_safely_too():
    assert name_of("tg:doc:ABC:../../evil.exe") == "evil.exe"
