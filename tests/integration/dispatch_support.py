"""Factories for dispatch's integration tests: the app on a fixed clock, technicians, work
orders opened by real intake events through the EventProcessor, and the outbox as events."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from services.dispatch import SERVICE as DISPATCH
from services.dispatch.models import Technician, Visit, WorkOrder
from services.intake.events import PUBLISHES as INTAKE_EVENTS
from services.maintenance.events import PUBLISHES as MAINTENANCE_EVENTS
from shared.clock import FixedClock
from shared.db import OutboxMessage
from shared.events import Event
from shared.messaging.processing import Incoming, Settled
from shared.migrations import upgrade
from shared.service import Runtime
from shared.web import build_app
from shared.worker import event_processor
from tests.helpers import auth, settings_for

START = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def event_of(catalog: Any, type_: str, region: str, at: dt.datetime, **changes: Any) -> Event:
    """A valid event built from the producer's own sample, with some fields changed."""
    declaration = catalog.latest(type_)
    data = declaration.schema().load(declaration.sample) | changes
    return catalog.build(type_, data, region=region, occurred_at=at)


@dataclass
class Dispatch:
    """The dispatch app on a fixed clock, with shortcuts for the steps tests repeat."""

    client: FlaskClient
    rt: Runtime
    clock: FixedClock

    # -- requests -----------------------------------------------------------------------
    def post(
        self, path: str, body: Any, *roles: str, sub: str = "tester", region: str | None = None
    ) -> TestResponse:
        return self.client.post(path, json=body, headers=auth(*roles, sub=sub, region=region))

    def get(self, path: str, *roles: str, sub: str = "tester", region: str | None = None) -> Any:
        return self.client.get(path, headers=auth(*roles, sub=sub, region=region))

    def technician(
        self,
        name: str,
        *,
        region: str = "east",
        skills: tuple[str, ...] = ("coating",),
        active: bool = True,
        kind: str = "employee",
    ) -> str:
        """Register a technician whose login is ``tech-<name>`` and whose work ID is
        ``W-<NAME>``; returns its id."""
        body = {
            "name": name,
            "kind": kind,
            "region": region,
            "skills": list(skills),
            "active": active,
            "user_sub": f"tech-{name}",
            "work_id": f"W-{name.upper()}",
        }
        response = self.post("/technicians", body, "admin")
        assert response.status_code == 201, response.get_json()
        return str(response.get_json()["id"])

    def schedule(
        self,
        work_order_id: str,
        *,
        starts_in: dt.timedelta = HOUR,
        length: dt.timedelta = 2 * HOUR,
        technician_id: str | None = None,
        by_customer: bool = False,
        **changes: Any,
    ) -> TestResponse:
        """Book (or move) a visit agreed by phone; a move says who asked for it (the customer
        when ``by_customer``, else the company) and why."""
        start = self.clock.now() + starts_in
        body: dict[str, Any] = {
            "window_start": iso(start),
            "window_end": iso(start + length),
            "agreed_via": "phone",
            "requested_by": "customer" if by_customer else "company",
            "reason": "the customer is away" if by_customer else "the technician is off sick",
        } | changes
        if technician_id:
            body["technician_id"] = technician_id
        return self.post(f"/work-orders/{work_order_id}/schedule", body, "agent")

    def check_in(
        self, work_order_id: str, tech: str, arrived_at: dt.datetime, **changes: Any
    ) -> TestResponse:
        """``tech`` arrives showing their work ID; checks pass, the symptom is confirmed."""
        body = check_in_body(arrived_at, work_id=f"W-{tech.upper()}") | changes
        return self.post(
            f"/work-orders/{work_order_id}/check-in", body, "technician", sub=f"tech-{tech}"
        )

    def complete(
        self, work_order_id: str, tech: str, result: str = "fixed", parts: Any = None
    ) -> TestResponse:
        now = self.clock.now()
        body = completion_body(started_at=now - HOUR, finished_at=now, result=result)
        if parts is not None:
            body["parts"] = parts
        return self.post(
            f"/work-orders/{work_order_id}/completion", body, "technician", sub=f"tech-{tech}"
        )

    def answer(self, work_order_id: str, accepted: bool, rating: int = 4) -> TestResponse:
        body: dict[str, Any] = {"accepted": accepted, "rating": rating}
        if not accepted:
            body["reason"] = "still leaking at the flange"
        return self.post(f"/work-orders/{work_order_id}/acceptance", body, "agent")

    def visit(self, work_order_id: str, tech: str, result: str, parts: Any = None) -> None:
        """Schedule (named technician), arrive in the window, record ``result`` (with the
        covered anode unless ``parts`` are given)."""
        tech_id = self.technician_id(tech)
        assert self.schedule(work_order_id, technician_id=tech_id).status_code == 200
        self.clock.advance(hours=2)
        assert self.check_in(work_order_id, tech, self.clock.now()).status_code == 200
        self.clock.advance(hours=1)
        done = self.complete(work_order_id, tech, result, parts)
        assert done.status_code == 200, done.get_json()

    # -- events in ----------------------------------------------------------------------
    def deliver(self, event: Event) -> list[Settled]:
        """Hand one event to dispatch's EventProcessor, as the consumer would."""
        return event_processor(self.rt).process([Incoming(body=event.to_json().encode())])

    def solution_accepted(self, region: str = "east", **changes: Any) -> Event:
        defaults = {
            "ticket_id": uuid.uuid4(),
            "serial_no": f"SN-{uuid.uuid4().hex[:8]}",
            "accepted_at": self.clock.now(),
        }
        return event_of(
            INTAKE_EVENTS,
            "ticket.solution_accepted",
            region,
            self.clock.now(),
            **(defaults | changes),
        )

    def visit_due(self, region: str = "east", **changes: Any) -> Event:
        defaults = {"plan_id": uuid.uuid4()}
        return event_of(
            MAINTENANCE_EVENTS,
            "maintenance.visit_due",
            region,
            self.clock.now(),
            **(defaults | changes),
        )

    def open_repair(self, region: str = "east", **changes: Any) -> str:
        """A repair work order opened by a ticket.solution_accepted; returns its id."""
        event = self.solution_accepted(region, **changes)
        [settled] = self.deliver(event)
        assert settled.outcome.value == "applied", settled.error
        with self.rt.db.session() as session:
            return str(
                session.scalars(
                    select(WorkOrder.id).where(WorkOrder.source_event_id == str(event.id))
                ).one()
            )

    # -- state ----------------------------------------------------------------------------
    def events(self, *types: str) -> list[dict[str, Any]]:
        """Outbox events in commit order (optionally only some types)."""
        with self.rt.db.session() as session:
            rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.position)).all()
        found = [json.loads(row.body) for row in rows]
        return [e for e in found if not types or e["type"] in types]

    def counts(self) -> tuple[int, int, int, int]:
        """Technicians, work orders, visits, outbox rows: what a refused request must leave."""
        with self.rt.db.session() as session:
            return tuple(  # type: ignore[return-value]
                int(session.scalar(select(func.count()).select_from(t)) or 0)
                for t in (Technician, WorkOrder, Visit, OutboxMessage)
            )

    def technician_id(self, name: str) -> str:
        with self.rt.db.session() as session:
            return str(session.scalars(select(Technician.id).where(Technician.name == name)).one())

    def work_order(self, work_order_id: str) -> dict[str, Any]:
        response = self.get(f"/work-orders/{work_order_id}", "admin")
        assert response.status_code == 200, response.get_json()
        body: dict[str, Any] = response.get_json()
        return body


