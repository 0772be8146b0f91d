"""What kpi reads of support's events: questionnaires answered (satisfaction, source
``questionnaire``) and training sessions held (attendance, and who came)."""

from __future__ import annotations

from marshmallow import fields, validate

from services.kpi.domain.channels import TrainingFacts
from services.kpi.handlers.common import (
    RATING,
    Registration,
    optional_id,
    stage_rating,
    time_field,
)
from services.kpi.repositories import KpiBatch
from shared.events import Delivery, InboundSchema


class SurveyAnsweredIn(InboundSchema):
    questionnaire_id = fields.UUID(required=True)
    technician_id = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=36)
    )
    rating = fields.Integer(required=True, validate=RATING)
    answered_at = time_field(required=True)


class TrainingHeldIn(InboundSchema):
    session_id = fields.UUID(required=True)
    topics = fields.List(fields.String(validate=validate.Length(max=50)), required=True)
    attendees_count = fields.Integer(required=True, validate=validate.Range(min=1))
    attended_count = fields.Integer(required=True, validate=validate.Range(min=0))
    # The person ids of the attendees who came (support adds it; older events lack it).
    attendee_ids = fields.List(fields.String(validate=validate.Length(max=100)), load_default=list)
    held_at = time_field(required=True)


def on_survey_answered(delivery: Delivery, batch: KpiBatch) -> None:
    """A questionnaire's rating of a completed job (one per questionnaire)."""
    p = delivery.payload
    key = f"questionnaire/{p['questionnaire_id']}"
    technician = optional_id(p["technician_id"])
    stage_rating(batch, key, delivery.event.region, p["rating"], p["answered_at"], technician)


def on_training_held(delivery: Delivery, batch: KpiBatch) -> None:
    """A session held: attendance, its topics, and who came."""
    p, region = delivery.payload, delivery.event.region
    counts = (p["attendees_count"], p["attended_count"])
    batch.trainings.stage(
        str(p["session_id"]),
        region,
        TrainingFacts.add_held,
        region,
        p["held_at"],
        counts,
        list(p["topics"]),
        list(p["attendee_ids"]),
    )


HANDLERS: tuple[Registration, ...] = (
    ("survey.answered", SurveyAnsweredIn, on_survey_answered),
    ("training.held", TrainingHeldIn, on_training_held),
)
