"""Consultation use cases: the response deadline kept at registration, escalation to an
engineer, the answer (which resolves the consultation), and the customer's rating of it."""

from __future__ import annotations

import uuid
from typing import Any

from services.intake import domain
from services.intake.models import Ticket
from services.intake.models import consultation as steps
from services.intake.repositories import IntakeUnitOfWork
from services.intake.use_cases.common import ticket_for_step
from shared.auth import Principal


def open_consultation(uow: IntakeUnitOfWork, ticket: Ticket, *, topic: str | None) -> None:
    """Keep a consultation's topic and its response deadline (business hours by topic and
    priority on the region's calendar, from when the customer asked)."""
    due = domain.consultation_response_due(
        uow.calendar(ticket.region),
        policy=uow.response_policy(),
        topic=topic,
        priority=ticket.priority,
        asked_at=ticket.reported_at,
    )
    steps.open_for(ticket, topic=topic, due=due)


def _consultation_ticket(uow: IntakeUnitOfWork, ticket_id: uuid.UUID, by: Principal) -> Ticket:
    ticket = ticket_for_step(uow, ticket_id, by=by)
    _complete_legacy_consultation(uow, ticket)
    return ticket


def _complete_legacy_consultation(uow: IntakeUnitOfWork, ticket: Ticket) -> None:
    """A consultation registered before intake kept topics gets its record now (no topic,
    the deadline by priority)."""
    if ticket.kind == "consultation" and ticket.consultation is None:
        open_consultation(uow, ticket, topic=None)


def escalate_consultation(
    uow: IntakeUnitOfWork, *, ticket_id: uuid.UUID, escalation_in: dict[str, Any], by: Principal
) -> Ticket:
    """Hand a consultation the agent cannot answer to an engineer (``consultation.escalated``)."""
    ticket = _consultation_ticket(uow, ticket_id, by)
    now = uow.clock.now()
    at = ticket.step_time(escalation_in.get("escalated_at"), now=now, field="escalated_at")
    steps.escalate(
        ticket,
        engineer=escalation_in.get("engineer"),
        reason=escalation_in["reason"],
        at=at,
        by=by.sub,
    )
    uow.commit()
    return ticket


def answer_consultation(
    uow: IntakeUnitOfWork, *, ticket_id: uuid.UUID, answer_in: dict[str, Any], by: Principal
) -> Ticket:
    """Record the answer and resolve the consultation (``consultation.answered``)."""
    ticket = _consultation_ticket(uow, ticket_id, by)
    return answer_ticket(uow, ticket, answer_in=answer_in, by=by, field="answered_at")


def answer_ticket(
    uow: IntakeUnitOfWork,
    ticket: Ticket,
    *,
    answer_in: dict[str, Any],
    by: Principal,
    field: str,
) -> Ticket:
    """Answer a loaded consultation (resolving one is answering it); ``field`` names the
    time the client gave."""
    _complete_legacy_consultation(uow, ticket)
    at = ticket.step_time(answer_in.get(field), now=uow.clock.now(), field=field)
    steps.answer(
        ticket,
        answer=answer_in["answer"],
        documents=[_document(document) for document in answer_in.get("documents", [])],
        at=at,
        by=by.sub,
        roles=by.roles,
    )
    uow.commit()
    return ticket


def _document(document: dict[str, Any]) -> dict[str, Any]:
    """A document reference as kept: every field, null when not given."""
    return {name: document.get(name) for name in ("title", "url", "document_id", "checksum")}


def rate_answer(
    uow: IntakeUnitOfWork, *, ticket_id: uuid.UUID, rating_in: dict[str, Any], by: Principal
) -> Ticket:
    """Record the customer's rating of the answer, once (``consultation.rated``)."""
    ticket = _consultation_ticket(uow, ticket_id, by)
    at = ticket.step_time(rating_in.get("rated_at"), now=uow.clock.now(), field="rated_at")
    steps.rate(ticket, rating=rating_in["rating"], remark=rating_in.get("remark"), at=at, by=by.sub)
    uow.commit()
    return ticket
