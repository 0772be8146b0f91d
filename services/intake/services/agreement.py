"""The assessment-agreement loop: an engineer proposes, the customer answers, and a ticket
that needs no visit is resolved here."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from services.intake.lifecycle import (
    ANSWERABLE,
    ASSESSABLE,
    ASSESSED,
    AWAITING_REASSESSMENT,
    AWAITING_REPAIR,
    CLOSED,
    require_resolvable,
    require_status,
)
from services.intake.models import Assessment, Ticket
from services.intake.services.registration import complete_legacy_ticket
from services.intake.services.steps import (
    close,
    current_round,
    finish,
    note,
    publish,
    step_time,
    ticket_for_update,
    warranty_of,
)
from shared.auth import Principal
from shared.db import UnitOfWork

CENTS = Decimal("0.01")


def assess_ticket(
    uow: UnitOfWork, *, ticket_id: uuid.UUID, assessment_in: dict[str, Any], by: Principal
) -> Ticket:
    """Record an engineer's assessment as the ticket's next round (``ticket.assessed``)."""
    ticket = ticket_for_update(uow, ticket_id, by=by)
    require_status(ticket, ASSESSABLE, "an assessment")
    complete_legacy_ticket(uow, ticket)
    at = step_time(uow, ticket, assessment_in.get("assessed_at"), "assessed_at")
    previous = current_round(uow, ticket)
    assessment = Assessment(
        ticket_id=ticket.id,
        round=previous.round + 1 if previous else 1,
        nature=assessment_in["nature"],
        severity=assessment_in["severity"],
        diagnosis=assessment_in["diagnosis"],
        proposed_solution=assessment_in["proposed_solution"],
        visit_needed=assessment_in["visit_needed"],
        required_skill=assessment_in.get("required_skill"),
        estimated_hours=assessment_in["estimated_hours"].quantize(CENTS),
        parts_likely=list(assessment_in["parts_likely"]),
        assessed_by=by.sub,
        assessed_at=at,
    )
    uow.session.add(assessment)
    if ticket.first_responded_at is None:
        ticket.first_responded_at = at
    ticket.status = ASSESSED
    note(
        uow,
        ticket,
        "assessed",
        at=at,
        actor=by.sub,
        details={
            "round": assessment.round,
            "nature": assessment.nature,
            "severity": assessment.severity,
            "visit_needed": assessment.visit_needed,
        },
    )
    publish(
        uow,
        ticket,
        "ticket.assessed",
        {
            "round": assessment.round,
            "nature": assessment.nature,
            "severity": assessment.severity,
            "visit_needed": assessment.visit_needed,
            "required_skill": assessment.required_skill,
            "estimated_hours": assessment.estimated_hours,
            "parts_likely": assessment.parts_likely,
            "assessed_by": assessment.assessed_by,
            "assessed_at": at,
            "first_response_due_at": ticket.first_response_due_at,
            "first_response": assessment.round == 1,
        },
    )
    return finish(uow, ticket)


def record_solution_response(
    uow: UnitOfWork, *, ticket_id: uuid.UUID, response_in: dict[str, Any], by: Principal
) -> Ticket:
    """Record the customer's answer to the proposed solution: accepted, the work goes to
    dispatch (or the ticket is resolved when no visit is needed); rejected, back to
    assessment with the objection kept."""
    ticket = ticket_for_update(uow, ticket_id, by=by)
    require_status(ticket, ANSWERABLE, "a solution response")
    proposal = current_round(uow, ticket)
    assert proposal is not None, "an assessed ticket has a round"
    at = step_time(uow, ticket, response_in.get("answered_at"), "answered_at")
    proposal.accepted = response_in["accepted"]
    proposal.answered_by, proposal.answered_at = by.sub, at
    if not proposal.accepted:
        proposal.objection = response_in["objection"]
        ticket.status = AWAITING_REASSESSMENT
        note(
            uow,
            ticket,
            "solution_rejected",
            at=at,
            actor=by.sub,
            details={"round": proposal.round, "objection": proposal.objection},
        )
        publish(
            uow,
            ticket,
            "ticket.solution_rejected",
            {"round": proposal.round, "objection": proposal.objection, "rejected_at": at},
        )
        return finish(uow, ticket)
    note(
        uow,
        ticket,
        "solution_accepted",
        at=at,
        actor=by.sub,
        details={"round": proposal.round, "visit_needed": proposal.visit_needed},
    )
    if proposal.visit_needed:
        ticket.status = AWAITING_REPAIR
        publish(uow, ticket, "ticket.solution_accepted", _accepted_payload(ticket, proposal))
    else:
        # Nothing for dispatch to do: the accepted solution is the resolution.
        _resolve(uow, ticket, resolution=proposal.proposed_solution, at=at, actor=by.sub)
    return finish(uow, ticket)


def resolve_ticket(
    uow: UnitOfWork, *, ticket_id: uuid.UUID, resolution_in: dict[str, Any], by: Principal
) -> Ticket:
    """Resolve and close a consultation, or a ticket whose solution needs no visit."""
    ticket = ticket_for_update(uow, ticket_id, by=by)
    require_resolvable(ticket, current_round(uow, ticket))
    complete_legacy_ticket(uow, ticket)
    at = step_time(uow, ticket, resolution_in.get("resolved_at"), "resolved_at")
    _resolve(uow, ticket, resolution=resolution_in["resolution"], at=at, actor=by.sub)
    return finish(uow, ticket)


def _resolve(
    uow: UnitOfWork, ticket: Ticket, *, resolution: str, at: dt.datetime, actor: str
) -> None:
    first_response = ticket.first_responded_at is None
    if first_response:
        ticket.first_responded_at = at
    ticket.resolution, ticket.resolved_at = resolution, at
    note(uow, ticket, "resolved", at=at, actor=actor, details={"resolution": resolution})
    publish(
        uow,
        ticket,
        "ticket.resolved",
        {
            "resolution": resolution,
            "resolved_at": at,
            "ticket_created_at": ticket.reported_at,
            "first_response": first_response,
            "first_response_due_at": ticket.first_response_due_at,
        },
    )
    note(uow, ticket, "closed", at=at, actor=actor, details={"reason": "resolved"})
    close(uow, ticket, status=CLOSED, reason="resolved", at=at)


def _accepted_payload(ticket: Ticket, proposal: Assessment) -> dict[str, Any]:
    return {
        "round": proposal.round,
        "kind": ticket.kind,
        "priority": ticket.priority,
        "nature": proposal.nature,
        "severity": proposal.severity,
        "visit_needed": proposal.visit_needed,
        "required_skill": proposal.required_skill,
        "estimated_hours": proposal.estimated_hours,
        "parts_likely": proposal.parts_likely,
        "product_model": ticket.product_model,
        "serial_no": ticket.serial_no,
        "warranty": warranty_of(ticket),
        "customer_name": ticket.customer_name,
        "customer_phone": ticket.customer_phone,
        "ticket_created_at": ticket.reported_at,
        "accepted_at": proposal.answered_at,
    }
