"""Events dispatch consumes: an accepted solution that needs a visit, a due maintenance,
billing's fee schedules (the parts prices chargeable parts are put to the customer at), and
support's qualifications and training sessions (``handlers/support.py``)."""

from __future__ import annotations

from marshmallow import fields, validate

from services.dispatch.domain import WARRANTY_STATUSES
from services.dispatch.handlers.support import subscribe as subscribe_to_support
from services.dispatch.repositories import DispatchUnitOfWork, Schedule
from services.dispatch.use_cases import (
    open_maintenance_work_order,
    open_repair_work_order,
    record_fee_schedule,
)
from shared.events import Delivery, InboundSchema, Subscriptions

# What dispatch reads of the events it consumes (the rest is ignored).
SHORT = validate.Length(max=100)
EMAIL = validate.Length(max=200)
LANGUAGE = validate.Length(max=10)


class WarrantyIn(InboundSchema):
    status = fields.String(required=True, validate=validate.OneOf(WARRANTY_STATUSES))
    parts_covered = fields.Boolean(required=True)
    labour_covered = fields.Boolean(required=True)


class SiteIn(InboundSchema):
    address = fields.String(required=True, validate=validate.Length(max=500))
    contact_name = fields.String(allow_none=True, load_default=None)
    contact_phone = fields.String(allow_none=True, load_default=None)
    latitude = fields.Decimal(allow_none=True, load_default=None)
    longitude = fields.Decimal(allow_none=True, load_default=None)


class SolutionAcceptedIn(InboundSchema):
    """intake's ticket.solution_accepted: a repair work order when a visit is needed."""

    ticket_id = fields.UUID(required=True)
    priority = fields.String(required=True, validate=validate.Length(max=20))
    nature = fields.String(required=True, validate=validate.Length(max=30))
    severity = fields.String(required=True, validate=validate.Length(max=20))
    visit_needed = fields.Boolean(required=True)
    required_skill = fields.String(allow_none=True, load_default=None, validate=SHORT)
    estimated_hours = fields.Decimal(required=True, validate=validate.Range(min=0, max=9999))
    parts_likely = fields.List(fields.String(), load_default=list)
    product_model = fields.String(required=True, validate=SHORT)
    serial_no = fields.String(allow_none=True, load_default=None, validate=SHORT)
    warranty = fields.Nested(WarrantyIn, required=True)
    customer_name = fields.String(required=True, validate=validate.Length(max=200))
    customer_phone = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=50)
    )
    customer_email = fields.String(allow_none=True, load_default=None, validate=EMAIL)
    customer_language = fields.String(allow_none=True, load_default=None, validate=LANGUAGE)
    accepted_at = fields.AwareDateTime(required=True, format="iso")
    tools = fields.List(fields.String(), load_default=list)
    symptom = fields.String(allow_none=True, load_default=None)
    usage_environment = fields.String(allow_none=True, load_default=None)
    site = fields.Nested(SiteIn, allow_none=True, load_default=None)
    preferred_time = fields.String(allow_none=True, load_default=None)


class VisitDueIn(InboundSchema):
    """maintenance's maintenance.visit_due: a maintenance work order."""

    plan_id = fields.UUID(required=True)
    serial_no = fields.String(required=True, validate=SHORT)
    product_model = fields.String(required=True, validate=SHORT)
    customer_name = fields.String(required=True, validate=validate.Length(max=200))
    customer_phone = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=50)
    )
    customer_email = fields.String(allow_none=True, load_default=None, validate=EMAIL)
    customer_language = fields.String(allow_none=True, load_default=None, validate=LANGUAGE)
    due_date = fields.Date(required=True)
    tasks = fields.List(fields.String(), required=True)
    required_skill = fields.String(allow_none=True, load_default=None, validate=SHORT)
    estimated_hours = fields.Decimal(required=True, validate=validate.Range(min=0, max=9999))


class PartPriceIn(InboundSchema):
    part_no = fields.String(required=True, validate=SHORT)
    price = fields.Decimal(required=True, validate=validate.Range(min=0))


class FeeSchedulePublishedIn(InboundSchema):
    """billing's fee_schedule.published: the price of each part."""

    schedule_version = fields.Integer(required=True, validate=validate.Range(min=1))
    effective_from = fields.AwareDateTime(required=True, format="iso")
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    parts = fields.List(fields.Nested(PartPriceIn), required=True)


SUBSCRIPTIONS = Subscriptions("dispatch")


@SUBSCRIPTIONS.on("ticket.solution_accepted", schema=SolutionAcceptedIn)
def on_ticket_solution_accepted(delivery: Delivery, uow: DispatchUnitOfWork) -> None:
    """Open a repair work order when the agreed solution needs a visit."""
    open_repair_work_order(
        uow,
        source_event_id=str(delivery.event.id),
        region=delivery.event.region,
        solution=delivery.payload,
    )


@SUBSCRIPTIONS.on("maintenance.visit_due", schema=VisitDueIn)
def on_maintenance_visit_due(delivery: Delivery, uow: DispatchUnitOfWork) -> None:
    """Open a maintenance work order for the plan's due visit."""
    open_maintenance_work_order(
        uow,
        source_event_id=str(delivery.event.id),
        region=delivery.event.region,
        visit_due=delivery.payload,
    )


@SUBSCRIPTIONS.on("fee_schedule.published", schema=FeeSchedulePublishedIn)
def on_fee_schedule_published(delivery: Delivery, uow: DispatchUnitOfWork) -> None:
    """Keep the schedule version's parts prices."""
    data = delivery.payload
    schedule = Schedule(
        version=data["schedule_version"],
        effective_from=data["effective_from"],
        currency=data["currency"],
        prices={p["part_no"]: p["price"] for p in data["parts"]},
    )
    record_fee_schedule(uow, schedule=schedule)


subscribe_to_support(SUBSCRIPTIONS)
