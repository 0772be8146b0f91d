"""intake's event handlers through the EventProcessor on SQLite and PostgreSQL: dispatch's
verdicts close tickets once, however often they arrive; events for tickets intake does not
have are ignored, not parked; a maintenance finding opens exactly one ticket."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from services.dispatch.events import PUBLISHES as DISPATCH
from services.intake import SERVICE as INTAKE
from services.intake import use_cases as services
from services.intake.models import Assessment, Ticket, TimelineEntry
from services.intake.schemas import AssessmentCreate, SolutionResponseCreate
from services.maintenance.events import PUBLISHES as MAINTENANCE
from shared.auth import Principal
from shared.clock import FixedClock
from shared.db import InboxMessage, OutboxMessage
from shared.events import Event
from shared.messaging.processing import Incoming, Outcome
from shared.service import Runtime
from shared.worker import event_processor
from tests.helpers import migrated_runtime, settings_for, ticket_in
from tests.integration.intake_api import NOW, assessment_body

AGENT = Principal("agent-1", frozenset({"agent"}))
ENGINEER = Principal("eng-1", frozenset({"engineer"}))
WORK_ORDER = uuid.UUID("0b6c2a4e-5d7f-4c1a-9e3b-8a2d4f6c8e10")


@pytest.fixture
def rt(database_url: str) -> Iterator[Runtime]:
    runtime = migrated_runtime(
        INTAKE, settings_for(INTAKE, database_url, transport="inprocess"), clock=FixedClock(NOW)
    )
    yield runtime
    runtime.db.dispose()


def awaiting_repair(rt: Runtime) -> uuid.UUID:
    """A repair ticket whose solution (with a visit) the customer accepted."""
    with rt.unit_of_work() as uow:
        ticket = services.register_ticket(uow, ticket_in=ticket_in(), by=AGENT)
        services.assess_ticket(
            uow,
            ticket_id=ticket.id,
            assessment_in=AssessmentCreate().load(assessment_body()),
            by=ENGINEER,
        )
        services.record_solution_response(
            uow,
            ticket_id=ticket.id,
            response_in=SolutionResponseCreate().load({"accepted": True}),
            by=AGENT,
        )
        assert ticket.status == "awaiting_repair"
        return ticket.id


def event(catalog: Any, type_: str, region: str = "east", **data: Any) -> Event:
    """An event as its producer would send it: its contract sample with ``data`` changed."""
    sample = catalog.latest(type_).sample
    return Event(
        type=type_,
        version=1,
        region=region,
        producer=catalog.producer,
        data=json.loads(json.dumps({**sample, **data}, default=str)),
    )


def deliver(rt: Runtime, *events: Event) -> list[Outcome]:
    settled = event_processor(rt).process([Incoming(body=e.to_json().encode()) for e in events])
    return [s.outcome for s in settled]


def rows(rt: Runtime) -> dict[str, int]:
    with rt.db.session() as session:
        return {
            model.__name__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Ticket, Assessment, TimelineEntry, OutboxMessage, InboxMessage)
        }


def ticket(rt: Runtime, ticket_id: uuid.UUID) -> Ticket:
    with rt.db.session() as session:
        found = session.get(Ticket, ticket_id)
        assert found is not None
        return found


def events_of(rt: Runtime, type_: str) -> list[dict[str, Any]]:
    with rt.db.session() as session:
        bodies = session.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.type == type_)
            .order_by(OutboxMessage.position)
        )
        return [json.loads(body) for body in bodies]


def steps(rt: Runtime, ticket_id: uuid.UUID) -> list[tuple[str, str]]:
    with rt.db.session() as session:
        entries = session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.ticket_id == ticket_id)
            .order_by(TimelineEntry.at, TimelineEntry.id)
        )
        return [(e.kind, e.actor) for e in entries]


def test_repair_accepted_closes_the_ticket_once_even_when_delivered_twice(rt: Runtime) -> None:
    tid = awaiting_repair(rt)
    accepted = event(
        DISPATCH,
        "repair.accepted",
        ticket_id=tid,
        work_order_id=WORK_ORDER,
        accepted_at="2026-12-02T06:00:00+00:00",
    )

    assert deliver(rt, accepted, accepted) == [Outcome.APPLIED, Outcome.DUPLICATE]
    assert deliver(rt, accepted) == [Outcome.DUPLICATE]

    closed = ticket(rt, tid)
    assert (closed.status, closed.close_reason) == ("closed", "repair_accepted")
    assert closed.work_order_id == WORK_ORDER
    assert closed.closed_at == dt.datetime(2026, 12, 2, 6, 0, tzinfo=dt.UTC)
    [announced] = events_of(rt, "ticket.closed")
    assert announced["data"] == {
        "ticket_id": str(tid),
        "reason": "repair_accepted",
        "work_order_id": str(WORK_ORDER),
        "closed_at": "2026-12-02T06:00:00+00:00",
        "ticket_created_at": "2026-11-30T02:00:00+00:00",
    }
    # created 1, assessed 2, solution_accepted 3, closed 4.
    assert (announced["sequence"], announced["aggregate_id"]) == (4, str(tid))
    assert announced["causation_id"] == str(accepted.id)
    assert steps(rt, tid)[-1] == ("closed", "dispatch")


def test_a_later_acceptance_for_a_closed_ticket_changes_nothing(rt: Runtime) -> None:
    tid = awaiting_repair(rt)
    deliver(rt, event(DISPATCH, "repair.accepted", ticket_id=tid, work_order_id=WORK_ORDER))
    before = rows(rt)
    other_work_order = uuid.uuid4()

    late = event(DISPATCH, "repair.accepted", ticket_id=tid, work_order_id=other_work_order)

    assert deliver(rt, late) == [Outcome.APPLIED]
    assert rows(rt) == {**before, "InboxMessage": before["InboxMessage"] + 1}
    assert ticket(rt, tid).work_order_id == WORK_ORDER


def test_escalation_closes_as_escalated_and_a_late_acceptance_is_ignored(rt: Runtime) -> None:
    tid = awaiting_repair(rt)
    escalated = event(
        DISPATCH,
        "repair.escalated",
        ticket_id=tid,
        work_order_id=WORK_ORDER,
        escalated_to="replacement",
        escalated_at="2026-12-10T05:00:00+00:00",
    )

    outcomes = deliver(
        rt, escalated, event(DISPATCH, "repair.accepted", ticket_id=tid, work_order_id=WORK_ORDER)
    )

    assert outcomes == [Outcome.APPLIED, Outcome.APPLIED]
    closed = ticket(rt, tid)
    assert (closed.status, closed.close_reason) == ("escalated", "escalated")
    assert closed.closed_at == dt.datetime(2026, 12, 10, 5, 0, tzinfo=dt.UTC)
    [announced] = events_of(rt, "ticket.closed")
    assert announced["data"]["reason"] == "escalated"
    assert announced["data"]["work_order_id"] == str(WORK_ORDER)
    assert steps(rt, tid)[-1] == ("escalated", "dispatch")


def test_events_for_no_ticket_or_an_unknown_one_are_ignored_not_parked(rt: Runtime) -> None:
    before = rows(rt)
    stranger = uuid.uuid4()

    outcomes = deliver(
        rt,
        event(DISPATCH, "repair.accepted", ticket_id=None, kind="maintenance"),
        event(DISPATCH, "repair.accepted", ticket_id=stranger),
        event(DISPATCH, "repair.escalated", ticket_id=stranger),
    )

    assert outcomes == [Outcome.APPLIED] * 3
    assert rows(rt) == {**before, "InboxMessage": before["InboxMessage"] + 3}


def test_maintenance_issue_found_opens_exactly_one_ticket_per_event(rt: Runtime) -> None:
    found = event(
        MAINTENANCE,
        "maintenance.issue_found",
        region="south",
        found_at="2026-11-29T06:00:00+00:00",  # Sunday 14:00 in Shanghai
        hazard=False,
        priority="normal",  # a finding that is no hazard
    )
    # Stamped a little ahead of intake's clock: taken as now. The sample is a hazard: high.
    second = event(MAINTENANCE, "maintenance.issue_found", found_at="2026-11-30T02:00:03+00:00")

    assert deliver(rt, found, found) == [Outcome.APPLIED, Outcome.DUPLICATE]
    assert deliver(rt, found, second) == [Outcome.DUPLICATE, Outcome.APPLIED]

    with rt.db.session() as session:
        tickets = {t.source_event_id: t for t in session.scalars(select(Ticket))}
    assert set(tickets) == {str(found.id), str(second.id)}
    opened = tickets[str(found.id)]
    assert (opened.kind, opened.channel, opened.priority, opened.status) == (
        "maintenance_issue",
        "maintenance",
        "normal",
        "new",
    )
    assert (opened.region, opened.customer_name, opened.customer_phone) == (
        "south",
        "Li Wei",
        "+86 138 0000 0000",
    )
    assert (opened.product_model, opened.serial_no) == ("CP-400", "SN-2024-000123")
    assert opened.symptom == "coating cracked at the support ring"
    assert opened.usage_environment == "marine"
    assert opened.reported_at == dt.datetime(2026, 11, 29, 6, 0, tzinfo=dt.UTC)
    # normal, 8 business hours from Sunday: Monday 08:30-12:00 and 13:30-17:30 (7.5h), then
    # Tuesday 08:30 + 0.5h = 09:00 in Shanghai.
    assert opened.first_response_due_at == dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)
    assert opened.warranty_status == "unknown"
    assert tickets[str(second.id)].reported_at == NOW
    assert tickets[str(second.id)].priority == "high"
    created = {e["data"]["source_event_id"]: e for e in events_of(rt, "ticket.created")}
    assert set(created) == {str(found.id), str(second.id)}
    announced = created[str(found.id)]
    assert announced["region"] == "south"
    assert announced["data"]["channel"] == "maintenance"
    assert announced["data"]["kind"] == "maintenance_issue"
    assert announced["data"]["ticket_id"] == str(opened.id)
    assert announced["sequence"] == 1
    assert steps(rt, opened.id) == [("reported", "maintenance")]
