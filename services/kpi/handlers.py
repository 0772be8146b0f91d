"""kpi consumes every event: it archives and counts each one, and stages the facts the KPI
definitions judge. Handlers only stage on the batch; ``KpiBatch.flush`` writes."""

from __future__ import annotations

from typing import Any

from services.kpi import events as inbound
from services.kpi.batch import KpiBatch
from services.kpi.facts import (
    ComplaintFacts,
    RatingFacts,
    TicketFacts,
    VisitFacts,
    WorkOrderFacts,
)
from shared.clock import rfc3339
from shared.events import Delivery, Subscriptions

SUBSCRIPTIONS = Subscriptions("kpi", batch=KpiBatch)


def _id(value: Any) -> str | None:
    return str(value) if value is not None else None


def _visit(delivery: Delivery, batch: KpiBatch) -> tuple[str, int, str, str]:
    """Stage what every visit event says of its work order; (work order, visit, technician,
    region)."""
    p, region = delivery.payload, delivery.event.region
    order = str(p["work_order_id"])
    ticket = _id(p["ticket_id"])
    batch.work_orders.stage(
        order, region, WorkOrderFacts.add_visit_event, region, p["kind"], ticket
    )
    batch.link_ticket(ticket)
    return order, p["visit_number"], str(p["technician_id"]), region


@SUBSCRIPTIONS.on_any
def on_any_event(delivery: Delivery, batch: KpiBatch) -> None:
    """Archive and count every event."""
    batch.record_event(delivery.event)


@SUBSCRIPTIONS.on("repair.scheduled", schema=inbound.RepairScheduledIn)
def on_repair_scheduled(delivery: Delivery, batch: KpiBatch) -> None:
    """A booked visit opens its work order (repeat flag, opening technician)."""
    order, _, technician, region = _visit(delivery, batch)
    p = delivery.payload
    batch.work_orders.stage(
        order,
        region,
        WorkOrderFacts.add_schedule,
        p["scheduled_at"],
        technician,
        _id(p["repeat_of"]),
    )


@SUBSCRIPTIONS.on("technician.arrived", schema=inbound.TechnicianArrivedIn)
def on_technician_arrived(delivery: Delivery, batch: KpiBatch) -> None:
    """A check-in, with the window end it is judged by."""
    order, number, technician, region = _visit(delivery, batch)
    p = delivery.payload
    key = (order, number)
    batch.visits.stage(key, region, VisitFacts.add_region, region, p["kind"])
    deadline = p["deadline"] or p["window_end"]
    batch.visits.stage(key, region, VisitFacts.add_arrival, p["arrived_at"], deadline, technician)


@SUBSCRIPTIONS.on("visit.missed", schema=inbound.VisitMissedIn)
def on_visit_missed(delivery: Delivery, batch: KpiBatch) -> None:
    """A window that ended with no check-in."""
    order, number, technician, region = _visit(delivery, batch)
    key = (order, number)
    batch.visits.stage(key, region, VisitFacts.add_region, region, delivery.payload["kind"])
    batch.visits.stage(key, region, VisitFacts.add_miss, delivery.payload["window_end"], technician)


@SUBSCRIPTIONS.on("repair.completed", schema=inbound.RepairCompletedIn)
def on_repair_completed(delivery: Delivery, batch: KpiBatch) -> None:
    """A repair record (the population spot checks draw from)."""
    order, number, technician, region = _visit(delivery, batch)
    p = delivery.payload
    batch.work_orders.stage(
        order,
        region,
        WorkOrderFacts.add_completion,
        p["finished_at"],
        number,
        technician,
        p["result"],
    )


@SUBSCRIPTIONS.on("repair.accepted", schema=inbound.RepairAcceptedIn)
def on_repair_accepted(delivery: Delivery, batch: KpiBatch) -> None:
    """The work order's final outcome, and an acceptance rating."""
    order, number, technician, region = _visit(delivery, batch)
    p = delivery.payload
    batch.work_orders.stage(
        order,
        region,
        WorkOrderFacts.add_acceptance,
        p["accepted_at"],
        number,
        technician,
        _id(p["repeat_of"]),
    )
    _rate(batch, f"repair/{order}/{number}", region, p["rating"], p["accepted_at"], technician)


@SUBSCRIPTIONS.on("repair.rejected", schema=inbound.RepairRejectedIn)
def on_repair_rejected(delivery: Delivery, batch: KpiBatch) -> None:
    """A failed repair attempt, and an acceptance rating."""
    order, number, technician, region = _visit(delivery, batch)
    p = delivery.payload
    batch.work_orders.stage(order, region, WorkOrderFacts.add_repair_record, number)
    _rate(batch, f"repair/{order}/{number}", region, p["rating"], p["rejected_at"], technician)


@SUBSCRIPTIONS.on("repair.escalated", schema=inbound.RepairEscalatedIn)
def on_repair_escalated(delivery: Delivery, batch: KpiBatch) -> None:
    """The work order's final outcome without a fix."""
    order, _, technician, region = _visit(delivery, batch)
    escalated_at = delivery.payload["escalated_at"]
    batch.work_orders.stage(order, region, WorkOrderFacts.add_escalation, escalated_at, technician)


@SUBSCRIPTIONS.on("followup.recorded", schema=inbound.FollowupRecordedIn)
def on_followup_recorded(delivery: Delivery, batch: KpiBatch) -> None:
    """A follow-up call's satisfaction."""
    p, region = delivery.payload, delivery.event.region
    recorded_at = p["recorded_at"]
    key = f"followup/{p['work_order_id']}/{rfc3339(recorded_at)}"
    _rate(batch, key, region, p["satisfaction"], recorded_at, _id(p["technician_id"]))