def check_in_body(arrived_at: dt.datetime, *, work_id: str) -> dict[str, Any]:
    return {
        "arrived_at": iso(arrived_at),
        "identity_verified": True,
        "work_id_shown": work_id,
        "product_model": "CP-400",
        "symptom_check": {"confirmed": True, "observed": "blistering along the weld seam"},
    }


# A part the work order's warranty covers (the intake sample's warranty covers parts).
COVERED_ANODE = {
    "part_no": "CP-400-ANODE",
    "quantity": 1,
    "genuine": True,
    "reason": "anode consumed",
    "covered_by_warranty": True,
}


def completion_body(
    *, started_at: dt.datetime, finished_at: dt.datetime, result: str = "fixed"
) -> dict[str, Any]:
    return {
        "work_performed": "replaced anode, touched up coating",
        "parts": [COVERED_ANODE],
        "labour_hours": "1.50",
        "started_at": iso(started_at),
        "finished_at": iso(finished_at),
        "result": result,
        "customer_signature": "data:image/png;base64,iVBORw0KGgo=",
    }


def make_dispatch(database_url: str, **options: Any) -> Dispatch:
    """A migrated dispatch app on ``database_url`` with a clock fixed at START."""
    clock = FixedClock(START)
    settings = settings_for(DISPATCH, database_url, transport="inprocess", extra=options)
    upgrade(DISPATCH, database_url)
    app = build_app(DISPATCH, settings, clock=clock)
    return Dispatch(app.test_client(), app.extensions["aftercare"], clock)
