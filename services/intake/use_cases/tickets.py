"""Ticket use cases: registering tickets, the assessment-agreement loop, closing on what
dispatch reports. Each loads through the unit of work, lets the ticket decide and record,
and commits."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from decimal import Decimal
from typing import Any

from services.intake import domain
from services.intake.models import Assessment, Ticket
from services.intake.repositories import IntakeUnitOfWork
from services.intake.use_cases.common import ticket_for_step as _ticket_for_step
from services.intake.use_cases.consultations import answer_ticket, open_consultation
from shared.auth import Principal
from shared.domain import require_region

log = logging.getLogger(__name__)
CENTS = Decimal("0.01")


def register_ticket(uow: IntakeUnitOfWork, *, ticket_in: dict[str, Any], by: Principal) -> Ticket:
    """Record a customer's report and announce it with ``ticket.created``."""
    require_region(by, ticket_in["region"])
    customer, product = ticket_in["customer"], ticket_in["product"]
    values = {
        "channel": ticket_in["channel"],
        "kind": ticket_in["kind"],
        "priority": ticket_in["priority"],
        "region": ticket_in["region"],
        "customer_name": customer["name"],
        "customer_phone": customer.get("phone"),
        "customer_email": customer.get("email"),
        "customer_language": customer.get("language"),
        "product_model": product["model"],
        "serial_no": product.get("serial_no"),
        "purchase_date": product.get("purchase_date"),
        "installation_date": product.get("installation_date"),
        "symptom": ticket_in["symptom"],
        "usage_environment": ticket_in.get("usage_environment"),
        "preferred_time": ticket_in.get("preferred_time"),
    } | _site_columns(ticket_in.get("site"))
    ticket = _open_ticket(uow, values, reported_at=ticket_in.get("reported_at"), actor=by.sub)
    if ticket.kind == "consultation":
        open_consultation(uow, ticket, topic=ticket_in["topic"])
    uow.commit()
    return ticket


def _site_columns(site: dict[str, Any] | None) -> dict[str, Any]:
    site = site or {}
    return {
        "site_address": site.get("address"),
        "site_contact_name": site.get("contact_name"),
        "site_contact_phone": site.get("contact_phone"),
        "site_latitude": site.get("latitude"),
        "site_longitude": site.get("longitude"),
    }


def open_ticket_from_issue(
    uow: IntakeUnitOfWork, *, event_id: uuid.UUID, region: str, issue: dict[str, Any], actor: str
) -> Ticket:
    """Open a ``maintenance_issue`` ticket for a problem a maintenance found, once per event."""
    existing = uow.tickets.by_source_event(str(event_id))
    if existing is not None:
        return existing
    values = {
        "channel": "maintenance",
        "kind": "maintenance_issue",
        # A hazard comes as high priority: its first-response deadline is the shorter one.
        "priority": issue.get("priority") or "normal",
        "region": region,
        "customer_name": issue["customer_name"],
        "customer_phone": issue.get("customer_phone"),
        "product_model": issue["product_model"],
        "serial_no": issue.get("serial_no"),
        "symptom": issue["description"],
        "usage_environment": issue.get("environment"),
        "source_event_id": str(event_id),
    }
    # A finding stamped a little ahead of our clock is taken as now.
    reported_at = min(issue["found_at"], uow.clock.now())
    ticket = _open_ticket(uow, values, reported_at=reported_at, actor=actor)
    uow.commit()
    return ticket


def assess_ticket(
    uow: IntakeUnitOfWork, *, ticket_id: uuid.UUID, assessment_in: dict[str, Any], by: Principal
) -> Ticket:
    """Record an engineer's assessment as the ticket's next round (``ticket.assessed``)."""
    ticket = _ticket_for_step(uow, ticket_id, by=by)
    domain.require_step(ticket.id, ticket.status, domain.ASSESSABLE, "an assessment")
    _complete_legacy_ticket(uow, ticket)
    now = uow.clock.now()
    at = ticket.step_time(assessment_in.get("assessed_at"), now=now, field="assessed_at")
    assessment = Assessment(
        id=uuid.uuid4(),
        nature=assessment_in["nature"],
        severity=assessment_in["severity"],
        diagnosis=assessment_in["diagnosis"],
        proposed_solution=assessment_in["proposed_solution"],
        visit_needed=assessment_in["visit_needed"],
        required_skill=assessment_in.get("required_skill"),
        estimated_hours=assessment_in["estimated_hours"].quantize(CENTS),
        parts_likely=list(assessment_in["parts_likely"]),
        tools=list(assessment_in.get("tools", [])),
        assessed_by=by.sub,
        assessed_at=at,
    )
    ticket.assess(assessment, at=at)
    uow.commit()
    return ticket


def record_solution_response(
    uow: IntakeUnitOfWork, *, ticket_id: uuid.UUID, response_in: dict[str, Any], by: Principal
) -> Ticket:
    """Record the customer's answer to the proposed solution (accepted, or rejected with
    the objection kept)."""
    ticket = _ticket_for_step(uow, ticket_id, by=by)
    domain.require_step(ticket.id, ticket.status, domain.ANSWERABLE, "a solution response")
    at = ticket.step_time(response_in.get("answered_at"), now=uow.clock.now(), field="answered_at")
    accepted = response_in["accepted"]
    objection = None if accepted else response_in["objection"]
    ticket.answer(accepted=accepted, objection=objection, at=at, by=by.sub)
    uow.commit()
    return ticket