def _rate(
    batch: KpiBatch,
    key: str,
    region: str,
    score: int,
    rated_at: Any,
    technician: str | None = None,
    satisfied: bool | None = None,
) -> None:
    batch.ratings.stage(
        key, region, RatingFacts.add_rating, region, score, rated_at, technician, satisfied
    )


# -- intake -----------------------------------------------------------------------------------
def _ticket(delivery: Delivery, batch: KpiBatch) -> tuple[str, str]:
    ticket, region = str(delivery.payload["ticket_id"]), delivery.event.region
    batch.tickets.stage(ticket, region, TicketFacts.add_region, region)
    return ticket, region


@SUBSCRIPTIONS.on("ticket.created", schema=inbound.TicketCreatedIn)
def on_ticket_created(delivery: Delivery, batch: KpiBatch) -> None:
    """A reported ticket: open backlog, first-response deadline, report time."""
    ticket, region = _ticket(delivery, batch)
    p = delivery.payload
    batch.tickets.stage(
        ticket, region, TicketFacts.add_created, p["reported_at"], p["first_response_due_at"]
    )


@SUBSCRIPTIONS.on("ticket.assessed", schema=inbound.TicketAssessedIn)
def on_ticket_assessed(delivery: Delivery, batch: KpiBatch) -> None:
    """An assessment: a response to the customer."""
    ticket, region = _ticket(delivery, batch)
    p = delivery.payload
    batch.tickets.stage(ticket, region, TicketFacts.add_due, p["first_response_due_at"])
    batch.tickets.stage(ticket, region, TicketFacts.add_response, p["assessed_at"])


@SUBSCRIPTIONS.on("ticket.solution_accepted", schema=inbound.TicketSolutionAcceptedIn)
def on_ticket_solution_accepted(delivery: Delivery, batch: KpiBatch) -> None:
    """Carries the ticket's report time."""
    ticket, region = _ticket(delivery, batch)
    created_at = delivery.payload["ticket_created_at"]
    batch.tickets.stage(ticket, region, TicketFacts.add_created_at, created_at)


@SUBSCRIPTIONS.on("ticket.resolved", schema=inbound.TicketResolvedIn)
def on_ticket_resolved(delivery: Delivery, batch: KpiBatch) -> None:
    """A resolution without a visit: a response to the customer."""
    ticket, region = _ticket(delivery, batch)
    p = delivery.payload
    batch.tickets.stage(ticket, region, TicketFacts.add_created_at, p["ticket_created_at"])
    batch.tickets.stage(ticket, region, TicketFacts.add_response, p["resolved_at"])


@SUBSCRIPTIONS.on("ticket.closed", schema=inbound.TicketClosedIn)
def on_ticket_closed(delivery: Delivery, batch: KpiBatch) -> None:
    """The ticket leaves the backlog."""
    ticket, region = _ticket(delivery, batch)
    p = delivery.payload
    batch.tickets.stage(ticket, region, TicketFacts.add_created_at, p["ticket_created_at"])
    batch.tickets.stage(ticket, region, TicketFacts.add_closing, p["closed_at"])


# -- complaints -------------------------------------------------------------------------------
def _complaint(delivery: Delivery, batch: KpiBatch) -> tuple[str, str]:
    p, region = delivery.payload, delivery.event.region
    complaint = str(p["complaint_id"])
    batch.complaints.stage(complaint, region, ComplaintFacts.add_deadline, region, p["deadline_at"])
    return complaint, region


@SUBSCRIPTIONS.on("complaint.filed", schema=inbound.ComplaintIn)
def on_complaint_filed(delivery: Delivery, batch: KpiBatch) -> None:
    """A complaint and its original deadline."""
    _complaint(delivery, batch)


@SUBSCRIPTIONS.on("complaint.investigated", schema=inbound.ComplaintIn)
def on_complaint_investigated(delivery: Delivery, batch: KpiBatch) -> None:
    """Only the deadline matters to kpi."""
    _complaint(delivery, batch)


@SUBSCRIPTIONS.on("complaint.resolved", schema=inbound.ComplaintResolvedIn)
def on_complaint_resolved(delivery: Delivery, batch: KpiBatch) -> None:
    """A resolution round (one made in time keeps the complaint off the overdue list)."""
    complaint, region = _complaint(delivery, batch)
    p = delivery.payload
    batch.complaints.stage(
        complaint, region, ComplaintFacts.add_resolution, p["resolution_round"], p["resolved_at"]
    )


@SUBSCRIPTIONS.on("complaint.reopened", schema=inbound.ComplaintReopenedIn)
def on_complaint_reopened(delivery: Delivery, batch: KpiBatch) -> None:
    """Unsatisfied feedback on a resolution round."""
    complaint, region = _complaint(delivery, batch)
    p = delivery.payload
    batch.complaints.stage(complaint, region, ComplaintFacts.add_reopening, p["resolution_round"])
    key = f"complaint/{complaint}/{p['resolution_round']}"
    _rate(batch, key, region, p["rating"], p["reopened_at"], satisfied=False)


@SUBSCRIPTIONS.on("complaint.closed", schema=inbound.ComplaintClosedIn)
def on_complaint_closed(delivery: Delivery, batch: KpiBatch) -> None:
    """The final resolution, judged against the original deadline, and its feedback."""
    complaint, region = _complaint(delivery, batch)
    p = delivery.payload
    batch.complaints.stage(
        complaint,
        region,
        ComplaintFacts.add_closing,
        p["resolution_round"],
        p["resolved_at"],
        p["closed_at"],
    )
    key = f"complaint/{complaint}/{p['resolution_round']}"
    _rate(batch, key, region, p["rating"], p["closed_at"], satisfied=p["satisfied"])
