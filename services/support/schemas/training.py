"""Training sessions' REST schemas."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from services.support.domain import KINDS, ORIGINS, STATUSES, TOPICS
from shared.schemas import (
    AnyDateTime,
    Boolean,
    InputSchema,
    ListArgs,
    PastDateTime,
    ReadSchema,
    Region,
    UTCDateTimeField,
)

NAME = validate.Length(min=1, max=200)
ID = validate.Length(min=1, max=100)
TEXT = validate.Length(min=1, max=2000)
PHONE = validate.Regexp(r"^\+?[0-9 ()\-]{5,30}$", error="not a phone number")
URL = validate.URL(schemes={"http", "https"}, require_tld=False)


class PersonIn(InputSchema):
    id = fields.String(required=True, validate=ID, metadata={"description": "person id"})
    name = fields.String(required=True, validate=NAME)


class CustomerIn(InputSchema):
    name = fields.String(required=True, validate=NAME)
    ref = fields.String(validate=ID, metadata={"description": "customer number, if any"})


class ContactIn(InputSchema):
    name = fields.String(required=True, validate=NAME)
    phone = fields.String(validate=PHONE)


class MaterialIn(InputSchema):
    title = fields.String(required=True, validate=NAME)
    reference = fields.String(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "where the document, video or slides are kept"},
    )


class TrainingCreate(InputSchema):
    region = Region(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    origin = fields.String(
        validate=validate.OneOf(ORIGINS),
        metadata={"description": "customer_request (default) or planned (managers and admin)"},
    )
    product_model = fields.String(required=True, validate=ID)
    topics = fields.List(
        fields.String(validate=validate.OneOf(TOPICS)),
        required=True,
        validate=validate.Length(min=1, max=4),
    )
    customers = fields.List(
        fields.Nested(CustomerIn), required=True, validate=validate.Length(min=1, max=50)
    )
    contact = fields.Nested(ContactIn)
    site_address = fields.String(
        validate=TEXT, metadata={"description": "required for an on_site session"}
    )
    preferred_time = AnyDateTime(metadata={"description": "as asked"})
    trainer = fields.Nested(PersonIn, metadata={"description": "if already known"})
    materials = fields.List(fields.Nested(MaterialIn), validate=validate.Length(max=50))
    notes = fields.String(validate=TEXT)


class AttendeeIn(InputSchema):
    person_id = fields.String(required=True, validate=ID)
    name = fields.String(required=True, validate=NAME)
    customer = fields.String(validate=NAME, metadata={"description": "whose staff"})


class ScheduleCreate(InputSchema):
    trainer = fields.Nested(PersonIn, required=True)
    starts_at = AnyDateTime(required=True)
    ends_at = AnyDateTime(required=True)
    place = fields.String(
        validate=TEXT,
        metadata={"description": "the centre's address (default for on_site: the site)"},
    )
    link = fields.String(
        validate=[validate.Length(max=500), URL], metadata={"description": "online"}
    )
    attendees = fields.List(
        fields.Nested(AttendeeIn),
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "each person once"},
    )
    materials = fields.List(fields.Nested(MaterialIn), validate=validate.Length(max=50))

    @ma.validates_schema
    def _times(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ma.ValidationError("must be after starts_at", "ends_at")


class AttendanceIn(InputSchema):
    person_id = fields.String(required=True, validate=ID)
    attended = Boolean(required=True)
    rating = fields.Integer(strict=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(validate=TEXT)


class AttendanceCreate(InputSchema):
    attendance = fields.List(
        fields.Nested(AttendanceIn),
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "every listed attendee once: came or not, and feedback"},
    )
    held_at = PastDateTime(metadata={"description": "when it ended (default: now)"})


class CancellationCreate(InputSchema):
    reason = fields.String(required=True, validate=TEXT)


class PersonRead(ReadSchema):
    id = fields.String()
    name = fields.String()


class ContactRead(ReadSchema):
    name = fields.String()
    phone = fields.String()


class CustomerRead(ReadSchema):
    name = fields.String()
    ref = fields.String()


class MaterialRead(ReadSchema):
    title = fields.String()
    reference = fields.String()


class AttendeeRead(ReadSchema):
    person_id = fields.String()
    name = fields.String()
    customer = fields.String()
    attended = fields.Boolean()
    rating = fields.Integer()
    comment = fields.String()


class TrainingRead(ReadSchema):
    id = fields.UUID()
    region = fields.String()
    kind = fields.String()
    status = fields.String(metadata={"description": ", ".join(STATUSES)})
    origin = fields.String()
    product_model = fields.String()
    topics = fields.List(fields.String())
    customers = fields.List(fields.Nested(CustomerRead))
    contact = fields.Function(
        lambda s: {"name": s.contact_name, "phone": s.contact_phone} if s.contact_name else None,
        metadata={"schema": ContactRead},
    )
    site_address = fields.String()
    preferred_time = UTCDateTimeField()
    notes = fields.String()
    requested_by = fields.String()
    requested_at = UTCDateTimeField()
    trainer = fields.Function(
        lambda s: {"id": s.trainer_id, "name": s.trainer_name} if s.trainer_id else None,
        metadata={"schema": PersonRead},
    )
    starts_at = UTCDateTimeField()
    ends_at = UTCDateTimeField()
    place = fields.String()
    link = fields.String()
    materials = fields.List(fields.Nested(MaterialRead))
    attendees = fields.List(fields.Nested(AttendeeRead))
    scheduled_by = fields.String()
    scheduled_at = UTCDateTimeField()
    held_at = UTCDateTimeField()
    cancelled_at = UTCDateTimeField()
    cancel_reason = fields.String()


class TrainingQueryArgs(ListArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))
    kind = fields.String(validate=validate.OneOf(KINDS))
    product_model = fields.String(validate=ID)
    trainer_id = fields.String(validate=ID)
