"""Driving intake's API in tests: an app on a migrated database with a fixed clock, tickets
brought to a given status, and the rows and events it wrote."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from services.intake import SERVICE as INTAKE
from services.intake.models import Assessment, Consultation, Ticket, TimelineEntry
from shared.clock import FixedClock
from shared.db import OutboxMessage
from shared.migrations import upgrade
from shared.service import Runtime
from shared.web import build_app
from tests.helpers import auth, settings_for, ticket_body

# Monday 30 November 2026, 10:00 in Asia/Shanghai (every region's default calendar).
NOW = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)
ROLES = ("agent", "technician", "engineer", "finance", "manager", "admin")


def assessment_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "nature": "product_defect",
        "severity": "high",
        "diagnosis": "anode consumed, coating blistered around it",
        "proposed_solution": "replace the anode and touch up the coating on site",
        "visit_needed": True,
        "required_skill": "cathodic_protection",
        "estimated_hours": "2.5",
        "parts_likely": ["CP-400-ANODE"],
    }
    body.update(changes)
    return body


@dataclass
class IntakeApi:
    client: FlaskClient
    rt: Runtime
    clock: FixedClock

    def create(self, **changes: Any) -> dict[str, Any]:
        if changes.get("kind") == "consultation":
            changes.setdefault("topic", "use")  # a consultation must say what it asks about
        response = self.client.post("/tickets", json=ticket_body(**changes), headers=auth("agent"))
        assert response.status_code == 201, response.get_json()
        created: dict[str, Any] = response.get_json()
        return created

    def assess(self, ticket_id: str, role: str = "engineer", **changes: Any) -> TestResponse:
        return self.client.post(
            f"/tickets/{ticket_id}/assessment",
            json=assessment_body(**changes),
            headers=auth(role, sub="eng-1"),
        )

    def respond(self, ticket_id: str, body: Any, role: str = "agent") -> TestResponse:
        return self.client.post(
            f"/tickets/{ticket_id}/solution-response", json=body, headers=auth(role, sub="ag-1")
        )

    def resolve(self, ticket_id: str, body: Any, role: str = "agent") -> TestResponse:
        return self.client.post(
            f"/tickets/{ticket_id}/resolve", json=body, headers=auth(role, sub="ag-1")
        )

    def step(
        self, ticket_id: str, endpoint: str, body: Any, role: str = "agent", sub: str = "ag-1"
    ) -> TestResponse:
        """POST a step (``answer``, ``escalation``, ``answer-rating``...) as ``role``."""
        return self.client.post(
            f"/tickets/{ticket_id}/{endpoint}", json=body, headers=auth(role, sub=sub)
        )

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        response = self.client.get(f"/tickets/{ticket_id}", headers=auth("manager"))
        assert response.status_code == 200
        found: dict[str, Any] = response.get_json()
        return found

    def ticket_in(self, status: str, kind: str = "repair", **changes: Any) -> str:
        """A new ticket brought through the API to ``status``."""
        ticket_id = str(self.create(kind=kind, **changes)["id"])
        steps: dict[str, list[Any]] = {
            "new": [],
            "assessed": [lambda: self.assess(ticket_id)],
            "awaiting_reassessment": [
                lambda: self.assess(ticket_id),
                lambda: self.respond(ticket_id, {"accepted": False, "objection": "too dear"}),
            ],
            "awaiting_repair": [
                lambda: self.assess(ticket_id),
                lambda: self.respond(ticket_id, {"accepted": True}),
            ],
            "closed": [lambda: self.resolve(ticket_id, {"resolution": "advice given"})],
        }
        for step in steps[status]:
            assert step().status_code in (200, 201)
        assert self.ticket(ticket_id)["status"] == status
        return ticket_id

    def counts(self) -> dict[str, int]:
        """Rows of every table a step writes."""
        with self.rt.db.session() as session:
            return {
                model.__name__: int(session.scalar(select(func.count()).select_from(model)) or 0)
                for model in (Ticket, Assessment, Consultation, TimelineEntry, OutboxMessage)
            }

    def events(self, ticket_id: str | None = None) -> list[dict[str, Any]]:
        """Outbox events in the order they were written (of one ticket, if given)."""
        with self.rt.db.session() as session:
            rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.position))
            events = [json.loads(row.body) for row in rows]
        return [e for e in events if ticket_id is None or e["data"]["ticket_id"] == ticket_id]


@contextmanager
def running_intake(database_url: str) -> Iterator[IntakeApi]:
    """Intake's app on a freshly migrated database, its clock fixed at NOW."""
    upgrade(INTAKE, database_url)
    clock = FixedClock(NOW)
    app = build_app(INTAKE, settings_for(INTAKE, database_url, transport="inprocess"), clock=clock)
    rt: Runtime = app.extensions["aftercare"]
    try:
        yield IntakeApi(app.test_client(), rt, clock)
    finally:
        rt.db.dispose()
