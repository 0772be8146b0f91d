"""Intake's REST schemas."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from services.intake.domain import (
    CHANNELS,
    CUSTOMER_CHANNELS,
    KINDS,
    NATURES,
    PRIORITIES,
    SEVERITIES,
    STATUSES,
    TOPICS,
)
from services.intake.schemas.consultations import ConsultationFilters, ConsultationRead
from services.intake.schemas.customers import CustomerIn, CustomerOut
from shared.schemas import (
    Boolean,
    DecimalField,
    InputSchema,
    ListArgs,
    PastDate,
    PastDateTime,
    QueryBoolean,
    ReadSchema,
    Region,
    UTCDateTimeField,
    current_time,
)


def _hours(value: Decimal) -> None:
    if not value.is_finite() or value < 0 or value > 1000:
        raise ma.ValidationError("must be between 0 and 1000 hours")
    if int(value.as_tuple().exponent) < -2:
        raise ma.ValidationError("at most 2 decimal places")


class ProductIn(InputSchema):
    model = fields.String(required=True, validate=validate.Length(min=1, max=100))
    serial_no = fields.String(validate=validate.Length(min=1, max=100))
    purchase_date = PastDate()
    installation_date = PastDate()

    @ma.validates_schema
    def _dates(self, data: dict[str, Any], **_: Any) -> None:
        bought, installed = data.get("purchase_date"), data.get("installation_date")
        if bought and installed and installed < bought:
            raise ma.ValidationError("must not be before purchase_date", "installation_date")


class SiteIn(InputSchema):
    address = fields.String(required=True, validate=validate.Length(min=1, max=500))
    contact_name = fields.String(validate=validate.Length(min=1, max=200))
    contact_phone = fields.String(
        validate=validate.Regexp(r"^\+?[0-9 ()\-]{5,30}$", error="not a phone number")
    )
    latitude = fields.Decimal(validate=validate.Range(min=-90, max=90), places=6)
    longitude = fields.Decimal(validate=validate.Range(min=-180, max=180), places=6)

    @ma.validates_schema
    def _both_coordinates(self, data: dict[str, Any], **_: Any) -> None:
        if ("latitude" in data) != ("longitude" in data):
            raise ma.ValidationError("give both coordinates or neither", "longitude")


class TicketCreate(InputSchema):
    channel = fields.String(required=True, validate=validate.OneOf(CUSTOMER_CHANNELS))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    region = Region(required=True)
    priority = fields.String(load_default="normal", validate=validate.OneOf(PRIORITIES))
    customer = fields.Nested(CustomerIn, required=True)
    product = fields.Nested(ProductIn, required=True)
    symptom = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    usage_environment = fields.String(validate=validate.Length(max=200))
    site = fields.Nested(
        SiteIn, metadata={"description": "where the product is installed: where a visit goes"}
    )
    preferred_time = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "when the customer prefers a visit, in their words"},
    )
    reported_at = PastDateTime(
        metadata={"description": "when the customer reported it (default: now)"}
    )
    topic = fields.String(
        validate=validate.OneOf(TOPICS),
        metadata={"description": "what a consultation asks about: required for a consultation"},
    )

    @ma.validates_schema
    def _topic(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("kind") == "consultation" and "topic" not in data:
            raise ma.ValidationError("required for a consultation", "topic")
        if data.get("kind") != "consultation" and "topic" in data:
            raise ma.ValidationError("only a consultation has a topic", "topic")


class AssessmentCreate(InputSchema):
    nature = fields.String(required=True, validate=validate.OneOf(NATURES))
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    diagnosis = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    proposed_solution = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    visit_needed = Boolean(required=True)
    required_skill = fields.String(validate=validate.Length(min=1, max=100))
    estimated_hours = DecimalField(
        load_default=Decimal("0"),
        validate=_hours,
        metadata={"description": 'decimal hours, e.g. "2.50"; more than 0 if a visit is needed'},
    )
    parts_likely = fields.List(
        fields.String(validate=validate.Length(min=1, max=100)),
        load_default=list,
        validate=validate.Length(max=50),
    )
    tools = fields.List(
        fields.String(validate=validate.Length(min=1, max=100)),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "the tools the technician should bring"},
    )
    assessed_at = PastDateTime(metadata={"description": "when it was assessed (default: now)"})

    @ma.validates_schema
    def _visit_takes_time(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("visit_needed") and data.get("estimated_hours", 0) <= 0:
            raise ma.ValidationError(
                "must be more than 0 when a visit is needed", "estimated_hours"
            )


class SolutionResponseCreate(InputSchema):
    accepted = Boolean(required=True)
    objection = fields.String(
        validate=validate.Length(min=1, max=5000),
        metadata={"description": "the customer's objection; required when rejected"},
    )
    answered_at = PastDateTime(
        metadata={"description": "when the customer answered (default: now)"}
    )

    @ma.validates_schema
    def _objection(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("accepted") is False and not data.get("objection"):
            raise ma.ValidationError("required when the solution is rejected", "objection")
        if data.get("accepted") is True and "objection" in data:
            raise ma.ValidationError("only given when the solution is rejected", "objection")


class ResolutionCreate(InputSchema):
    resolution = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    resolved_at = PastDateTime(metadata={"description": "when it was resolved (default: now)"})


class ProductOut(ReadSchema):
    model = fields.String(attribute="product_model")
    serial_no = fields.String()
    purchase_date = fields.Date()
    installation_date = fields.Date()


class WarrantyRead(ReadSchema):
    status = fields.String()
    parts_covered = fields.Boolean()
    labour_covered = fields.Boolean()
    reason = fields.String()


class AssessmentRead(ReadSchema):
    round = fields.Integer()
    nature = fields.String()
    severity = fields.String()
    diagnosis = fields.String()
    proposed_solution = fields.String()
    visit_needed = fields.Boolean()
    required_skill = fields.String()
    estimated_hours = DecimalField(as_string=True)
    parts_likely = fields.List(fields.String())
    tools = fields.List(fields.String())
    assessed_by = fields.String()
    assessed_at = UTCDateTimeField()
    accepted = fields.Boolean(metadata={"description": "the customer's answer; null until given"})
    objection = fields.String()
    answered_by = fields.String()
    answered_at = UTCDateTimeField()


class TimelineEntryRead(ReadSchema):
    at = UTCDateTimeField()
    kind = fields.String()
    actor = fields.String()
    details = fields.Dict()


_CUSTOMER_OUT, _PRODUCT_OUT = CustomerOut(), ProductOut()


class SiteRead(ReadSchema):
    address = fields.String(attribute="site_address")
    contact_name = fields.String(attribute="site_contact_name")
    contact_phone = fields.String(attribute="site_contact_phone")
    latitude = DecimalField(attribute="site_latitude", as_string=True)
    longitude = DecimalField(attribute="site_longitude", as_string=True)


_SITE_OUT = SiteRead()


class TicketRead(ReadSchema):
    id = fields.UUID()
    channel = fields.String()
    kind = fields.String()
    status = fields.String()
    priority = fields.String()
    region = fields.String()
    customer = fields.Function(lambda t: _CUSTOMER_OUT.dump(t), metadata={"schema": CustomerOut})
    product = fields.Function(lambda t: _PRODUCT_OUT.dump(t), metadata={"schema": ProductOut})
    symptom = fields.String()
    usage_environment = fields.String()
    site = fields.Function(
        lambda t: _SITE_OUT.dump(t) if t.site_address else None, metadata={"schema": SiteRead}
    )
    preferred_time = fields.String()
    reported_at = UTCDateTimeField()
    created_at = UTCDateTimeField()
    created_by = fields.String()
    warranty = fields.Nested(WarrantyRead, allow_none=True)
    first_response_due_at = UTCDateTimeField()
    first_responded_at = UTCDateTimeField()
    first_response_met = fields.Method(
        "_first_response_met",
        metadata={
            "type": "boolean",
            "nullable": True,
            "description": "null while the first response is not given and not yet overdue",
        },
    )
    resolution = fields.String()
    resolved_at = UTCDateTimeField()
    closed_at = UTCDateTimeField()
    close_reason = fields.String()
    work_order_id = fields.UUID()
    source_event_id = fields.String()
    consultation = fields.Nested(
        ConsultationRead,
        metadata={"description": "a consultation's topic, deadline, escalation, answer, rating"},
    )
    assessments = fields.List(fields.Nested(AssessmentRead))
    timeline = fields.List(fields.Nested(TimelineEntryRead))

    def _first_response_met(self, ticket: Any) -> bool | None:
        met: bool | None = ticket.first_response_met(current_time())
        return met


class TicketSummaryRead(TicketRead):
    """A ticket in a list: without its rounds and timeline."""

    class Meta:
        exclude = ("assessments", "timeline")


class TicketQueryArgs(ConsultationFilters, ListArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))
    kind = fields.String(validate=validate.OneOf(KINDS))
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    overdue_first_response = QueryBoolean(
        metadata={
            "description": "true: no first response yet and past its deadline; false: the rest"
        }
    )
