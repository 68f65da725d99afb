"""The gettext catalogs: every user-facing string of the code is translated, and the .mo files are current."""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, translate

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "storage", "bots")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def read_catalog(lang: str):
    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def extracted_msgids() -> dict[str, str]:
    """What `make i18n` would put in the template: every N_("...") of the packages, with where it was found."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords={"N_": None}
        ):
            if message:
                found.setdefault(message, f"{package}/{filename}:{lineno}")
    return found


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_the_code_marks_messages_for_translation():
    assert len(extracted_msgids()) > 100


def test_every_message_in_the_code_has_a_french_translation():
    catalog = read_catalog("fr")
    untranslated = [
        f"{where}: {msgid!r}"
        for msgid, where in sorted(extracted_msgids().items(), key=lambda item: item[1])
        if msgid not in catalog or not catalog[msgid].string
    ]
    assert not untranslated, "missing from the French catalog (run `make i18n`, then translate):\n" + "\n".join(
        untranslated
    )


def test_every_french_translation_keeps_the_placeholders_of_its_msgid():
    wrong = [
        f"{message.id!r}: {sorted(placeholders(message.id))} -> {sorted(placeholders(message.string))}"
        for message in read_catalog("fr")
        if message.id and message.string and placeholders(message.id) != placeholders(message.string)
    ]
    assert not wrong, "placeholders changed in translation:\n" + "\n".join(wrong)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalog_is_up_to_date_with_its_po_file(lang):
    compiled = io.BytesIO()
    write_mo(compiled, read_catalog(lang))
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)._catalog
    assert mo_path(lang).exists(), f"{mo_path(lang)} is missing: run `make i18n`"
    with mo_path(lang).open("rb") as f:
        committed = gettext.GNUTranslations(f)._catalog
    assert committed == expected, f"{mo_path(lang)} is stale: run `make i18n`"


def test_translate_reads_the_french_catalog():
    assert translate("Accept", "fr") == "Accepter"


def test_an_unknown_language_falls_back_to_english():
    assert translate("Accept", "de") == "Accept"
    assert translate("Accept", "en") == "Accept"
