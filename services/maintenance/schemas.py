"""Maintenance's REST schemas (``<Thing>Create``, ``<Thing>Read``, ``<Thing>QueryArgs``)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from services.maintenance.domain import (
    ENVIRONMENTS,
    MAX_INTERVAL_MONTHS,
    PLAN_STATUSES,
    PRODUCT_TYPES,
    TASKS,
)
from shared.notices.recipient import LANGUAGES
from shared.schemas import (
    InputSchema,
    ListArgs,
    PastDate,
    PastDateTime,
    ReadSchema,
    Region,
    UTCDateTimeField,
)

PHONE = validate.Regexp(r"^\+?[0-9 ()\-]{5,30}$", error="not a phone number")
SERIAL = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._/\-]{0,99}$", error="not a serial number")
TEXT = validate.Length(min=1, max=5000)
NAME = validate.Length(min=1, max=200)
SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="not a SHA-256 hex digest")


class AssetDetails(InputSchema):
    product_model = fields.String(validate=validate.Length(min=1, max=100))
    product_type = fields.String(validate=validate.OneOf(PRODUCT_TYPES))
    customer_name = fields.String(validate=NAME)
    customer_phone = fields.String(allow_none=True, validate=PHONE)
    customer_email = fields.Email(allow_none=True, validate=validate.Length(max=200))
    customer_language = fields.String(
        allow_none=True,
        validate=validate.OneOf(LANGUAGES),
        metadata={"description": "the language of the customer's notices (default zh-CN)"},
    )
    contact_name = fields.String(allow_none=True, validate=NAME)
    site_address = fields.String(allow_none=True, validate=validate.Length(min=1, max=1000))
    environment = fields.String(validate=validate.OneOf(ENVIRONMENTS))
    installed_on = PastDate()


class AssetCreate(AssetDetails):
    serial_no = fields.String(required=True, validate=SERIAL)
    region = Region(required=True)
    product_model = fields.String(required=True, validate=validate.Length(min=1, max=100))
    product_type = fields.String(required=True, validate=validate.OneOf(PRODUCT_TYPES))
    customer_name = fields.String(required=True, validate=NAME)
    site_address = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    environment = fields.String(required=True, validate=validate.OneOf(ENVIRONMENTS))
    installed_on = PastDate(required=True)


class AssetUpdate(AssetDetails):
    @ma.validates_schema
    def _not_empty(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            raise ma.ValidationError("nothing to change")


class AssetRead(ReadSchema):
    serial_no = fields.String()
    product_model = fields.String()
    product_type = fields.String()
    customer_name = fields.String()
    customer_phone = fields.String()
    customer_email = fields.String()
    customer_language = fields.String()
    contact_name = fields.String()
    site_address = fields.String()
    region = fields.String()
    environment = fields.String()
    installed_on = fields.Date()
    source = fields.String(metadata={"description": "registered, or first seen on an event"})
    complete = fields.Boolean(metadata={"description": "enough details to plan visits"})
    successor_serial_no = fields.String()
    predecessor_serial_no = fields.String()
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()


class AssetQueryArgs(ListArgs):
    status = fields.String(
        validate=validate.OneOf(("complete", "incomplete")),
        metadata={"description": "complete assets, or those first seen on an event"},
    )
    environment = fields.String(validate=validate.OneOf(ENVIRONMENTS))
    product_type = fields.String(validate=validate.OneOf(PRODUCT_TYPES))
    customer_name = fields.String(validate=NAME)


class PlanFields(InputSchema):
    interval_months = fields.Integer(
        strict=True, validate=validate.Range(min=1, max=MAX_INTERVAL_MONTHS)
    )
    notice_days = fields.Integer(strict=True, validate=validate.Range(min=0, max=3650))
    tasks = fields.List(
        fields.String(validate=validate.OneOf(TASKS)),
        validate=validate.Length(min=1, max=len(TASKS)),
    )
    method = fields.String(validate=TEXT)
    team = fields.String(validate=NAME)
    required_skill = fields.String(allow_none=True, validate=validate.Length(min=1, max=100))
    estimated_hours = fields.Decimal(validate=validate.Range(min=0, max=999), places=2)

    @ma.validates("tasks")
    def _tasks_once(self, value: list[str], **_: Any) -> None:
        if len(set(value)) != len(value):
            raise ma.ValidationError("a task is listed twice")

    @ma.validates_schema
    def _notice_within_interval(self, data: dict[str, Any], **_: Any) -> None:
        interval, notice = data.get("interval_months"), data.get("notice_days")
        if interval is not None and notice is not None and notice >= interval * 28:
            raise ma.ValidationError(
                f"must be shorter than the interval ({interval * 28} days)", "notice_days"
            )


class PlanCreate(PlanFields):
    serial_no = fields.String(required=True, validate=SERIAL)
    first_due_date = fields.Date(
        metadata={"description": "the first visit (default: counted from the installation)"}
    )


class PlanUpdate(PlanFields):
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))

    @ma.validates_schema
    def _not_empty(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            raise ma.ValidationError("nothing to change")


class PlanRead(ReadSchema):
    id = fields.UUID()
    serial_no = fields.String(attribute="asset.serial_no")
    region = fields.String()
    status = fields.String()
    interval_months = fields.Integer()
    notice_days = fields.Integer()
    tasks = fields.List(fields.String())
    method = fields.String()
    team = fields.String()
    required_skill = fields.String()
    estimated_hours = fields.Decimal(as_string=True)
    overrides = fields.List(
        fields.String(), metadata={"description": "fields set on the plan, not by the defaults"}
    )
    next_due_date = fields.Date()
    notice_date = fields.Date(attribute="notice_on")
    last_visit_due = fields.Date(metadata={"description": "last occurrence sent to dispatch"})
    open_due = fields.Date(metadata={"description": "announced occurrence awaiting a record"})
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()


class PlanQueryArgs(ListArgs):
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))
    serial_no = fields.String(validate=SERIAL)
    due_from = fields.Date(metadata={"description": "next due date on or after"})
    due_to = fields.Date(metadata={"description": "next due date on or before"})


class TaskIn(InputSchema):
    task = fields.String(required=True, validate=validate.OneOf(TASKS))
    done = fields.Boolean(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class ProblemIn(InputSchema):
    description = fields.String(required=True, validate=TEXT)
    hazard = fields.Boolean(load_default=False)


class AttachmentIn(InputSchema):
    kind = fields.String(required=True, validate=validate.OneOf(("photo", "document")))
    reference = fields.String(required=True, validate=validate.Length(min=1, max=500))
    sha256 = fields.String(required=True, validate=SHA256)
    caption = fields.String(load_default="", validate=validate.Length(max=500))


class RecordCreate(InputSchema):
    visited_at = PastDateTime(metadata={"description": "the visit (default: now)"})
    work_order_id = fields.UUID(metadata={"description": "dispatch's maintenance work order"})
    tasks = fields.List(fields.Nested(TaskIn), required=True, validate=validate.Length(min=1))
    findings = fields.String(required=True, validate=validate.Length(max=5000))
    problems = fields.List(
        fields.Nested(ProblemIn), load_default=list, validate=validate.Length(max=50)
    )
    attachments = fields.List(
        fields.Nested(AttachmentIn), load_default=list, validate=validate.Length(max=50)
    )
    customer_signature = fields.String(required=True, validate=validate.Length(min=1, max=60000))
    signed_by = fields.String(required=True, validate=NAME)


class RecordRead(ReadSchema):
    id = fields.UUID()
    plan_id = fields.UUID()
    serial_no = fields.String()
    region = fields.String()
    work_order_id = fields.UUID()
    due_date = fields.Date()
    visited_at = UTCDateTimeField()
    visited_on = fields.Date()
    technician = fields.String()
    tasks = fields.List(fields.Dict())
    findings = fields.String()
    problems = fields.List(fields.Dict())
    attachments = fields.List(fields.Dict())
    customer_signature = fields.String()
    signed_by = fields.String()
    next_due_date = fields.Date()
    created_at = UTCDateTimeField()


class HistoryRead(ReadSchema):
    occurred_at = UTCDateTimeField()
    category = fields.String()
    type = fields.String()
    summary = fields.String()
    serial_no = fields.String()
    ticket_id = fields.UUID()
    work_order_id = fields.UUID()
    record_id = fields.UUID()
    region = fields.String()


class ServiceFileRead(ReadSchema):
    asset = fields.Nested(AssetRead)
    predecessors = fields.List(fields.String())
    entries = fields.List(fields.Nested(HistoryRead))
