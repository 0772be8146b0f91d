"""Vendored front-end files are exactly the pinned releases VENDORED.md names."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
VENDORED = (ROOT / "console" / "static" / "vendor", ROOT / "tests" / "browser" / "vendor")


@pytest.mark.parametrize("vendor", VENDORED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_vendored_file_matches_its_recorded_checksum(vendor: Path) -> None:
    rows = re.findall(
        r"^\| `([^`]+)` \| `[^`]+` \| [^|]+ \| `([0-9a-f]{64})` \|",
        (vendor / "VENDORED.md").read_text(),
        re.M,
    )
    files = sorted(p.name for p in vendor.iterdir() if p.name != "VENDORED.md")
    assert sorted(name for name, _ in rows) == files
    for name, digest in rows:
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name
