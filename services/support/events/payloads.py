"""The payload schemas of what support publishes (versioned; fields are added, never
repurposed). Declared with their samples in ``events/__init__.py``."""

from __future__ import annotations

from marshmallow import fields, validate

from services.support.domain import KINDS, ORIGINS, QUESTIONNAIRE_SOURCES, RECORD_KINDS, TOPICS
from shared.events import PayloadSchema


def _optional_text(description: str = "") -> fields.String:
    return fields.String(allow_none=True, load_default=None, metadata={"description": description})


class TrainingEvent(PayloadSchema):
    """Fields every training event carries; the region is in the envelope."""

    session_id = fields.UUID(required=True)
    kind = fields.String(
        required=True,
        validate=validate.OneOf(KINDS),
        metadata={
            "description": "on_site sessions are visits: dispatch books a training work order"
        },
    )
    product_model = fields.String(required=True)
    topics = fields.List(fields.String(validate=validate.OneOf(TOPICS)), required=True)
    trainer_id = _optional_text("the trainer's person id, once known")
    trainer_name = _optional_text()


class TrainingRequestedV1(TrainingEvent):
    origin = fields.String(required=True, validate=validate.OneOf(ORIGINS))
    customer_name = fields.String(required=True, metadata={"description": "the first customer"})
    customer_ref = _optional_text("the customer's reference (customer number), if given")
    customers = fields.List(fields.String(), required=True)
    contact_name = _optional_text("whom to call on site")
    contact_phone = _optional_text()
    site_address = _optional_text("where an on-site session takes place")
    preferred_time = fields.AwareDateTime(
        allow_none=True, load_default=None, format="iso", metadata={"description": "as asked"}
    )
    requested_by = fields.String(required=True)
    requested_at = fields.AwareDateTime(required=True, format="iso")


class TrainingScheduledV1(TrainingEvent):
    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")
    place = _optional_text("the site's or the training centre's address")
    link = _optional_text("an online session's meeting link")
    site_address = _optional_text()
    customers = fields.List(fields.String(), required=True)
    attendees_count = fields.Integer(required=True, validate=validate.Range(min=1))
    scheduled_at = fields.AwareDateTime(required=True, format="iso")


class FeedbackSummary(PayloadSchema):
    count = fields.Integer(required=True, validate=validate.Range(min=0))
    mean = fields.String(
        allow_none=True,
        load_default=None,
        metadata={"description": "mean rating, a decimal string with 2 places; none without"},
    )
    distribution = fields.Dict(
        keys=fields.String(validate=validate.OneOf(("1", "2", "3", "4", "5"))),
        values=fields.Integer(validate=validate.Range(min=0)),
        required=True,
        metadata={"description": "how many attendees gave each rating"},
    )


class TrainingHeldV1(TrainingEvent):
    attendees_count = fields.Integer(required=True, validate=validate.Range(min=1))
    attended_count = fields.Integer(required=True, validate=validate.Range(min=0))
    attendee_ids = fields.List(
        fields.String(),
        load_default=list,
        metadata={
            "description": "the person ids of the attendees who came, sorted (a staff "
            "member's is their technician id, as dispatch and kpi know them)"
        },
    )
    feedback = fields.Nested(FeedbackSummary, required=True)
    starts_at = fields.AwareDateTime(required=True, format="iso")
    held_at = fields.AwareDateTime(required=True, format="iso")


class TrainingCancelledV1(TrainingEvent):
    reason = fields.String(required=True)
    cancelled_at = fields.AwareDateTime(required=True, format="iso")


class QualificationRecordedV1(PayloadSchema):
    record_id = fields.UUID(required=True)
    person_id = fields.String(required=True, metadata={"description": "e.g. a technician's id"})
    person_name = fields.String(required=True)
    skill = fields.String(required=True, metadata={"description": "as dispatch names skills"})
    course = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(RECORD_KINDS))
    taken_on = fields.Date(required=True)
    score = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    passed = fields.Boolean(required=True)
    valid_until = fields.Date(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "a pass's validity (last valid day); none when not passed. The "
            "skill counts while the latest passing record's validity has not ended"
        },
    )
    recorded_at = fields.AwareDateTime(required=True, format="iso")


class QuestionnaireEvent(PayloadSchema):
    questionnaire_id = fields.UUID(required=True)
    work_order_id = fields.UUID(required=True)
    technician_id = _optional_text("the technician of the job, if known")


class QuestionnaireCreatedV1(QuestionnaireEvent):
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    customer_ref = fields.String(
        required=True, metadata={"description": "the customer the link is for"}
    )
    source = fields.String(required=True, validate=validate.OneOf(QUESTIONNAIRE_SOURCES))
    created_at = fields.AwareDateTime(required=True, format="iso")


class SurveyAnsweredV1(QuestionnaireEvent):
    source = fields.String(
        required=True,
        validate=validate.OneOf(("questionnaire",)),
        metadata={"description": "the satisfaction channel (kpi's CSAT by source)"},
    )
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    answered_at = fields.AwareDateTime(required=True, format="iso")
