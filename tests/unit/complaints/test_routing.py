"""The routing file operations maintain: read again when it changes, refused when a rule
names no owner; and the escalation chain's end."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from services.complaints.domain import Owner, escalation
from services.complaints.repositories import load_routing

RULES = (
    "deadline_hours: {critical: 2, high: 4, medium: 8, low: 16}\n"
    "categories: [delay]\n"
    "rules:\n"
    "  - {category: '*', region: '*', owners: [{department: desk, person: %s}]}\n"
)


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "routing.yaml"
    path.write_text(RULES % "qian")
    assert load_routing(str(path)).chain("delay", "east") == (Owner("desk", "qian"),)
    path.write_text(RULES % "sun")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_routing(str(path)).chain("delay", "east") == (Owner("desk", "sun"),)


def test_a_rule_without_owners_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "routing.yaml"
    path.write_text(RULES.replace("owners: [{department: desk, person: %s}]", "owners: []"))
    with pytest.raises(ValueError, match="at least one owner"):
        load_routing(str(path))


def test_the_shipped_file_routes_every_category_everywhere() -> None:
    routing = load_routing(None)
    for category in routing.categories:
        assert len(routing.chain(category, "northwest")) == 3
    chain = routing.chain("billing", "east")
    assert escalation(chain, 0) == (chain[1], 1)
    assert escalation(chain, 2) == (chain[2], 2)