def resolve_ticket(
    uow: IntakeUnitOfWork, *, ticket_id: uuid.UUID, resolution_in: dict[str, Any], by: Principal
) -> Ticket:
    """Resolve and close a consultation (answering it), or a ticket whose solution needs
    no visit."""
    ticket = _ticket_for_step(uow, ticket_id, by=by)
    _complete_legacy_ticket(uow, ticket)
    if ticket.kind == "consultation":
        answer_in = {"answer": resolution_in["resolution"], **resolution_in}
        return answer_ticket(uow, ticket, answer_in=answer_in, by=by, field="resolved_at")
    ticket.require_resolvable()
    now = uow.clock.now()
    at = ticket.step_time(resolution_in.get("resolved_at"), now=now, field="resolved_at")
    ticket.resolve(resolution_in["resolution"], at=at, actor=by.sub)
    uow.commit()
    return ticket


def close_ticket_after_repair(
    uow: IntakeUnitOfWork,
    *,
    ticket_id: uuid.UUID,
    work_order_id: uuid.UUID,
    accepted_at: dt.datetime,
    actor: str,
) -> Ticket | None:
    """Close the ticket whose repair the customer accepted (``ticket.closed``); a ticket
    unknown here or already closed is left as it is (late or redelivered events)."""
    ticket = _open_ticket_for(uow, ticket_id, "repair.accepted")
    if ticket is None:
        return None
    details = {"reason": "repair_accepted", "work_order_id": str(work_order_id)}
    ticket.note("closed", at=accepted_at, actor=actor, details=details)
    ticket.close(
        status=domain.CLOSED, reason="repair_accepted", at=accepted_at, work_order_id=work_order_id
    )
    uow.commit()
    return ticket


def escalate_ticket(
    uow: IntakeUnitOfWork,
    *,
    ticket_id: uuid.UUID,
    work_order_id: uuid.UUID,
    escalated_to: str,
    escalated_at: dt.datetime,
    actor: str,
) -> Ticket | None:
    """Close the ticket whose repair dispatch escalated to a replacement or a return."""
    ticket = _open_ticket_for(uow, ticket_id, "repair.escalated")
    if ticket is None:
        return None
    details = {"escalated_to": escalated_to, "work_order_id": str(work_order_id)}
    ticket.note("escalated", at=escalated_at, actor=actor, details=details)
    ticket.close(
        status=domain.ESCALATED, reason="escalated", at=escalated_at, work_order_id=work_order_id
    )
    uow.commit()
    return ticket


def _open_ticket_for(uow: IntakeUnitOfWork, ticket_id: uuid.UUID, event: str) -> Ticket | None:
    ticket = uow.tickets.get(ticket_id, for_update=True)
    if ticket is None:
        log.info("%s for unknown ticket %s ignored", event, ticket_id)
        return None
    if ticket.closed_at is not None:
        log.info("%s for ticket %s ignored: already %s", event, ticket_id, ticket.status)
        return None
    return ticket


def _warranty(uow: IntakeUnitOfWork, ticket: Ticket) -> domain.WarrantyStatus:
    return domain.warranty_on(
        model=ticket.product_model,
        purchase_date=ticket.purchase_date,
        reported_on=ticket.reported_at.astimezone(uow.calendar(ticket.region).tz).date(),
        policy=uow.warranty_policy(),
    )


def _first_response_due(uow: IntakeUnitOfWork, ticket: Ticket) -> dt.datetime:
    calendar = uow.calendar(ticket.region)
    return domain.first_response_due(
        calendar, priority=ticket.priority, reported_at=ticket.reported_at
    )


def _open_ticket(
    uow: IntakeUnitOfWork, values: dict[str, Any], *, reported_at: dt.datetime | None, actor: str
) -> Ticket:
    now = uow.clock.now()
    ticket = Ticket(
        id=uuid.uuid4(),
        **values,
        status=domain.NEW,
        reported_at=reported_at or now,
        created_at=now,
        created_by=actor,
        version=0,
        assessments=[],
        timeline=[],
        consultation=None,  # known, so the response reads no row after the commit
    )
    ticket.set_warranty(_warranty(uow, ticket))
    ticket.first_response_due_at = _first_response_due(uow, ticket)
    uow.tickets.add(ticket)
    ticket.announce(actor=actor)
    return ticket


def _complete_legacy_ticket(uow: IntakeUnitOfWork, ticket: Ticket) -> None:
    """Decide warranty and first-response deadline for a ticket registered before intake
    kept them (all such tickets are still new)."""
    if ticket.warranty_status is None:
        ticket.set_warranty(_warranty(uow, ticket))
    if ticket.first_response_due_at is None:
        ticket.first_response_due_at = _first_response_due(uow, ticket)
