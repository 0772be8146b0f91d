"""Qualifications' REST schemas."""

from __future__ import annotations

from marshmallow import fields, validate

from services.support.domain import RECORD_KINDS
from shared.schemas import (
    Boolean,
    InputSchema,
    ListArgs,
    PastDate,
    QueryBoolean,
    QuerySchema,
    ReadSchema,
    Region,
    UTCDateTimeField,
)

ID = validate.Length(min=1, max=100)
NAME = validate.Length(min=1, max=200)


class QualificationCreate(InputSchema):
    person_id = fields.String(
        required=True, validate=ID, metadata={"description": "e.g. tech-wang"}
    )
    person_name = fields.String(required=True, validate=NAME)
    region = Region(required=True)
    skill = fields.String(
        required=True, validate=ID, metadata={"description": "as dispatch names it, e.g. welding"}
    )
    course = fields.String(required=True, validate=NAME)
    kind = fields.String(required=True, validate=validate.OneOf(RECORD_KINDS))
    taken_on = PastDate(required=True)
    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=100))
    passed = Boolean(required=True)
    valid_until = fields.Date(
        metadata={
            "description": "a pass's last valid day (default: taken_on plus the configured "
            "months); none for a record that did not pass"
        }
    )


class QualificationRead(ReadSchema):
    id = fields.UUID()
    person_id = fields.String()
    person_name = fields.String()
    region = fields.String()
    skill = fields.String()
    course = fields.String()
    kind = fields.String()
    taken_on = fields.Date()
    score = fields.Integer()
    passed = fields.Boolean()
    valid_until = fields.Date()
    recorded_by = fields.String()
    recorded_at = UTCDateTimeField()


class StandingRead(ReadSchema):
    person_id = fields.String()
    person_name = fields.String()
    region = fields.String()
    skill = fields.String()
    valid_until = fields.Date()
    valid = fields.Boolean(metadata={"description": "valid today"})
    record_id = fields.UUID()
    taken_on = fields.Date()


class PersonQualificationsRead(ReadSchema):
    person_id = fields.String()
    person_name = fields.String()
    region = fields.String()
    current = fields.List(
        fields.Nested(StandingRead),
        metadata={"description": "per skill, the latest passing record's validity"},
    )
    records = fields.List(
        fields.Nested(QualificationRead), metadata={"description": "newest first"}
    )


class QualificationQueryArgs(ListArgs):
    """A record has no status: whether it passed is its filter."""

    class Meta(ListArgs.Meta):
        exclude = ("status",)

    person_id = fields.String(validate=ID)
    skill = fields.String(validate=ID)
    passed = QueryBoolean()


class ExpiringQueryArgs(QuerySchema):
    region = Region()
    skill = fields.String(validate=ID)
    within_days = fields.Integer(
        load_default=30,
        validate=validate.Range(min=1, max=366),
        metadata={"description": "how far ahead (default 30 days, a month)"},
    )
