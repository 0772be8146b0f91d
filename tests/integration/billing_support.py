"""Factories for billing's integration tests: the app on a fixed clock, events delivered
through the real EventProcessor (inbox and all), a fee schedule body, and table counts."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from services.billing import SERVICE as BILLING
from services.billing.models import CreditNote, FeeSchedule, Invoice, Payment
from services.dispatch.events import PUBLISHES as DISPATCH_EVENTS
from services.returns.events import PUBLISHES as RETURNS_EVENTS
from shared.clock import FixedClock
from shared.db import OutboxMessage
from shared.events import Event
from shared.messaging.processing import Incoming, Settled
from shared.migrations import upgrade
from shared.service import Runtime
from shared.web import build_app
from shared.worker import event_processor
from tests.helpers import auth, settings_for

START = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)
OUT_OF_WARRANTY = {"status": "out_of_warranty", "parts_covered": False, "labour_covered": False}


def schedule_body(**changes: Any) -> dict[str, Any]:
    """A fee schedule as finance PUTs it: in force from 1 Nov, Shanghai time."""
    body: dict[str, Any] = {
        "effective_from": "2026-11-01T00:00:00+08:00",
        "callout_fees": [
            {"region": "east", "amount": "150.00"},
            {"region": "north", "amount": "120.00"},
        ],
        "labour_rates": [
            {"service_kind": "repair", "product_type": "CP-400", "rate_per_hour": "180.00"},
            {"service_kind": "maintenance", "product_type": "*", "rate_per_hour": "120.00"},
        ],
        "parts": [
            {"part_no": "CP-400-ANODE", "description": "锌阳极 zinc anode", "price": "85.50"},
            {"part_no": "SEALANT-7", "description": "sealant", "price": "12.35"},
        ],
        "products": [{"model": "CP-400", "price": "12800.00"}],
    }
    return body | changes


def event_of(catalog: Any, type_: str, region: str, at: dt.datetime, **changes: Any) -> Event:
    """A valid event built from the producer's own sample, with some fields changed."""
    declaration = catalog.latest(type_)
    data = declaration.schema().load(declaration.sample) | changes
    return catalog.build(type_, data, region=region, occurred_at=at)


def repair_completed(region: str = "east", **changes: Any) -> Event:
    """dispatch's repair.completed: out of warranty, 2.5 h, an anode and two sealants."""
    defaults = {
        "work_order_id": uuid.uuid4(),
        "labour_hours": "2.50",
        "parts": [
            {"part_no": "CP-400-ANODE", "quantity": 1, "genuine": True},
            {"part_no": "SEALANT-7", "quantity": 2, "genuine": False},
        ],
        "warranty": OUT_OF_WARRANTY,
        "finished_at": dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC),
    }
    return event_of(DISPATCH_EVENTS, "repair.completed", region, START, **(defaults | changes))


def returns_event(type_: str, region: str = "east", **changes: Any) -> Event:
    return event_of(RETURNS_EVENTS, type_, region, START, **changes)


@dataclass
class Billing:
    """The billing app on a fixed clock, with shortcuts for the steps tests repeat."""

    client: FlaskClient
    rt: Runtime
    clock: FixedClock

    def post(
        self, path: str, body: Any, *roles: str, region: str | None = None, **kw: Any
    ) -> TestResponse:
        headers = auth(*roles, sub=f"{roles[0] if roles else 'x'}-1", region=region) | kw.pop(
            "headers", {}
        )
        return self.client.post(path, json=body, headers=headers, **kw)

    def put(self, path: str, body: Any, *roles: str, region: str | None = None) -> TestResponse:
        headers = auth(*roles, sub="fin-1", region=region) if roles else {}
        return self.client.put(path, json=body, headers=headers)

    def get(self, path: str, *roles: str, region: str | None = None) -> TestResponse:
        return self.client.get(path, headers=auth(*roles, region=region) if roles else {})

    def deliver(self, event: Event) -> list[Settled]:
        """Hand one event to billing's EventProcessor, as the consumer would."""
        return event_processor(self.rt).process([Incoming(body=event.to_json().encode())])

    def publish_schedule(self, **changes: Any) -> dict[str, Any]:
        response = self.put("/fee-schedule", schedule_body(**changes), "finance")
        assert response.status_code == 200, response.get_json()
        return dict(response.get_json())

    def draft(self, event: Event | None = None) -> dict[str, Any]:
        """Deliver a repair.completed and return the draft invoice it made."""
        event = event or repair_completed()
        [settled] = self.deliver(event)
        assert settled.outcome.value == "applied", settled.error
        work_order_id = event.data["work_order_id"]
        found = self.get(f"/invoices?work_order_id={work_order_id}", "finance").get_json()
        assert len(found) == 1, found
        return dict(self.get(f"/invoices/{found[0]['id']}", "finance").get_json())

    def events(self, *types: str) -> list[dict[str, Any]]:
        """Outbox events in commit order (optionally only some types)."""
        with self.rt.db.session() as session:
            rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.position)).all()
        found = [json.loads(row.body) for row in rows]
        return [e for e in found if not types or e["type"] in types]

    def counts(self) -> tuple[int, ...]:
        """Schedules, invoices, payments, credit notes, outbox rows: what a refusal leaves."""
        with self.rt.db.session() as session:
            return tuple(
                int(session.scalar(select(func.count()).select_from(t)) or 0)
                for t in (FeeSchedule, Invoice, Payment, CreditNote, OutboxMessage)
            )


def make_billing(database_url: str, **options: Any) -> Billing:
    """A migrated billing app on ``database_url`` with a clock fixed at START."""
    clock = FixedClock(START)
    settings = settings_for(BILLING, database_url, transport="inprocess", extra=options)
    upgrade(BILLING, database_url)
    app = build_app(BILLING, settings, clock=clock)
    return Billing(app.test_client(), app.extensions["aftercare"], clock)
