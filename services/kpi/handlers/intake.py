"""What kpi reads of intake's events: report times, first responses, closings; a
consultation's response deadline and answer, and the customer's rating of the answer."""

from __future__ import annotations

from marshmallow import fields

from services.kpi.domain.channels import ConsultationFacts
from services.kpi.domain.facts import TicketFacts
from services.kpi.handlers.common import RATING, Registration, stage_rating, time_field
from services.kpi.repositories import KpiBatch
from shared.events import Delivery, InboundSchema


class TicketCreatedIn(InboundSchema):
    ticket_id = fields.UUID(required=True)
    reported_at = time_field(required=True)
    first_response_due_at = time_field(required=True)


class TicketAssessedIn(InboundSchema):
    ticket_id = fields.UUID(required=True)
    assessed_at = time_field(required=True)
    first_response_due_at = time_field(required=True)


class TicketSolutionAcceptedIn(InboundSchema):
    ticket_id = fields.UUID(required=True)
    ticket_created_at = time_field(required=True)


class TicketResolvedIn(InboundSchema):
    ticket_id = fields.UUID(required=True)
    resolved_at = time_field(required=True)
    ticket_created_at = time_field(required=True)


class TicketClosedIn(InboundSchema):
    ticket_id = fields.UUID(required=True)
    closed_at = time_field(required=True)
    ticket_created_at = time_field(required=True)


class ConsultationIn(InboundSchema):
    """What every consultation event says: the consultation and its response deadline."""

    ticket_id = fields.UUID(required=True)
    response_due_at = time_field(required=True)


class ConsultationEscalatedIn(ConsultationIn):
    pass


class ConsultationAnsweredIn(ConsultationIn):
    answered_at = time_field(required=True)


class ConsultationRatedIn(InboundSchema):
    ticket_id = fields.UUID(required=True)
    rating = fields.Integer(required=True, validate=RATING)
    rated_at = time_field(required=True)


def _ticket(delivery: Delivery, batch: KpiBatch) -> tuple[str, str]:
    ticket, region = str(delivery.payload["ticket_id"]), delivery.event.region
    batch.tickets.stage(ticket, region, TicketFacts.add_region, region)
    return ticket, region


def on_ticket_created(delivery: Delivery, batch: KpiBatch) -> None:
    """A reported ticket: open backlog, first-response deadline, report time."""
    ticket, region = _ticket(delivery, batch)
    p = delivery.payload
    batch.tickets.stage(
        ticket, region, TicketFacts.add_created, p["reported_at"], p["first_response_due_at"]
    )


def on_ticket_assessed(delivery: Delivery, batch: KpiBatch) -> None:
    """An assessment: a response to the customer."""
    ticket, region = _ticket(delivery, batch)
    p = delivery.payload
    batch.tickets.stage(ticket, region, TicketFacts.add_due, p["first_response_due_at"])
    batch.tickets.stage(ticket, region, TicketFacts.add_response, p["assessed_at"])


def on_ticket_solution_accepted(delivery: Delivery, batch: KpiBatch) -> None:
    """Carries the ticket's report time."""
    ticket, region = _ticket(delivery, batch)
    created_at = delivery.payload["ticket_created_at"]
    batch.tickets.stage(ticket, region, TicketFacts.add_created_at, created_at)


def on_ticket_resolved(delivery: Delivery, batch: KpiBatch) -> None:
    """A resolution without a visit: a response to the customer."""
    ticket, region = _ticket(delivery, batch)
    p = delivery.payload
    batch.tickets.stage(ticket, region, TicketFacts.add_created_at, p["ticket_created_at"])
    batch.tickets.stage(ticket, region, TicketFacts.add_response, p["resolved_at"])


def on_ticket_closed(delivery: Delivery, batch: KpiBatch) -> None:
    """The ticket leaves the backlog."""
    ticket, region = _ticket(delivery, batch)
    p = delivery.payload
    batch.tickets.stage(ticket, region, TicketFacts.add_created_at, p["ticket_created_at"])
    batch.tickets.stage(ticket, region, TicketFacts.add_closing, p["closed_at"])


def _consultation(delivery: Delivery, batch: KpiBatch) -> tuple[str, str]:
    p, region = delivery.payload, delivery.event.region
    ticket = str(p["ticket_id"])
    due = p["response_due_at"]
    batch.consultations.stage(ticket, region, ConsultationFacts.add_deadline, region, due)
    return ticket, region


def on_consultation_escalated(delivery: Delivery, batch: KpiBatch) -> None:
    """Only the deadline matters to kpi."""
    _consultation(delivery, batch)


def on_consultation_answered(delivery: Delivery, batch: KpiBatch) -> None:
    """The answer, judged against the response deadline."""
    ticket, region = _consultation(delivery, batch)
    answered_at = delivery.payload["answered_at"]
    batch.consultations.stage(ticket, region, ConsultationFacts.add_answer, answered_at)


def on_consultation_rated(delivery: Delivery, batch: KpiBatch) -> None:
    """The customer's rating of the answer (satisfaction, source ``consultation``; no
    technician: the answer is an agent's or engineer's, not a dispatch technician's)."""
    p = delivery.payload
    key = f"consultation/{p['ticket_id']}"
    stage_rating(batch, key, delivery.event.region, p["rating"], p["rated_at"])


HANDLERS: tuple[Registration, ...] = (
    ("ticket.created", TicketCreatedIn, on_ticket_created),
    ("ticket.assessed", TicketAssessedIn, on_ticket_assessed),
    ("ticket.solution_accepted", TicketSolutionAcceptedIn, on_ticket_solution_accepted),
    ("ticket.resolved", TicketResolvedIn, on_ticket_resolved),
    ("ticket.closed", TicketClosedIn, on_ticket_closed),
    ("consultation.escalated", ConsultationEscalatedIn, on_consultation_escalated),
    ("consultation.answered", ConsultationAnsweredIn, on_consultation_answered),
    ("consultation.rated", ConsultationRatedIn, on_consultation_rated),
)
