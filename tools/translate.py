"""Fills French translations from a JSON file of {msgid: msgstr}: `python tools/translate.py fr new.json`."""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parent.parent / "core" / "locale"

if __name__ == "__main__":
    lang, source = sys.argv[1], sys.argv[2]
    path = LOCALE / lang / "LC_MESSAGES" / "comptoir.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    catalog.fuzzy = False
    for msgid, msgstr in json.loads(Path(source).read_text()).items():
        if msgid not in catalog:
            sys.exit(f"not in the catalog: {msgid!r}")
        catalog[msgid].string = msgstr
    with path.open("wb") as f:
        write_po(f, catalog, no_location=True, width=76)
