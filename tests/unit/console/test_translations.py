"""zh-CN is complete: every string the console's code and templates mark for translation is
in the committed catalog, translated, not fuzzy, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

CONSOLE = Path(__file__).resolve().parents[3] / "console"
CATALOG = CONSOLE / "translations" / "zh_CN" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)\d*\w")


def _marked() -> set[str]:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    found = extract_from_dir(
        str(CONSOLE), method_map, keywords={"_": None, "gettext": None, "_l": None}
    )
    return {message for _file, _line, message, _comments, _context in found}


def _catalog() -> dict[str, str]:
    with CATALOG.open("rb") as po_file:
        catalog = read_po(po_file)
    assert not [m.id for m in catalog if m.id and m.fuzzy], "fuzzy entries"
    return {str(m.id): str(m.string) for m in catalog if m.id}


def test_every_marked_string_is_translated_to_chinese() -> None:
    catalog = _catalog()
    marked = _marked()
    assert len(marked) > 50  # the extraction found the console's strings at all
    missing = sorted(m for m in marked if not catalog.get(m))
    assert missing == [], f"untranslated in zh_CN (pybabel update, then translate): {missing}"


def test_translations_keep_their_placeholders() -> None:
    for msgid, msgstr in _catalog().items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid


def test_the_catalog_holds_no_stale_entries() -> None:
    stale = sorted(set(_catalog()) - _marked())
    assert stale == [], f"no longer used: {stale}"
