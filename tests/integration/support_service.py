"""Factories for support's integration tests: the app on a fixed clock, sessions walked
through their steps over REST, dispatch's events delivered through the EventProcessor, and
the outbox as events."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from services.dispatch.events import PUBLISHES as DISPATCH_EVENTS
from services.support import SERVICE as SUPPORT
from services.support.models import QualificationRecord, Questionnaire, TrainingSession
from shared.clock import FixedClock
from shared.db import OutboxMessage
from shared.events import Event
from shared.messaging.processing import Incoming, Settled
from shared.migrations import upgrade
from shared.service import Runtime
from shared.web import build_app
from shared.worker import event_processor
from tests.helpers import auth, settings_for

# Monday 7 December 2026, 10:00 in Shanghai.
START = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
LINK_BASE = "https://aftercare.example/q"


def session_body(**changes: Any) -> dict[str, Any]:
    """A customer's request for on-site training on the CP-400."""
    body: dict[str, Any] = {
        "region": "east",
        "kind": "on_site",
        "product_model": "CP-400",
        "topics": ["operation_demo", "maintenance"],
        "customers": [{"name": "Hai Tong Shipyard", "ref": "C-1042"}],
        "contact": {"name": "Li Wei", "phone": "+86 138 0000 0000"},
        "site_address": "88 Harbour Road, Ningbo",
        "preferred_time": "2026-12-14T09:30:00+08:00",
    }
    return {k: v for k, v in (body | changes).items() if v is not None}


ATTENDEES = [
    {"person_id": "p-1", "name": "Zhao Lei", "customer": "Hai Tong Shipyard"},
    {"person_id": "p-2", "name": "Qian Yu", "customer": "Hai Tong Shipyard"},
    {"person_id": "p-3", "name": "Sun Mei", "customer": "Hai Tong Shipyard"},
]
PLAN = {
    "trainer": {"id": "tech-wang", "name": "Wang Fang"},
    "starts_at": "2026-12-14T09:30:00+08:00",
    "ends_at": "2026-12-14T12:00:00+08:00",
    "attendees": ATTENDEES,
    "materials": [{"title": "CP-400 operator manual", "reference": "dms://manuals/cp-400"}],
}


def record_body(**changes: Any) -> dict[str, Any]:
    """A passed welding exam of tech-wang in the east."""
    body: dict[str, Any] = {
        "person_id": "tech-wang",
        "person_name": "Wang Fang",
        "region": "east",
        "skill": "welding",
        "course": "Welding of lined pipes, level 2",
        "kind": "exam",
        "taken_on": "2026-12-01",
        "score": 86,
        "passed": True,
        "valid_until": "2028-12-01",
    }
    return {k: v for k, v in (body | changes).items() if v is not None}


@dataclass
class Support:
    """The support app on a fixed clock, with shortcuts for the steps tests repeat."""

    client: FlaskClient
    rt: Runtime
    clock: FixedClock

    def post(
        self, path: str, body: Any, *roles: str, sub: str = "tester", region: str | None = None
    ) -> TestResponse:
        return self.client.post(path, json=body, headers=auth(*roles, sub=sub, region=region))

    def get(self, path: str, *roles: str, region: str | None = None) -> TestResponse:
        return self.client.get(path, headers=auth(*roles or ("admin",), region=region))

    def created(self, path: str, body: dict[str, Any], *roles: str) -> dict[str, Any]:
        response = self.post(path, body, *roles, sub=f"{roles[0]}-1")
        assert response.status_code == 201, response.get_json()
        found: dict[str, Any] = response.get_json()
        return found

    def step(self, path: str, body: dict[str, Any], *roles: str) -> dict[str, Any]:
        response = self.post(path, body, *roles)
        assert response.status_code == 200, response.get_json()
        found: dict[str, Any] = response.get_json()
        return found

    def scheduled(self, **changes: Any) -> str:
        """A requested session, scheduled with ATTENDEES; returns its id."""
        session_id = str(self.created("/training-sessions", session_body(**changes), "agent")["id"])
        self.step(f"/training-sessions/{session_id}/schedule", PLAN, "manager")
        return session_id

    def deliver(self, event: Event) -> list[Settled]:
        """Hand one event to support's EventProcessor, as the consumer would."""
        return event_processor(self.rt).process([Incoming(body=event.to_json().encode())])

    def repair_accepted(self, region: str = "east", **changes: Any) -> Event:
        """dispatch's repair.accepted as its own sample, with some fields changed."""
        declaration = DISPATCH_EVENTS.latest("repair.accepted")
        data = declaration.schema().load(declaration.sample) | changes
        return DISPATCH_EVENTS.build(
            "repair.accepted", data, region=region, occurred_at=self.clock.now()
        )

    def events(self, *types: str) -> list[dict[str, Any]]:
        """Outbox events in commit order (optionally only some types)."""
        with self.rt.db.session() as session:
            rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.position)).all()
        found = [json.loads(row.body) for row in rows]
        return [e for e in found if not types or e["type"] in types]

    def counts(self) -> tuple[int, ...]:
        """Rows of every table a refused request must leave unchanged."""
        tables = (TrainingSession, QualificationRecord, Questionnaire, OutboxMessage)
        with self.rt.db.session() as session:
            return tuple(
                int(session.scalar(select(func.count()).select_from(t)) or 0) for t in tables
            )


def make_support(database_url: str, **options: Any) -> Support:
    """A migrated support app on ``database_url`` with a clock fixed at START."""
    clock = FixedClock(START)
    extra = {"questionnaire_link_base": LINK_BASE} | options
    settings = settings_for(SUPPORT, database_url, transport="inprocess", extra=extra)
    upgrade(SUPPORT, database_url)
    app = build_app(SUPPORT, settings, clock=clock)
    return Support(app.test_client(), app.extensions["aftercare"], clock)
