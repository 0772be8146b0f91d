"""Intake's use cases on the in-memory unit of work: no database, no broker. Expected values
are worked out by hand from the shipped calendar (Asia/Shanghai, 08:30-12:00 and 13:30-17:30
on weekdays) and the shipped warranty policy (CP-400: 36 months parts, 24 labour)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest

from services.intake import domain, use_cases
from services.intake.events import PUBLISHES
from services.intake.repositories import FakeIntakeUnitOfWork
from shared.auth import Principal
from shared.clock import FixedClock
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound

# Wednesday 2 December 2026, 10:00 in Shanghai.
NOW = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)
AGENT = Principal("agent-1", frozenset({"agent"}))
ENGINEER = Principal("eng-1", frozenset({"engineer"}))
NORTH_AGENT = Principal("agent-n", frozenset({"agent"}), region="north")


@pytest.fixture
def uow() -> FakeIntakeUnitOfWork:
    return FakeIntakeUnitOfWork(PUBLISHES, clock=FixedClock(NOW))


def report(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "hotline",
        "kind": "repair",
        "region": "east",
        "priority": "high",
        "customer": {"name": "Li Wei", "phone": "+86 138 0000 0000"},
        "product": {"model": "CP-400", "serial_no": "SN-1", "purchase_date": dt.date(2025, 3, 1)},
        "symptom": "coating blistering",
    }
    return body | changes


def assessment(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "nature": "product_defect",
        "severity": "high",
        "diagnosis": "failed primer",
        "proposed_solution": "strip and recoat",
        "visit_needed": True,
        "required_skill": "coating",
        "estimated_hours": Decimal("2.5"),
        "parts_likely": ["PR-1"],
    }
    return body | changes


def registered(uow: FakeIntakeUnitOfWork, **changes: Any) -> uuid.UUID:
    return use_cases.register_ticket(uow, ticket_in=report(**changes), by=AGENT).id


def assessed(uow: FakeIntakeUnitOfWork, **changes: Any) -> uuid.UUID:
    ticket_id = registered(uow)
    use_cases.assess_ticket(
        uow, ticket_id=ticket_id, assessment_in=assessment(**changes), by=ENGINEER
    )
    return ticket_id


def test_register_decides_warranty_and_deadline_and_announces() -> None:
    uow = FakeIntakeUnitOfWork(PUBLISHES, clock=FixedClock(NOW))
    ticket = use_cases.register_ticket(uow, ticket_in=report(), by=AGENT)
    # high = 4 business hours: 10:00-12:00, then 13:30-15:30 Shanghai = 07:30 UTC.
    assert ticket.first_response_due_at == dt.datetime(2026, 12, 2, 7, 30, tzinfo=dt.UTC)
    assert ticket.warranty_status == "in_warranty"
    assert (ticket.warranty_parts_covered, ticket.warranty_labour_covered) == (True, True)
    assert ticket.status == "new" and ticket.reported_at == NOW
    assert [e.kind for e in ticket.timeline] == ["reported"]
    [created] = uow.published()
    assert (created.type, created.sequence, created.region) == ("ticket.created", 1, "east")
    assert created.data["ticket_id"] == str(ticket.id)
    assert created.data["first_response_due_at"] == "2026-12-02T07:30:00+00:00"
    assert created.data["warranty"]["status"] == "in_warranty"
    assert uow.commits == 1


def test_register_outside_the_callers_region_is_forbidden(uow: FakeIntakeUnitOfWork) -> None:
    with pytest.raises(Forbidden) as refused:
        use_cases.register_ticket(uow, ticket_in=report(), by=NORTH_AGENT)
    assert refused.value.errors == {"region": ["outside the caller's region"]}
    assert uow.published() == [] and uow.commits == 0


def test_warranty_is_judged_on_the_report_date(uow: FakeIntakeUnitOfWork) -> None:
    # Labour ends 2027-03-01 (24 months), parts 2028-03-01 (36): reported in between.
    reported = dt.datetime(2027, 6, 1, 2, 0, tzinfo=dt.UTC)
    uow.clock = FixedClock(reported)
    ticket = use_cases.register_ticket(uow, ticket_in=report(), by=AGENT)
    assert (ticket.warranty_parts_covered, ticket.warranty_labour_covered) == (True, False)


def test_a_maintenance_finding_opens_one_ticket_per_event(uow: FakeIntakeUnitOfWork) -> None:
    event_id = uuid.uuid4()
    issue = {
        "customer_name": "Port of Ningbo",
        "product_model": "LT-PIPE",
        "serial_no": "SN-9",
        "description": "anode depleted",
        "environment": "marine",
        "found_at": NOW + dt.timedelta(minutes=5),  # ahead of our clock: taken as now
    }
    first = use_cases.open_ticket_from_issue(
        uow, event_id=event_id, region="east", issue=issue, actor="maintenance"
    )
    again = use_cases.open_ticket_from_issue(
        uow, event_id=event_id, region="east", issue=issue, actor="maintenance"
    )
    assert again is first
    assert (first.kind, first.channel, first.priority) == (
        "maintenance_issue",
        "maintenance",
        "normal",
    )
    assert first.reported_at == NOW and first.source_event_id == str(event_id)
    assert [e.type for e in uow.published()] == ["ticket.created"]


def test_assessment_is_the_next_round_and_the_first_response(uow: FakeIntakeUnitOfWork) -> None:
    ticket_id = registered(uow)
    uow.clock = FixedClock(NOW + dt.timedelta(hours=1))
    ticket = use_cases.assess_ticket(
        uow, ticket_id=ticket_id, assessment_in=assessment(), by=ENGINEER
    )
    assert ticket.status == "assessed" and [a.round for a in ticket.assessments] == [1]
    assert ticket.first_responded_at == NOW + dt.timedelta(hours=1)
    assessed_event = uow.published("ticket.assessed")[0]
    assert assessed_event.sequence == 2
    assert assessed_event.data["first_response"] is True
    assert assessed_event.data["estimated_hours"] == "2.50"
    assert assessed_event.data["assessed_by"] == "eng-1"


def test_assessing_twice_without_an_answer_is_a_conflict(uow: FakeIntakeUnitOfWork) -> None:
    ticket_id = assessed(uow)
    with pytest.raises(Conflict) as refused:
        use_cases.assess_ticket(uow, ticket_id=ticket_id, assessment_in=assessment(), by=ENGINEER)
    assert refused.value.errors == {"status": ["is assessed"]}


def test_a_step_dated_before_the_previous_one_is_refused(uow: FakeIntakeUnitOfWork) -> None:
    ticket_id = registered(uow)
    early = assessment(assessed_at=NOW - dt.timedelta(seconds=1))
    with pytest.raises(InvalidInput) as refused:
        use_cases.assess_ticket(uow, ticket_id=ticket_id, assessment_in=early, by=ENGINEER)
    assert list(refused.value.errors) == ["assessed_at"]


def test_unknown_and_foreign_tickets(uow: FakeIntakeUnitOfWork) -> None:
    with pytest.raises(NotFound):
        use_cases.assess_ticket(
            uow, ticket_id=uuid.uuid4(), assessment_in=assessment(), by=ENGINEER
        )
    ticket_id = registered(uow)
    north = Principal("eng-n", frozenset({"engineer"}), region="north")
    with pytest.raises(NotFound):  # as unknown: no oracle for which ids exist elsewhere
        use_cases.assess_ticket(uow, ticket_id=ticket_id, assessment_in=assessment(), by=north)


def test_a_rejected_solution_goes_back_to_assessment(uow: FakeIntakeUnitOfWork) -> None:
    ticket_id = assessed(uow)
    answer = {"accepted": False, "objection": "too expensive"}
    ticket = use_cases.record_solution_response(
        uow, ticket_id=ticket_id, response_in=answer, by=AGENT
    )
    assert ticket.status == "awaiting_reassessment"
    assert ticket.assessments[0].objection == "too expensive"
    [rejected] = uow.published("ticket.solution_rejected")
    assert rejected.data == {
        "ticket_id": str(ticket_id),
        "round": 1,
        "objection": "too expensive",
        "rejected_at": "2026-12-02T02:00:00+00:00",
    }
    again = use_cases.assess_ticket(
        uow, ticket_id=ticket_id, assessment_in=assessment(), by=ENGINEER
    )
    assert [a.round for a in again.assessments] == [1, 2]
    assert uow.published("ticket.assessed")[1].data["first_response"] is False


def test_an_accepted_solution_needing_a_visit_goes_to_dispatch(uow: FakeIntakeUnitOfWork) -> None:
    ticket_id = assessed(uow)
    ticket = use_cases.record_solution_response(
        uow, ticket_id=ticket_id, response_in={"accepted": True}, by=AGENT
    )
    assert ticket.status == "awaiting_repair" and ticket.closed_at is None
    [accepted] = uow.published("ticket.solution_accepted")
    assert accepted.sequence == 3
    assert accepted.data["visit_needed"] is True
    assert accepted.data["warranty"]["parts_covered"] is True
    assert accepted.data["customer_name"] == "Li Wei"


def test_an_accepted_solution_without_a_visit_resolves_and_closes(
    uow: FakeIntakeUnitOfWork,
) -> None:
    ticket_id = assessed(uow, visit_needed=False, estimated_hours=Decimal(0))
    ticket = use_cases.record_solution_response(
        uow, ticket_id=ticket_id, response_in={"accepted": True}, by=AGENT
    )
    assert (ticket.status, ticket.close_reason) == ("closed", "resolved")
    assert ticket.resolution == "strip and recoat"
    types = [e.type for e in uow.published()]
    assert types[-2:] == ["ticket.resolved", "ticket.closed"]
    assert [e.sequence for e in uow.published()] == [1, 2, 3, 4]


def test_a_consultation_is_resolved_without_assessment(uow: FakeIntakeUnitOfWork) -> None:
    ticket_id = registered(uow, kind="consultation", topic="use")
    ticket = use_cases.resolve_ticket(
        uow, ticket_id=ticket_id, resolution_in={"resolution": "use primer B"}, by=AGENT
    )
    assert ticket.status == "closed" and ticket.first_responded_at == NOW
    [resolved] = uow.published("ticket.resolved")
    assert resolved.data["first_response"] is True


def test_a_repair_needing_a_visit_cannot_be_resolved(uow: FakeIntakeUnitOfWork) -> None:
    ticket_id = assessed(uow)
    with pytest.raises(Conflict):
        use_cases.resolve_ticket(
            uow, ticket_id=ticket_id, resolution_in={"resolution": "x"}, by=AGENT
        )


def test_the_accepted_repair_closes_the_ticket_once(uow: FakeIntakeUnitOfWork) -> None:
    ticket_id = assessed(uow)
    use_cases.record_solution_response(
        uow, ticket_id=ticket_id, response_in={"accepted": True}, by=AGENT
    )
    work_order = uuid.uuid4()
    at = NOW + dt.timedelta(days=1)
    closed = use_cases.close_ticket_after_repair(
        uow, ticket_id=ticket_id, work_order_id=work_order, accepted_at=at, actor="dispatch"
    )
    assert closed is not None and (closed.status, closed.work_order_id) == ("closed", work_order)
    late = use_cases.close_ticket_after_repair(
        uow, ticket_id=ticket_id, work_order_id=work_order, accepted_at=at, actor="dispatch"
    )
    assert late is None and len(uow.published("ticket.closed")) == 1
    assert uow.published("ticket.closed")[0].data["reason"] == "repair_accepted"


def test_an_escalated_repair_closes_the_ticket_as_escalated(uow: FakeIntakeUnitOfWork) -> None:
    ticket_id = assessed(uow)
    ticket = use_cases.escalate_ticket(
        uow,
        ticket_id=ticket_id,
        work_order_id=uuid.uuid4(),
        escalated_to="replacement",
        escalated_at=NOW,
        actor="dispatch",
    )
    assert ticket is not None and ticket.status == domain.ESCALATED
    assert ticket.timeline[-1].details["escalated_to"] == "replacement"
    unknown = use_cases.escalate_ticket(
        uow,
        ticket_id=uuid.uuid4(),
        work_order_id=uuid.uuid4(),
        escalated_to="return",
        escalated_at=NOW,
        actor="dispatch",
    )
    assert unknown is None


def test_a_hazard_found_in_maintenance_opens_a_high_priority_ticket(
    uow: FakeIntakeUnitOfWork,
) -> None:
    issue = {
        "customer_name": "Port of Ningbo",
        "product_model": "LT-PIPE",
        "serial_no": "SN-9",
        "description": "coating delaminated over the walkway: slip hazard",
        "found_at": NOW,
        "priority": "high",
    }
    ticket = use_cases.open_ticket_from_issue(
        uow, event_id=uuid.uuid4(), region="east", issue=issue, actor="maintenance"
    )
    # high = 4 business hours from 10:00 Shanghai: 12:00 and then 13:30-15:30 = 07:30 UTC.
    assert ticket.priority == "high"
    assert ticket.first_response_due_at == dt.datetime(2026, 12, 2, 7, 30, tzinfo=dt.UTC)
