"""Factories for support's unit tests: the fake unit of work on a fixed clock, and inputs as
the schemas load them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.support.events import PUBLISHES
from services.support.repositories import FakeSupportUnitOfWork
from shared.auth import Principal
from shared.clock import FixedClock
from shared.config import Settings

# Monday 7 December 2026, 10:00 in Shanghai.
START = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
AGENT = Principal(sub="agent-1", roles=frozenset({"agent"}))
MANAGER = Principal(sub="mgr-1", roles=frozenset({"manager"}))
NORTH_MANAGER = Principal(sub="mgr-north", roles=frozenset({"manager"}), region="north")


def make_uow(**options: str) -> FakeSupportUnitOfWork:
    """A fake unit of work at START."""
    settings = Settings(service="support", database_url="sqlite://", extra=dict(options))
    return FakeSupportUnitOfWork(PUBLISHES, clock=FixedClock(START), settings=settings)


def clock_of(uow: FakeSupportUnitOfWork) -> FixedClock:
    assert isinstance(uow.clock, FixedClock)
    return uow.clock


def session_in(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "region": "east",
        "kind": "on_site",
        "product_model": "CP-400",
        "topics": ["principles", "principles", "troubleshooting"],
        "customers": [{"name": "Hai Tong Shipyard", "ref": "C-1042"}],
        "site_address": "88 Harbour Road, Ningbo",
    }
    return body | changes


def plan(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "trainer": {"id": "tech-wang", "name": "Wang Fang"},
        "starts_at": START + dt.timedelta(days=7),
        "ends_at": START + dt.timedelta(days=7, hours=2),
        "attendees": [
            {"person_id": "p-1", "name": "Zhao Lei"},
            {"person_id": "p-2", "name": "Qian Yu"},
        ],
    }
    return body | changes


def record_in(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "person_id": "tech-wang",
        "person_name": "Wang Fang",
        "region": "east",
        "skill": "welding",
        "course": "Welding level 2",
        "kind": "exam",
        "taken_on": dt.date(2026, 12, 1),
        "score": 86,
        "passed": True,
    }
    return body | changes
