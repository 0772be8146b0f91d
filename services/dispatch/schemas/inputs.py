"""Dispatch's request schemas: bodies and query arguments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from services.dispatch.domain import (
    CONFIRMATIONS,
    RESULTS,
    TECHNICIAN_KINDS,
    WORK_ORDER_STATUSES,
)
from services.dispatch.domain.field import AGREED_VIA, REQUESTERS
from services.dispatch.domain.training import KINDS
from shared.schemas import (
    Boolean,
    DecimalField,
    InputSchema,
    ListArgs,
    PastDateTime,
    QuerySchema,
    Region,
)

PHONE = validate.Regexp(r"^\+?[0-9 ()\-]{5,30}$", error="not a phone number")


SKILL = fields.String(validate=validate.Length(min=1, max=100))


def WORK_ID(**kw: Any) -> fields.String:
    return fields.String(validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,49}$"), **kw)


RATING = validate.Range(min=1, max=5)


def _two_places(value: Decimal) -> None:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ma.ValidationError("at most two decimal places")


class TechnicianCreate(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(TECHNICIAN_KINDS))
    region = Region(required=True)
    skills = fields.List(SKILL, required=True, validate=validate.Length(min=1, max=50))
    active = Boolean(load_default=True)
    phone = fields.String(validate=PHONE)
    user_sub = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "the JWT sub of the technician's login"},
    )
    work_id = WORK_ID(
        metadata={
            "description": "the ID on the badge shown to customers (dispatch issues one, "
            "W- and 8 hex digits, when none is given)"
        }
    )


class TechnicianUpdate(InputSchema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    skills = fields.List(SKILL, validate=validate.Length(min=1, max=50))
    active = Boolean()
    phone = fields.String(allow_none=True, validate=PHONE)
    user_sub = fields.String(allow_none=True, validate=validate.Length(min=1, max=200))
    work_id = WORK_ID(metadata={"description": "the ID on the badge shown to customers"})

    @ma.validates_schema
    def _not_empty(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            raise ma.ValidationError("nothing to change")


class TechnicianQueryArgs(ListArgs):
    status = fields.String(
        validate=validate.OneOf(("active", "inactive")),
        metadata={"description": "active or inactive technicians"},
    )
    kind = fields.String(validate=validate.OneOf(TECHNICIAN_KINDS))
    skill = SKILL


class ScheduleCreate(InputSchema):
    technician_id = fields.UUID(
        metadata={"description": "a named technician; chosen automatically when absent"}
    )
    window_start = fields.AwareDateTime(required=True, format="iso")
    window_end = fields.AwareDateTime(required=True, format="iso")
    agreed_via = fields.String(
        required=True,
        validate=validate.OneOf(AGREED_VIA),
        metadata={"description": "how the window was agreed with the customer"},
    )
    agreed_with = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "who agreed to it (default: the work order's customer)"},
    )
    requested_by = fields.String(
        validate=validate.OneOf(REQUESTERS),
        metadata={
            "description": "moving a booked visit: who asked for it (required then); a move "
            "the customer asked for is not the technician's lateness"
        },
    )
    reason = fields.String(
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "moving a booked visit: why (required then)"},
    )
    rescheduled_by_customer = Boolean(
        metadata={"description": "older form of requested_by (true: customer, false: company)"},
    )

    @ma.validates_schema
    def _window(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end <= start:
            raise ma.ValidationError("must be after window_start", "window_end")


class SymptomCheckIn(InputSchema):
    confirmed = Boolean(
        required=True, metadata={"description": "the reported symptom is what is found on site"}
    )
    observed = fields.String(
        required=True,
        validate=validate.Length(min=1, max=5000),
        metadata={"description": "what the technician observed"},
    )


class CheckInCreate(InputSchema):
    arrived_at = PastDateTime(metadata={"description": "arrival on site (default: now)"})
    identity_verified = Boolean(
        required=True, metadata={"description": "the customer's identity was verified"}
    )
    work_id_shown = WORK_ID(
        required=True,
        metadata={
            "description": "the work ID shown to the customer: not the assigned technician's "
            "fails the identity check and stops the visit"
        },
    )
    product_model = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "the model found on site, checked against the work order"},
    )
    symptom_check = fields.Nested(
        SymptomCheckIn,
        metadata={
            "description": "the reported symptom re-checked: required for a repair that goes ahead"
        },
    )
    stop_reason = fields.String(
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "what went wrong, when a check failed and the visit stops"},
    )


class DepartureCreate(InputSchema):
    departed_at = PastDateTime(
        metadata={"description": "when the technician set off (default: now)"}
    )
    expected_at = fields.AwareDateTime(
        format="iso", metadata={"description": "when the technician expects to arrive"}
    )

    @ma.validates_schema
    def _expected_after_departure(self, data: dict[str, Any], **_: Any) -> None:
        departed, expected = data.get("departed_at"), data.get("expected_at")
        if departed and expected and expected < departed:
            raise ma.ValidationError("must not be before departed_at", "expected_at")


class ProposedPartIn(InputSchema):
    part_no = fields.String(required=True, validate=validate.Length(min=1, max=100))
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=999))
    genuine = Boolean(
        required=True,
        metadata={"description": "a non-genuine part needs a manager's approval"},
    )
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "why the part is needed"},
    )


class PartIn(ProposedPartIn):
    covered_by_warranty = Boolean(
        required=True,
        metadata={
            "description": "covered by the work order's warranty (when it covers parts); "
            "else chargeable, at the price the customer agreed to before use"
        },
    )


class CompletionCreate(InputSchema):
    work_performed = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    parts = fields.List(fields.Nested(PartIn), required=True, validate=validate.Length(max=100))
    labour_hours = DecimalField(
        required=True,
        validate=[validate.Range(min=0, max=999), _two_places],
        metadata={"description": 'decimal hours, e.g. 2.5 or "2.50"'},
    )
    started_at = PastDateTime(required=True)
    finished_at = PastDateTime(required=True)
    result = fields.String(required=True, validate=validate.OneOf(RESULTS))
    customer_signature = fields.String(
        required=True,
        validate=validate.Length(min=1, max=60000),
        metadata={"description": "the customer's signature (image data URI or reference)"},
    )

    @ma.validates_schema
    def _times(self, data: dict[str, Any], **_: Any) -> None:
        start, finish = data.get("started_at"), data.get("finished_at")
        if start and finish and finish < start:
            raise ma.ValidationError("must not be before started_at", "finished_at")


class ConfirmationIn(InputSchema):
    method = fields.String(required=True, validate=validate.OneOf(CONFIRMATIONS))
    customer_signature = fields.String(
        validate=validate.Length(min=20, max=60000),
        metadata={"description": "the customer's signature (data: URI), for customer_signature"},
    )


class AcceptanceCreate(InputSchema):
    accepted = Boolean(required=True)
    confirmation = fields.Nested(
        ConfirmationIn,
        metadata={
            "description": "how the customer confirmed the answer: required when the visit's "
            "technician records it (the customer's signature); an office role records a call"
        },
    )
    rating = fields.Integer(required=True, strict=True, validate=RATING)
    reason = fields.String(
        validate=validate.Length(min=1, max=5000), metadata={"description": "required if rejected"}
    )
    responded_at = PastDateTime(metadata={"description": "the customer's answer (default: now)"})

    @ma.validates_schema
    def _reason(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("accepted") is False and not data.get("reason"):
            raise ma.ValidationError("a reason is required when the repair is rejected", "reason")


class FollowUpCreate(InputSchema):
    satisfaction = fields.Integer(required=True, strict=True, validate=RATING)
    remarks = fields.String(required=True, validate=validate.Length(max=5000))


class WorkOrderQueryArgs(ListArgs):
    status = fields.String(validate=validate.OneOf(WORK_ORDER_STATUSES))
    kind = fields.String(validate=validate.OneOf(KINDS))
    technician_id = fields.UUID()
    serial_no = fields.String(validate=validate.Length(min=1, max=100))
    ticket_id = fields.UUID()


class FollowUpDueQueryArgs(QuerySchema):
    region = Region()


class RouteQueryArgs(QuerySchema):
    region = Region(metadata={"description": "required unless the token is region-limited"})
    date = fields.Date(metadata={"description": "the day, in the region's time zone (today)"})
