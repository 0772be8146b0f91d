"""Vendored front-end files are exactly the pinned releases VENDORED.md names."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[3] / "console" / "static" / "vendor"


def test_every_vendored_file_matches_its_recorded_checksum() -> None:
    rows = re.findall(
        r"^\| `([^`]+)` \| `[^`]+` \| [^|]+ \| `([0-9a-f]{64})` \|",
        (VENDOR / "VENDORED.md").read_text(),
        re.M,
    )
    files = sorted(p.name for p in VENDOR.iterdir() if p.name != "VENDORED.md")
    assert sorted(name for name, _ in rows) == files
    for name, digest in rows:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
