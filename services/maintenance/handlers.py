"""Events maintenance consumes to build each product's service file: every ticket, repair,
replacement and return event of a serial number. Each inbound schema (``<Event>In``) reads
only the fields the file shows; each handler calls ``file_event``."""

from __future__ import annotations

from marshmallow import fields, validate

from services.maintenance.repositories import MaintenanceUnitOfWork
from services.maintenance.use_cases import file_event
from shared.events import Delivery, InboundSchema, Subscriptions
from shared.notices.recipient import LANGUAGES

SUBSCRIPTIONS = Subscriptions("maintenance")
# What the asset table can hold: a longer value is a bad event (parked), not a retry loop.
SHORT = validate.Length(max=100)
NAME = validate.Length(max=200)


def _time(**kw: object) -> fields.AwareDateTime:
    return fields.AwareDateTime(format="iso", **kw)  # type: ignore[arg-type]


class TicketEventIn(InboundSchema):
    ticket_id = fields.UUID(required=True)


class TicketCreatedIn(TicketEventIn):
    kind = fields.String(required=True)
    priority = fields.String(required=True)
    product_model = fields.String(required=True, validate=SHORT)
    serial_no = fields.String(allow_none=True, load_default=None, validate=SHORT)
    reported_at = _time(required=True)


class TicketAssessedIn(TicketEventIn):
    nature = fields.String(required=True)
    severity = fields.String(required=True)
    assessed_at = _time(required=True)


class TicketSolutionAcceptedIn(TicketEventIn):
    product_model = fields.String(required=True, validate=SHORT)
    serial_no = fields.String(allow_none=True, load_default=None, validate=SHORT)
    customer_name = fields.String(required=True, validate=NAME)
    customer_phone = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=50)
    )
    customer_email = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=200)
    )
    customer_language = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(LANGUAGES)
    )
    accepted_at = _time(required=True)


class TicketSolutionRejectedIn(TicketEventIn):
    objection = fields.String(required=True)
    rejected_at = _time(required=True)


class TicketResolvedIn(TicketEventIn):
    resolution = fields.String(required=True)
    resolved_at = _time(required=True)


class TicketClosedIn(TicketEventIn):
    reason = fields.String(required=True)
    work_order_id = fields.UUID(allow_none=True, load_default=None)
    closed_at = _time(required=True)


class RepairCompletedIn(InboundSchema):
    work_order_id = fields.UUID(required=True)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    kind = fields.String(required=True)
    result = fields.String(required=True)
    work_performed = fields.String(required=True)
    product_model = fields.String(required=True, validate=SHORT)
    serial_no = fields.String(allow_none=True, load_default=None, validate=SHORT)
    plan_id = fields.UUID(allow_none=True, load_default=None)
    finished_at = _time(required=True)


class ReturnEventIn(InboundSchema):
    return_id = fields.UUID(required=True)
    kind = fields.String(required=True)
    serial_no = fields.String(required=True, validate=SHORT)
    product_model = fields.String(required=True, validate=SHORT)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    work_order_id = fields.UUID(allow_none=True, load_default=None)


class ReturnRequestedIn(ReturnEventIn):
    reason = fields.String(required=True)
    customer_name = fields.String(required=True, validate=NAME)
    customer_phone = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=50)
    )
    requested_at = _time(required=True)


class ReturnAppraisedIn(ReturnEventIn):
    decision = fields.String(required=True)
    appraised_at = _time(required=True)


class ReplacementShippedIn(ReturnEventIn):
    new_serial_no = fields.String(required=True, validate=SHORT)
    shipped_at = _time(required=True)


class ReturnReceivedIn(ReturnEventIn):
    received_at = _time(required=True)


class RefundIssuedIn(ReturnEventIn):
    amount = fields.Decimal(required=True, as_string=True)
    currency = fields.String(required=True)
    issued_at = _time(required=True)


def on_product_event(delivery: Delivery, uow: MaintenanceUnitOfWork) -> None:
    """Keep the event in its product's service file (once per event id)."""
    event = delivery.event
    file_event(
        uow,
        event_id=str(event.id),
        event_type=event.type,
        region=event.region,
        occurred_at=event.occurred_at,
        data=delivery.payload,
    )


for _type, _schema in (
    ("ticket.created", TicketCreatedIn),
    ("ticket.assessed", TicketAssessedIn),
    ("ticket.solution_accepted", TicketSolutionAcceptedIn),
    ("ticket.solution_rejected", TicketSolutionRejectedIn),
    ("ticket.resolved", TicketResolvedIn),
    ("ticket.closed", TicketClosedIn),
    ("repair.completed", RepairCompletedIn),
    ("return.requested", ReturnRequestedIn),
    ("return.appraised", ReturnAppraisedIn),
    ("replacement.shipped", ReplacementShippedIn),
    ("return.received", ReturnReceivedIn),
    ("refund.issued", RefundIssuedIn),
):
    SUBSCRIPTIONS.on(_type, schema=_schema)(on_product_event)
