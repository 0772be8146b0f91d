"""Factories for returns's integration tests: the app on a fixed clock, requests walked
through their steps over REST, events of other services delivered through the
EventProcessor, and the outbox as events."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from services.billing.events import PUBLISHES as BILLING_EVENTS
from services.dispatch.events import PUBLISHES as DISPATCH_EVENTS
from services.intake.events import PUBLISHES as INTAKE_EVENTS
from services.returns import SERVICE as RETURNS
from services.returns.models import ReturnRequest
from shared.clock import FixedClock
from shared.db import OutboxMessage
from shared.events import Event
from shared.messaging.processing import Incoming, Settled
from shared.migrations import upgrade
from shared.service import Runtime
from shared.web import build_app
from shared.worker import event_processor
from tests.helpers import auth, settings_for

# Friday 4 December 2026, 10:00 in Shanghai.
START = dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def event_of(catalog: Any, type_: str, region: str, at: dt.datetime, **changes: Any) -> Event:
    """A valid event built from the producer's own sample, with some fields changed."""
    declaration = catalog.latest(type_)
    data = declaration.schema().load(declaration.sample) | changes
    return catalog.build(type_, data, region=region, occurred_at=at)


def return_body(**changes: Any) -> dict[str, Any]:
    """An agent's request for a new serial: CT-100 (24 months of cover) bought 1 March 2025,
    in warranty."""
    body: dict[str, Any] = {
        "kind": "replacement",
        "region": "east",
        "serial_no": f"SN-{uuid.uuid4().hex[:8]}",
        "product_model": "CT-100",
        "reason": "coating peels off after six months",
        "purchase_date": "2025-03-01",
        "customer": {"name": "Li Wei", "phone": "+86 138 0000 0000"},
        "evidence": [{"description": "photo of the flange", "reference": "dms://photos/77"}],
    }
    return {k: v for k, v in (body | changes).items() if v is not None}


APPRAISAL = {"quality_defect": True, "severity": "high", "findings": "porous weld under coating"}
REPLACEMENT_TERMS = {"model": "CT-100", "specification": "marine grade, 2 coats", "quantity": 1}
REFUND_TERMS = {"return_method": "pickup", "refund_date": "2026-12-20"}
SHIPMENT = {"carrier": "SF Express", "tracking_no": "SF1234567890", "new_serial_no": "SN-NEW-9"}
RECEIPT = {"condition_ok": True, "check_notes": "defect confirmed at the weld"}
REFUND = {"amount": "9800.00", "method": "bank_transfer", "reference": "TRX-2026-0042"}


@dataclass
class Returns:
    """The returns app on a fixed clock, with shortcuts for the steps tests repeat."""

    client: FlaskClient
    rt: Runtime
    clock: FixedClock

    def post(
        self, path: str, body: Any, *roles: str, sub: str = "tester", region: str | None = None
    ) -> TestResponse:
        return self.client.post(path, json=body, headers=auth(*roles, sub=sub, region=region))

    def get(self, path: str, *roles: str, region: str | None = None) -> TestResponse:
        return self.client.get(path, headers=auth(*roles or ("agent",), region=region))

    def request(self, **changes: Any) -> str:
        """An agent's request; returns its id."""
        response = self.post("/returns", return_body(**changes), "agent", sub="agent-1")
        assert response.status_code == 201, response.get_json()
        return str(response.get_json()["id"])

    def step(self, return_id: str, step: str, body: dict[str, Any], *roles: str) -> Any:
        """A step that must succeed; returns the request as the response shows it."""
        response = self.post(f"/returns/{return_id}/{step}", body, *roles)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def agreed(self, kind: str = "replacement", **appraisal: Any) -> str:
        """A request in warranty, appraised (serious defect) and agreed; returns its id."""
        return_id = self.request(kind=kind)
        self.step(return_id, "appraisal", APPRAISAL | appraisal, "engineer")
        terms = REPLACEMENT_TERMS if kind == "replacement" else REFUND_TERMS
        self.step(return_id, "agreement", terms, "agent")
        return return_id

    def deliver(self, event: Event) -> list[Settled]:
        """Hand one event to returns's EventProcessor, as the consumer would."""
        return event_processor(self.rt).process([Incoming(body=event.to_json().encode())])

    def escalated(self, region: str = "east", **changes: Any) -> Event:
        # As dispatch published it before it carried the customer: returns then takes the
        # customer from the ticket's accepted solution (tests that name one pass it).
        defaults = {
            "work_order_id": uuid.uuid4(),
            "ticket_id": uuid.uuid4(),
            "customer_name": None,
            "customer_phone": None,
        }
        return event_of(
            DISPATCH_EVENTS, "repair.escalated", region, self.clock.now(), **(defaults | changes)
        )

    def solution_accepted(self, **changes: Any) -> Event:
        return event_of(
            INTAKE_EVENTS, "ticket.solution_accepted", "east", self.clock.now(), **changes
        )

    def fee_schedule(self, **changes: Any) -> Event:
        return event_of(
            BILLING_EVENTS, "fee_schedule.published", "east", self.clock.now(), **changes
        )

    def events(self, *types: str) -> list[dict[str, Any]]:
        """Outbox events in commit order (optionally only some types)."""
        with self.rt.db.session() as session:
            rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.position)).all()
        found = [json.loads(row.body) for row in rows]
        return [e for e in found if not types or e["type"] in types]

    def counts(self) -> tuple[int, int]:
        """Requests and outbox rows: what a refused request must leave unchanged."""
        with self.rt.db.session() as session:
            return tuple(  # type: ignore[return-value]
                int(session.scalar(select(func.count()).select_from(t)) or 0)
                for t in (ReturnRequest, OutboxMessage)
            )

    def read(self, return_id: str) -> dict[str, Any]:
        response = self.get(f"/returns/{return_id}", "admin")
        assert response.status_code == 200, response.get_json()
        body: dict[str, Any] = response.get_json()
        return body


def make_returns(database_url: str, **options: Any) -> Returns:
    """A migrated returns app on ``database_url`` with a clock fixed at START."""
    clock = FixedClock(START)
    settings = settings_for(RETURNS, database_url, transport="inprocess", extra=options)
    upgrade(RETURNS, database_url)
    app = build_app(RETURNS, settings, clock=clock)
    return Returns(app.test_client(), app.extensions["aftercare"], clock)
