"""Factories for maintenance's integration tests: the app on a fixed clock, assets and plans
through the REST API, producers' sample events delivered through the EventProcessor, and the
outbox and table counts a refused request must leave unchanged."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from services.maintenance import SERVICE as MAINTENANCE
from services.maintenance.models import Asset, Occurrence, Plan, Record, ServiceFileEntry
from shared.clock import FixedClock
from shared.db import OutboxMessage
from shared.events import Event, EventCatalog
from shared.messaging.processing import Incoming, Settled
from shared.migrations import upgrade
from shared.service import Runtime
from shared.web import build_app
from shared.worker import event_processor
from tests.helpers import auth, settings_for

# 2026-01-01 02:00 UTC: 10:00 in Asia/Shanghai.
START = dt.datetime(2026, 1, 1, 2, 0, tzinfo=dt.UTC)
TABLES = (Asset, Plan, Occurrence, Record, ServiceFileEntry, OutboxMessage)


def asset_body(**changes: Any) -> dict[str, Any]:
    body = {
        "serial_no": "SN-1",
        "region": "east",
        "product_model": "CP-400",
        "product_type": "cathodic_protection",
        "customer_name": "Li Wei",
        "customer_phone": "+86 138 0000 0000",
        "contact_name": "Wang Jun",
        "site_address": "Berth 4, Ningbo port",
        "environment": "marine",
        "installed_on": "2025-12-15",
    }
    return {k: v for k, v in (body | changes).items() if v is not None}


def record_body(tasks: list[str], **changes: Any) -> dict[str, Any]:
    return {
        "tasks": [{"task": t, "done": True, "note": ""} for t in tasks],
        "findings": "anode 40% consumed",
        "problems": [],
        "attachments": [],
        "customer_signature": "data:image/png;base64,iVBORw0KGgo=",
        "signed_by": "Wang Jun",
    } | changes


def event_of(catalog: EventCatalog, type_: str, at: dt.datetime, **changes: Any) -> Event:
    """A valid event from the producer's own sample, some fields changed."""
    declaration = catalog.latest(type_)
    data = declaration.schema().load(declaration.sample) | changes
    return catalog.build(type_, data, region="east", occurred_at=at)


@dataclass
class Maintenance:
    client: FlaskClient
    rt: Runtime
    clock: FixedClock

    def post(self, path: str, body: Any, *roles: str, region: str | None = None) -> TestResponse:
        return self.client.post(path, json=body, headers=auth(*roles, region=region))

    def patch(self, path: str, body: Any, *roles: str, region: str | None = None) -> TestResponse:
        return self.client.patch(path, json=body, headers=auth(*roles, region=region))

    def get(self, path: str, *roles: str, region: str | None = None) -> TestResponse:
        return self.client.get(path, headers=auth(*roles or ("admin",), region=region))

    def asset(self, **changes: Any) -> dict[str, Any]:
        response = self.post("/assets", asset_body(**changes), "agent")
        assert response.status_code == 201, response.get_json()
        return dict(response.get_json())

    def plan(self, serial_no: str = "SN-1", **changes: Any) -> dict[str, Any]:
        response = self.post("/plans", {"serial_no": serial_no, **changes}, "manager")
        assert response.status_code == 201, response.get_json()
        return dict(response.get_json())

    def deliver(self, *events: Event) -> list[Settled]:
        return event_processor(self.rt).process(
            [Incoming(body=e.to_json().encode()) for e in events]
        )

    def events(self, *types: str) -> list[dict[str, Any]]:
        with self.rt.db.session() as session:
            rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.position)).all()
        found = [json.loads(row.body) for row in rows]
        return [e for e in found if not types or e["type"] in types]

    def counts(self) -> tuple[int, ...]:
        with self.rt.db.session() as session:
            return tuple(
                int(session.scalar(select(func.count()).select_from(t)) or 0) for t in TABLES
            )


def make_maintenance(database_url: str, **options: Any) -> Maintenance:
    clock = FixedClock(START)
    settings = settings_for(MAINTENANCE, database_url, transport="inprocess", extra=options)
    upgrade(MAINTENANCE, database_url)
    app = build_app(MAINTENANCE, settings, clock=clock)
    return Maintenance(app.test_client(), app.extensions["aftercare"], clock)
