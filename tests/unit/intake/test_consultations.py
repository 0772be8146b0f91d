"""Consultations on the in-memory unit of work: the deadline kept at registration, escalation,
the answer (which resolves), the rating, and what each step refuses. Times are worked out by
hand from the shipped calendar (Asia/Shanghai, 08:30-12:00 and 13:30-17:30 on weekdays) and
consultation policy (installation_commissioning normal: 4 business hours; use high: 4)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from services.intake import use_cases
from services.intake.events import PUBLISHES
from services.intake.models import Ticket
from services.intake.repositories import FakeIntakeUnitOfWork
from shared.auth import Principal
from shared.clock import FixedClock
from shared.errors import Conflict, Forbidden

# Wednesday 2 December 2026, 10:00 in Shanghai.
NOW = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)
# 4 business hours from 10:00: 12:00, then 13:30-15:30 Shanghai = 07:30 UTC.
DUE = dt.datetime(2026, 12, 2, 7, 30, tzinfo=dt.UTC)
AGENT = Principal("agent-1", frozenset({"agent"}))
ENGINEER = Principal("eng-1", frozenset({"engineer"}))
OTHER_ENGINEER = Principal("eng-2", frozenset({"engineer"}))
ADMIN = Principal("root", frozenset({"admin"}))


@pytest.fixture
def uow() -> FakeIntakeUnitOfWork:
    return FakeIntakeUnitOfWork(PUBLISHES, clock=FixedClock(NOW))


def question(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "hotline",
        "kind": "consultation",
        "topic": "installation_commissioning",
        "region": "east",
        "priority": "normal",
        "customer": {"name": "Li Wei", "phone": "+86 138 0000 0000"},
        "product": {"model": "CP-400"},
        "symptom": "how long must the primer cure before the topcoat in 5 degrees C?",
    }
    return body | changes


def asked(uow: FakeIntakeUnitOfWork, **changes: Any) -> uuid.UUID:
    return use_cases.register_ticket(uow, ticket_in=question(**changes), by=AGENT).id


def answer(
    uow: FakeIntakeUnitOfWork, ticket_id: uuid.UUID, by: Principal = AGENT, **more: Any
) -> Ticket:
    answer_in = {"answer": "24 hours at 5 degrees C", "documents": [], **more}
    return use_cases.answer_consultation(uow, ticket_id=ticket_id, answer_in=answer_in, by=by)


def escalate(uow: FakeIntakeUnitOfWork, ticket_id: uuid.UUID, **more: Any) -> Ticket:
    escalation_in = {"reason": "needs the datasheet's cure curve", **more}
    return use_cases.escalate_consultation(
        uow, ticket_id=ticket_id, escalation_in=escalation_in, by=AGENT
    )


def rate(uow: FakeIntakeUnitOfWork, ticket_id: uuid.UUID, rating: int = 4) -> Ticket:
    rating_in = {"rating": rating, "remark": "clear"}
    return use_cases.rate_answer(uow, ticket_id=ticket_id, rating_in=rating_in, by=AGENT)


def test_registering_keeps_the_topic_and_the_response_deadline(uow: FakeIntakeUnitOfWork) -> None:
    ticket = uow.tickets.get(asked(uow))
    assert ticket is not None and ticket.consultation is not None
    assert ticket.consultation.topic == "installation_commissioning"
    assert ticket.consultation.response_due_at == DUE
    details = ticket.timeline[0].details
    assert (details["topic"], details["response_due_at"]) == (
        "installation_commissioning",
        "2026-12-02T07:30:00.000000Z",
    )
    assert ticket.consultation.response_met(NOW) is None
    assert ticket.consultation.response_met(DUE + dt.timedelta(seconds=1)) is False


def test_a_repair_ticket_has_no_consultation(uow: FakeIntakeUnitOfWork) -> None:
    ticket_id = asked(uow, kind="repair", topic=None)
    ticket = uow.tickets.get(ticket_id)
    assert ticket is not None and ticket.consultation is None
    with pytest.raises(Conflict) as refused:
        answer(uow, ticket_id)
    assert refused.value.errors == {"kind": ["is repair"]}


def test_escalated_then_answered_by_the_named_engineer_then_rated(
    uow: FakeIntakeUnitOfWork,
) -> None:
    ticket_id = asked(uow)
    uow.clock = FixedClock(NOW + dt.timedelta(hours=1))
    ticket = escalate(uow, ticket_id, engineer="eng-1")
    assert ticket.status == "awaiting_engineer"

    with pytest.raises(Forbidden):
        answer(uow, ticket_id, by=AGENT)
    with pytest.raises(Forbidden):
        answer(uow, ticket_id, by=OTHER_ENGINEER)
    uow.clock = FixedClock(DUE)  # exactly on the deadline is in time
    ticket = answer(uow, ticket_id, by=ENGINEER)
    rated = rate(uow, ticket_id, rating=5)

    assert (rated.status, rated.close_reason) == ("closed", "resolved")
    assert rated.consultation is not None and rated.consultation.rating == 5
    types = [e.type for e in uow.published()]
    assert types == [
        "ticket.created",
        "consultation.escalated",
        "consultation.answered",
        "ticket.resolved",
        "ticket.closed",
        "consultation.rated",
    ]
    assert [e.sequence for e in uow.published()] == [1, 2, 3, 4, 5, 6]
    [escalated] = uow.published("consultation.escalated")
    assert escalated.data["escalated_to"] == "eng-1"
    assert escalated.data["escalated_by"] == "agent-1"
    [answered] = uow.published("consultation.answered")
    assert answered.data == {
        "ticket_id": str(ticket_id),
        "region": "east",
        "topic": "installation_commissioning",
        "priority": "normal",
        "answered_by": "eng-1",
        "answered_at": "2026-12-02T07:30:00+00:00",
        "asked_at": "2026-12-02T02:00:00+00:00",
        "response_due_at": "2026-12-02T07:30:00+00:00",
        "within_deadline": True,
        "escalated": True,
    }
    [rating] = uow.published("consultation.rated")
    assert (rating.data["source"], rating.data["rating"]) == ("consultation", 5)
    assert rating.data["answered_by"] == "eng-1"
    kinds = [e.kind for e in rated.timeline]
    assert kinds == [
        "reported",
        "consultation_escalated",
        "consultation_answered",
        "resolved",
        "closed",
        "answer_rated",
    ]


def test_any_engineer_or_an_admin_answers_when_none_was_named(uow: FakeIntakeUnitOfWork) -> None:
    first, second = asked(uow), asked(uow)
    escalate(uow, first)
    escalate(uow, second, engineer="eng-9")
    assert answer(uow, first, by=OTHER_ENGINEER).status == "closed"
    assert answer(uow, second, by=ADMIN).status == "closed"


def test_an_answer_a_second_after_the_deadline_is_late(uow: FakeIntakeUnitOfWork) -> None:
    ticket_id = asked(uow)
    ticket = answer(uow, ticket_id, answered_at=None)
    uow2 = FakeIntakeUnitOfWork(PUBLISHES, clock=FixedClock(DUE + dt.timedelta(seconds=1)))
    late_id = asked(uow2, reported_at=NOW)
    late = answer(uow2, late_id)
    assert ticket.consultation is not None and ticket.consultation.response_met(DUE) is True
    assert late.consultation is not None and late.consultation.response_met(DUE) is False
    [answered] = uow2.published("consultation.answered")
    assert (answered.data["within_deadline"], answered.data["escalated"]) == (False, False)


def test_each_step_only_once_and_in_order(uow: FakeIntakeUnitOfWork) -> None:
    ticket_id = asked(uow)
    with pytest.raises(Conflict) as unanswered:
        rate(uow, ticket_id)
    assert unanswered.value.errors == {"status": ["is new"]}
    escalate(uow, ticket_id)
    with pytest.raises(Conflict):
        escalate(uow, ticket_id)
    answer(uow, ticket_id, by=ENGINEER)
    with pytest.raises(Conflict) as twice:
        answer(uow, ticket_id, by=ENGINEER)
    assert twice.value.errors == {"status": ["is closed"]}
    with pytest.raises(Conflict):
        escalate(uow, ticket_id)
    rate(uow, ticket_id)
    events = len(uow.published())
    with pytest.raises(Conflict) as rated_twice:
        rate(uow, ticket_id, rating=1)
    assert rated_twice.value.errors == {"rating": ["already recorded: 4"]}
    assert len(uow.published()) == events


def test_resolving_a_consultation_answers_it(uow: FakeIntakeUnitOfWork) -> None:
    ticket_id = asked(uow)
    ticket = use_cases.resolve_ticket(
        uow, ticket_id=ticket_id, resolution_in={"resolution": "24 hours"}, by=AGENT
    )
    assert ticket.consultation is not None and ticket.consultation.answer == "24 hours"
    [answered] = uow.published("consultation.answered")
    assert answered.data["answered_by"] == "agent-1"


def test_a_consultation_registered_before_topics_gets_its_record_when_answered(
    uow: FakeIntakeUnitOfWork,
) -> None:
    ticket_id = asked(uow)
    ticket = uow.tickets.get(ticket_id)
    assert ticket is not None
    ticket.consultation = None  # as a row from before intake_0004 loads
    answered = answer(uow, ticket_id)
    assert answered.consultation is not None and answered.consultation.topic is None
    # By priority: normal is 8 business hours from Wed 10:00: 2h to 12:00, 4h from 13:30
    # to 17:30, and Thu 08:30-10:30 Shanghai (02:30 UTC).
    expected = dt.datetime(2026, 12, 3, 2, 30, tzinfo=dt.UTC)
    assert answered.consultation.response_due_at == expected
    assert uow.published("consultation.answered")[0].data["topic"] is None
