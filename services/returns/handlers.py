"""Events returns consumes: a repair escalation opens a request; billing's fee schedules give
the price of a paid replacement; intake's accepted solutions name the customer of a ticket
(``repair.escalated`` does not). Each inbound schema holds only the fields returns reads."""

from __future__ import annotations

from marshmallow import fields, validate

from services.returns.domain import WARRANTY_STATUSES
from services.returns.repositories import ReturnsUnitOfWork, Schedule
from services.returns.use_cases import (
    open_return_from_escalation,
    record_fee_schedule,
    remember_ticket_customer,
)
from shared.events import Delivery, InboundSchema, Subscriptions

SHORT = validate.Length(max=100)


class WarrantyIn(InboundSchema):
    status = fields.String(required=True, validate=validate.OneOf(WARRANTY_STATUSES))
    parts_covered = fields.Boolean(required=True)
    labour_covered = fields.Boolean(required=True)


class RepairEscalatedIn(InboundSchema):
    """dispatch's repair.escalated: the request it calls for."""

    work_order_id = fields.UUID(required=True)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    escalated_to = fields.String(required=True, validate=validate.OneOf(("replacement", "return")))
    failed_visits = fields.Integer(required=True)
    nature = fields.String(required=True, validate=validate.Length(max=30))
    product_model = fields.String(required=True, validate=SHORT)
    serial_no = fields.String(allow_none=True, load_default=None, validate=SHORT)
    warranty = fields.Nested(WarrantyIn, required=True)
    escalated_at = fields.AwareDateTime(required=True, format="iso")
    # Not (yet) on the event: read when dispatch adds them, else the ticket's customer.
    customer_name = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=200)
    )
    customer_phone = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=50)
    )


class SolutionAcceptedIn(InboundSchema):
    """intake's ticket.solution_accepted: who the customer of the ticket is."""

    ticket_id = fields.UUID(required=True)
    customer_name = fields.String(required=True, validate=validate.Length(max=200))
    customer_phone = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=50)
    )


class ProductPriceIn(InboundSchema):
    model = fields.String(required=True, validate=SHORT)
    price = fields.Decimal(required=True, validate=validate.Range(min=0))


class FeeSchedulePublishedIn(InboundSchema):
    """billing's fee_schedule.published: the replacement price of each model."""

    schedule_version = fields.Integer(required=True, validate=validate.Range(min=1))
    effective_from = fields.AwareDateTime(required=True, format="iso")
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    products = fields.List(fields.Nested(ProductPriceIn), required=True)


SUBSCRIPTIONS = Subscriptions("returns")


@SUBSCRIPTIONS.on("repair.escalated", schema=RepairEscalatedIn)
def on_repair_escalated(delivery: Delivery, uow: ReturnsUnitOfWork) -> None:
    """Open the replacement or refund request the escalation calls for (once)."""
    open_return_from_escalation(
        uow,
        source_event_id=str(delivery.event.id),
        region=delivery.event.region,
        escalation=delivery.payload,
    )


@SUBSCRIPTIONS.on("ticket.solution_accepted", schema=SolutionAcceptedIn)
def on_ticket_solution_accepted(delivery: Delivery, uow: ReturnsUnitOfWork) -> None:
    """Remember the ticket's customer."""
    data = delivery.payload
    remember_ticket_customer(
        uow, ticket_id=data["ticket_id"], name=data["customer_name"], phone=data["customer_phone"]
    )


@SUBSCRIPTIONS.on("fee_schedule.published", schema=FeeSchedulePublishedIn)
def on_fee_schedule_published(delivery: Delivery, uow: ReturnsUnitOfWork) -> None:
    """Keep the schedule version's product prices."""
    data = delivery.payload
    schedule = Schedule(
        version=data["schedule_version"],
        effective_from=data["effective_from"],
        currency=data["currency"],
        prices={p["model"]: p["price"] for p in data["products"]},
    )
    record_fee_schedule(uow, schedule=schedule)
