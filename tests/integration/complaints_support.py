"""Factories for complaints' integration tests: the app on a fixed clock over a real database,
requests by role, request bodies, and the rows and outbox events a step leaves."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from services.complaints import SERVICE as COMPLAINTS
from services.complaints.models import (
    Complaint,
    Evidence,
    Measure,
    Pause,
    Resolution,
    TimelineEntry,
)
from shared.clock import FixedClock
from shared.db import OutboxMessage
from shared.migrations import upgrade
from shared.service import Runtime
from shared.web import build_app
from tests.helpers import auth, settings_for

# Monday 2 November 2026, 09:00 in Shanghai.
START = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def complaint_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "hotline",
        "category": "repair_quality",
        "severity": "medium",
        "subject": "the repainted pipe is blistering again",
        "description": "blisters along the weld seam two weeks after the repair",
        "region": "east",
        "complainant": {"name": "Li Wei", "phone": "+86 138 0000 0000", "language": "zh"},
    }
    return body | changes


def investigation_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "findings": "primer skipped on the weld seam",
        "responsibility": "partner",
        "partner": "Hangzhou Coatings Workshop",
        "root_cause": "technician skipped primer",
    } | changes
    if body["responsibility"] != "partner" and "partner" not in changes:
        del body["partner"]
    return body


def evidence_body(data: bytes = b"seam photo", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "photo",
        "reference": "IMG_0042.jpg",
        "sha256": hashlib.sha256(data).hexdigest(),
        "content": base64.b64encode(data).decode(),
    }
    return body | changes


def resolution_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "measures_taken": "seam stripped and recoated at no charge",
        "reasons": "the primer was skipped; the partner redoes the work",
        "communicated_via": "phone",
        "corrective_measures": [
            {"description": "primer checklist", "owner": "quality-lead", "due_on": "2026-11-20"}
        ],
    }
    return body | changes


@dataclass
class Complaints:
    """The complaints app on a fixed clock, with shortcuts for the steps tests repeat."""

    client: FlaskClient
    rt: Runtime
    clock: FixedClock

    def post(
        self,
        path: str,
        body: Any,
        *roles: str,
        sub: str = "tester",
        region: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> TestResponse:
        every = auth(*roles, sub=sub, region=region) | (headers or {})
        return self.client.post(path, json=body, headers=every)

    def get(self, path: str, *roles: str, sub: str = "tester", region: str | None = None) -> Any:
        return self.client.get(path, headers=auth(*roles, sub=sub, region=region))

    def ok(self, response: TestResponse, status: int = 200) -> Any:
        assert response.status_code == status, response.get_json()
        return response.get_json()

    def file(self, **changes: Any) -> dict[str, Any]:
        return self.ok(self.post("/complaints", complaint_body(**changes), "agent"), 201)  # type: ignore[no-any-return]

    def investigate(self, complaint_id: str, **changes: Any) -> dict[str, Any]:
        path = f"/complaints/{complaint_id}/investigation"
        return self.ok(self.post(path, investigation_body(**changes), "engineer"))  # type: ignore[no-any-return]

    def resolve(self, complaint_id: str, **changes: Any) -> dict[str, Any]:
        path = f"/complaints/{complaint_id}/resolution"
        return self.ok(self.post(path, resolution_body(**changes), "engineer"))  # type: ignore[no-any-return]

    def feedback(self, complaint_id: str, satisfied: bool, rating: int) -> dict[str, Any]:
        body: dict[str, Any] = {"satisfied": satisfied, "rating": rating}
        if not satisfied:
            body["comment"] = "nobody apologised"
        return self.ok(self.post(f"/complaints/{complaint_id}/feedback", body, "agent"))  # type: ignore[no-any-return]

    def events(self, *types: str) -> list[dict[str, Any]]:
        """Outbox events in commit order (optionally only some types)."""
        with self.rt.db.session() as session:
            rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.position)).all()
        found = [json.loads(row.body) for row in rows]
        return [e for e in found if not types or e["type"] in types]

    def outbox_text(self) -> str:
        with self.rt.db.session() as session:
            return "\n".join(session.scalars(select(OutboxMessage.body)).all())

    def counts(self) -> tuple[int, ...]:
        """Complaints, evidence, resolutions, measures, pauses, timeline and outbox rows: what
        a refused request must leave as it found them."""
        tables = (Complaint, Evidence, Resolution, Measure, Pause, TimelineEntry, OutboxMessage)
        with self.rt.db.session() as session:
            return tuple(
                int(session.scalar(select(func.count()).select_from(t)) or 0) for t in tables
            )


def make_complaints(database_url: str, **options: Any) -> Complaints:
    """A migrated complaints app on ``database_url`` with a clock fixed at START."""
    clock = FixedClock(START)
    settings = settings_for(COMPLAINTS, database_url, transport="inprocess", extra=options)
    upgrade(COMPLAINTS, database_url)
    app = build_app(COMPLAINTS, settings, clock=clock)
    return Complaints(app.test_client(), app.extensions["aftercare"], clock)
