"""What kpi reads of dispatch's events: visits, repair records, outcomes, ratings."""

from __future__ import annotations

from marshmallow import fields, validate

from services.kpi.domain.facts import VisitFacts, WorkOrderFacts
from services.kpi.handlers.common import RATING, Registration, optional_id, stage_rating, time_field
from services.kpi.repositories import KpiBatch
from shared.clock import rfc3339
from shared.events import Delivery, InboundSchema


class VisitIn(InboundSchema):
    """What every visit event says of its work order."""

    work_order_id = fields.UUID(required=True)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    kind = fields.String(required=True, validate=validate.Length(max=20))
    visit_number = fields.Integer(required=True, validate=validate.Range(min=1))
    technician_id = fields.UUID(required=True)


class RepairScheduledIn(VisitIn):
    scheduled_at = time_field(required=True)
    repeat_of = fields.UUID(allow_none=True, load_default=None)


class TechnicianArrivedIn(VisitIn):
    arrived_at = time_field(required=True)
    window_end = time_field(required=True)
    # The window end the visit is judged by (dispatch adds it; older events lack it).
    deadline = time_field(allow_none=True, load_default=None)


class VisitMissedIn(VisitIn):
    window_end = time_field(required=True)


class RepairCompletedIn(VisitIn):
    result = fields.String(required=True, validate=validate.Length(max=20))
    finished_at = time_field(required=True)


class RepairAcceptedIn(VisitIn):
    rating = fields.Integer(required=True, validate=RATING)
    repeat_of = fields.UUID(allow_none=True, load_default=None)
    accepted_at = time_field(required=True)


class RepairRejectedIn(VisitIn):
    rating = fields.Integer(required=True, validate=RATING)
    rejected_at = time_field(required=True)


class RepairEscalatedIn(VisitIn):
    escalated_at = time_field(required=True)


class FollowupRecordedIn(InboundSchema):
    work_order_id = fields.UUID(required=True)
    technician_id = fields.UUID(allow_none=True, load_default=None)
    satisfaction = fields.Integer(required=True, validate=RATING)
    recorded_at = time_field(required=True)


def _visit(delivery: Delivery, batch: KpiBatch) -> tuple[str, int, str, str]:
    """Stage what every visit event says of its work order; (work order, visit, technician,
    region)."""
    p, region = delivery.payload, delivery.event.region
    order = str(p["work_order_id"])
    ticket = optional_id(p["ticket_id"])
    batch.work_orders.stage(
        order, region, WorkOrderFacts.add_visit_event, region, p["kind"], ticket
    )
    batch.link_ticket(ticket)
    return order, p["visit_number"], str(p["technician_id"]), region


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
        optional_id(p["repeat_of"]),
    )


def on_technician_arrived(delivery: Delivery, batch: KpiBatch) -> None:
    """A check-in, with the window end it is judged by."""
    order, number, technician, region = _visit(delivery, batch)
    p = delivery.payload
    key = (order, number)
    batch.visits.stage(key, region, VisitFacts.add_region, region, p["kind"])
    deadline = p["deadline"] or p["window_end"]
    batch.visits.stage(key, region, VisitFacts.add_arrival, p["arrived_at"], deadline, technician)


def on_visit_missed(delivery: Delivery, batch: KpiBatch) -> None:
    """A window that ended with no check-in."""
    order, number, technician, region = _visit(delivery, batch)
    key = (order, number)
    batch.visits.stage(key, region, VisitFacts.add_region, region, delivery.payload["kind"])
    batch.visits.stage(key, region, VisitFacts.add_miss, delivery.payload["window_end"], technician)


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
        optional_id(p["repeat_of"]),
    )
    key = f"repair/{order}/{number}"
    stage_rating(batch, key, region, p["rating"], p["accepted_at"], technician)


def on_repair_rejected(delivery: Delivery, batch: KpiBatch) -> None:
    """A failed repair attempt, and an acceptance rating."""
    order, number, technician, region = _visit(delivery, batch)
    p = delivery.payload
    batch.work_orders.stage(order, region, WorkOrderFacts.add_repair_record, number)
    key = f"repair/{order}/{number}"
    stage_rating(batch, key, region, p["rating"], p["rejected_at"], technician)


def on_repair_escalated(delivery: Delivery, batch: KpiBatch) -> None:
    """The work order's final outcome without a fix."""
    order, _, technician, region = _visit(delivery, batch)
    escalated_at = delivery.payload["escalated_at"]
    batch.work_orders.stage(order, region, WorkOrderFacts.add_escalation, escalated_at, technician)


def on_followup_recorded(delivery: Delivery, batch: KpiBatch) -> None:
    """A follow-up call's satisfaction."""
    p, region = delivery.payload, delivery.event.region
    recorded_at = p["recorded_at"]
    key = f"followup/{p['work_order_id']}/{rfc3339(recorded_at)}"
    technician = optional_id(p["technician_id"])
    stage_rating(batch, key, region, p["satisfaction"], recorded_at, technician)


HANDLERS: tuple[Registration, ...] = (
    ("repair.scheduled", RepairScheduledIn, on_repair_scheduled),
    ("technician.arrived", TechnicianArrivedIn, on_technician_arrived),
    ("visit.missed", VisitMissedIn, on_visit_missed),
    ("repair.completed", RepairCompletedIn, on_repair_completed),
    ("repair.accepted", RepairAcceptedIn, on_repair_accepted),
    ("repair.rejected", RepairRejectedIn, on_repair_rejected),
    ("repair.escalated", RepairEscalatedIn, on_repair_escalated),
    ("followup.recorded", FollowupRecordedIn, on_followup_recorded),
)
