"""Schemas of training visits and staff qualifications: marking a training visit done, and a
technician's skills with their qualifications."""

from __future__ import annotations

from marshmallow import fields, validate

from services.dispatch.schemas.outputs import TechnicianRead
from shared.schemas import InputSchema, PastDateTime, ReadSchema


class TrainingCompletionCreate(InputSchema):
    finished_at = PastDateTime(metadata={"description": "the session ended (default: now)"})
    remarks = fields.String(
        validate=validate.Length(min=1, max=5000),
        metadata={"description": "the trainer's notes (attendance is recorded in support)"},
    )


class CurrentQualificationRead(ReadSchema):
    record_id = fields.String(metadata={"description": "support's record"})
    course = fields.String()
    taken_on = fields.Date()
    valid_until = fields.Date(metadata={"description": "the last valid day"})


class SkillQualificationRead(ReadSchema):
    skill = fields.String()
    required = fields.Boolean(
        metadata={
            "description": "automatic and named assignment need a valid qualification in it "
            "(AFTERCARE_DISPATCH_QUALIFIED_SKILLS)"
        }
    )
    valid = fields.Boolean(metadata={"description": "the current qualification is valid today"})
    current = fields.Nested(
        CurrentQualificationRead,
        metadata={"description": "the latest passing record support reported (none: none)"},
    )


class TechnicianDetailRead(TechnicianRead):
    qualifications = fields.List(
        fields.Nested(SkillQualificationRead),
        metadata={"description": "each skill's qualification, by the person's login or work ID"},
    )
