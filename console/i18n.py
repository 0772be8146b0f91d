"""Languages: zh-CN and English, chosen per user and kept in the session; the .po catalogs
are committed and compiled to .mo when the app starts (no compiled file is committed)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import request, session

SOURCE = Path(__file__).resolve().parent / "translations"
LANGUAGES = {"en": "English", "zh_CN": "中文"}
DEFAULT = "en"


def compile_catalogs(target: Path) -> Path:
    """Compile every committed .po under ``target`` (done at start-up, when it changed)."""
    for po_path in SOURCE.glob("*/LC_MESSAGES/messages.po"):
        language = po_path.relative_to(SOURCE).parts[0]
        # Flask-Babel looks a locale up by its full name (zh_CN is zh_Hans_CN).
        mo_path = target / str(Locale.parse(language)) / "LC_MESSAGES" / "messages.mo"
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=language)
        # Each compiler writes a draft of its own, then renames it over the catalogue:
        # several gunicorn workers may compile at once, and a shared draft name let one
        # rename away the file another was about to rename (a worker that failed to boot).
        handle, draft = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.partial")
        with os.fdopen(handle, "wb") as mo_file:
            write_mo(mo_file, catalog)
        os.replace(draft, mo_path)  # atomic
    return target


def select_locale() -> str:
    """The user's choice, else the browser's preference, else English."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    best = request.accept_languages.best_match(["en", "zh-CN", "zh"])
    return "zh_CN" if best in ("zh-CN", "zh") else DEFAULT


def html_lang(locale: str) -> str:
    """The BCP 47 tag for ``<html lang>``."""
    return locale.replace("_", "-")
