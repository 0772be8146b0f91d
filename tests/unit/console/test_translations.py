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


def test_workers_compiling_the_catalogues_at_once_all_succeed(tmp_path: Path) -> None:
    """Every gunicorn worker compiles at start-up, at the same moment on a fresh directory:
    none may rename away another's draft (a worker that fails to boot stops gunicorn)."""
    import multiprocessing

    from console.i18n import compile_catalogs

    context = multiprocessing.get_context("fork")
    fresh = [tmp_path / f"start-{n}" for n in range(12)]  # twelve start-ups, eight workers each
    with context.Pool(8) as pool:
        for target in fresh:
            assert pool.map(compile_catalogs, [target] * 8) == [target] * 8
    for target in fresh:
        [catalogue] = target.glob("*/LC_MESSAGES/messages.mo")
        assert catalogue.stat().st_size > 0
    assert list(tmp_path.rglob("*.partial")) == []
