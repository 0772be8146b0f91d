"""Intake's REST API: thin routes over the use cases and queries."""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for

from services.intake import queries, use_cases
from services.intake.repositories import IntakeUnitOfWork
from services.intake.schemas import (
    AnswerCreate,
    AnswerRatingCreate,
    AssessmentCreate,
    EscalationCreate,
    ResolutionCreate,
    SolutionResponseCreate,
    TicketCreate,
    TicketQueryArgs,
    TicketRead,
    TicketSummaryRead,
    TimelineEntryRead,
)
from shared.domain import Page, Window
from shared.web import Blueprint, ProblemSchema, principal, runtime, session, unit_of_work

blp = Blueprint(
    "tickets", __name__, url_prefix="/tickets", description="Customer reports and consultations"
)
READERS = ("agent", "engineer", "manager", "admin")
NOT_FOUND = {"schema": ProblemSchema, "description": "No such ticket (or not in your region)"}
CONFLICT = {"schema": ProblemSchema, "description": "The ticket's status forbids this step"}
NOT_A_CONSULTATION = {
    "schema": ProblemSchema,
    "description": "Not a consultation, or its status forbids this step",
}


def uow() -> IntakeUnitOfWork:
    """This request's unit of work."""
    return unit_of_work(IntakeUnitOfWork)


@blp.route("", methods=["POST"])
@blp.requires("agent", "manager", "admin")
@blp.idempotent
@blp.arguments(TicketCreate)
@blp.response(201, TicketRead)
def create_ticket(ticket_in: dict[str, Any]) -> Any:
    """Register a ticket from a hotline call, email, chat, web form or partner."""
    ticket = use_cases.register_ticket(uow(), ticket_in=ticket_in, by=principal())
    return ticket, 201, {"Location": url_for("tickets.get_ticket", ticket_id=ticket.id)}


@blp.route("", methods=["GET"])
@blp.requires(*READERS)
@blp.arguments(TicketQueryArgs, location="query")
@blp.response(200, TicketSummaryRead(many=True))
@blp.paginated()
def list_tickets(filters: dict[str, Any], window: Window) -> Page[Any]:
    """List tickets, newest first; filter by region, status, kind, channel, time range and
    overdue first response."""
    now = runtime().clock.now()
    return queries.list_tickets(
        session(), filters=filters, viewer=principal(), now=now, window=window
    )


@blp.route("/<uuid:ticket_id>", methods=["GET"])
@blp.requires(*READERS)
@blp.response(200, TicketRead)
@blp.alt_response(404, **NOT_FOUND)
def get_ticket(ticket_id: uuid.UUID) -> Any:
    """One ticket with its warranty, first-response deadline, assessments and timeline."""
    return queries.get_ticket(session(), ticket_id, viewer=principal())


@blp.route("/<uuid:ticket_id>/timeline", methods=["GET"])
@blp.requires(*READERS)
@blp.response(200, TimelineEntryRead(many=True))
@blp.alt_response(404, **NOT_FOUND)
@blp.paginated(page_size=50)
def get_timeline(ticket_id: uuid.UUID, window: Window) -> Page[Any]:
    """A ticket's timeline, oldest step first."""
    return queries.list_timeline(session(), ticket_id, viewer=principal(), window=window)


@blp.route("/<uuid:ticket_id>/assessment", methods=["POST"])
@blp.requires("engineer", "admin")
@blp.idempotent
@blp.arguments(AssessmentCreate)
@blp.response(201, TicketRead)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, **CONFLICT)
def assess_ticket(assessment_in: dict[str, Any], ticket_id: uuid.UUID) -> Any:
    """Record an engineer's assessment and proposed solution (the next round)."""
    ticket = use_cases.assess_ticket(
        uow(), ticket_id=ticket_id, assessment_in=assessment_in, by=principal()
    )
    return ticket, 201, {"Location": url_for("tickets.get_ticket", ticket_id=ticket.id)}


@blp.route("/<uuid:ticket_id>/solution-response", methods=["POST"])
@blp.requires("agent", "manager", "admin")
@blp.idempotent
@blp.arguments(SolutionResponseCreate)
@blp.response(200, TicketRead)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, **CONFLICT)
def respond_to_solution(response_in: dict[str, Any], ticket_id: uuid.UUID) -> Any:
    """Record whether the customer accepts the proposed solution (an objection if not)."""
    return use_cases.record_solution_response(
        uow(), ticket_id=ticket_id, response_in=response_in, by=principal()
    )


@blp.route("/<uuid:ticket_id>/resolve", methods=["POST"])
@blp.requires("agent", "engineer", "manager", "admin")
@blp.idempotent
@blp.arguments(ResolutionCreate)
@blp.response(200, TicketRead)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, **CONFLICT)
def resolve_ticket(resolution_in: dict[str, Any], ticket_id: uuid.UUID) -> Any:
    """Resolve and close a consultation (that is answering it: see /answer), or a ticket
    whose solution needs no visit."""
    return use_cases.resolve_ticket(
        uow(), ticket_id=ticket_id, resolution_in=resolution_in, by=principal()
    )


@blp.route("/<uuid:ticket_id>/escalation", methods=["POST"])
@blp.requires("agent", "manager", "admin")
@blp.idempotent
@blp.arguments(EscalationCreate)
@blp.response(200, TicketRead)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, **NOT_A_CONSULTATION)
def escalate_consultation(escalation_in: dict[str, Any], ticket_id: uuid.UUID) -> Any:
    """Escalate a consultation the agent cannot answer to an engineer (optionally named),
    with the reason; only before it is answered, once."""
    return use_cases.escalate_consultation(
        uow(), ticket_id=ticket_id, escalation_in=escalation_in, by=principal()
    )


@blp.route("/<uuid:ticket_id>/answer", methods=["POST"])
@blp.requires("agent", "engineer", "admin")
@blp.idempotent
@blp.arguments(AnswerCreate)
@blp.response(200, TicketRead)
@blp.alt_response(403, schema=ProblemSchema, description="Escalated: an engineer answers")
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, **NOT_A_CONSULTATION)
def answer_consultation(answer_in: dict[str, Any], ticket_id: uuid.UUID) -> Any:
    """Answer a consultation, with the documents it refers to, and so resolve it (once).
    Escalated, an engineer answers it (the one named, if any). Judged against its response
    deadline."""
    return use_cases.answer_consultation(
        uow(), ticket_id=ticket_id, answer_in=answer_in, by=principal()
    )


@blp.route("/<uuid:ticket_id>/answer-rating", methods=["POST"])
@blp.requires("agent", "manager", "admin")
@blp.idempotent
@blp.arguments(AnswerRatingCreate)
@blp.response(200, TicketRead)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, **NOT_A_CONSULTATION)
def rate_answer(rating_in: dict[str, Any], ticket_id: uuid.UUID) -> Any:
    """Record the customer's rating of a consultation's answer (1-5, once, after it)."""
    return use_cases.rate_answer(uow(), ticket_id=ticket_id, rating_in=rating_in, by=principal())
