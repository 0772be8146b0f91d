"""Events intake consumes: dispatch's verdicts close tickets, maintenance findings open them.

Each inbound schema holds only the fields intake reads.
"""

from __future__ import annotations

from marshmallow import fields, validate

from services.intake import use_cases
from services.intake.repositories import IntakeUnitOfWork
from shared.events import Delivery, InboundSchema, Subscriptions

SUBSCRIPTIONS = Subscriptions("intake")


class RepairAcceptedIn(InboundSchema):
    work_order_id = fields.UUID(required=True)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    accepted_at = fields.AwareDateTime(required=True, format="iso")


class RepairEscalatedIn(InboundSchema):
    work_order_id = fields.UUID(required=True)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    escalated_to = fields.String(required=True)
    escalated_at = fields.AwareDateTime(required=True, format="iso")


class MaintenanceIssueFoundIn(InboundSchema):
    serial_no = fields.String(required=True)
    product_model = fields.String(required=True)
    customer_name = fields.String(required=True)
    customer_phone = fields.String(allow_none=True, load_default=None)
    description = fields.String(required=True)
    environment = fields.String(allow_none=True, load_default=None)
    found_at = fields.AwareDateTime(required=True, format="iso")
    priority = fields.String(
        load_default="normal", validate=validate.OneOf(("low", "normal", "high", "urgent"))
    )


@SUBSCRIPTIONS.on("repair.accepted", schema=RepairAcceptedIn)
def on_repair_accepted(delivery: Delivery, uow: IntakeUnitOfWork) -> None:
    """Close the ticket whose repair the customer accepted (maintenance work has none)."""
    data = delivery.payload
    if data["ticket_id"] is not None:
        use_cases.close_ticket_after_repair(
            uow,
            ticket_id=data["ticket_id"],
            work_order_id=data["work_order_id"],
            accepted_at=data["accepted_at"],
            actor=delivery.event.producer,
        )


@SUBSCRIPTIONS.on("repair.escalated", schema=RepairEscalatedIn)
def on_repair_escalated(delivery: Delivery, uow: IntakeUnitOfWork) -> None:
    """Mark the ticket escalated and close it."""
    data = delivery.payload
    if data["ticket_id"] is not None:
        use_cases.escalate_ticket(
            uow,
            ticket_id=data["ticket_id"],
            work_order_id=data["work_order_id"],
            escalated_to=data["escalated_to"],
            escalated_at=data["escalated_at"],
            actor=delivery.event.producer,
        )


@SUBSCRIPTIONS.on("maintenance.issue_found", schema=MaintenanceIssueFoundIn)
def on_maintenance_issue_found(delivery: Delivery, uow: IntakeUnitOfWork) -> None:
    """Open a maintenance-issue ticket for the problem found, once per event."""
    use_cases.open_ticket_from_issue(
        uow,
        event_id=delivery.event.id,
        region=delivery.event.region,
        issue=delivery.payload,
        actor=delivery.event.producer,
    )
