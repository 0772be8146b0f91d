"""What dispatch reads of support's events: staff qualifications (which gate assignment) and
on-site training sessions (booked as training visits)."""

from __future__ import annotations

from marshmallow import fields, validate

from services.dispatch.repositories import DispatchUnitOfWork
from services.dispatch.use_cases import (
    cancel_training_work_order,
    open_training_work_order,
    record_qualification,
    schedule_training_visit,
)
from shared.events import Delivery, InboundSchema, Subscriptions

ID = validate.Length(min=1, max=200)
SHORT = validate.Length(max=100)


def _optional(length: int) -> fields.String:
    return fields.String(allow_none=True, load_default=None, validate=validate.Length(max=length))


class QualificationRecordedIn(InboundSchema):
    """support's qualification.recorded: a person's training or exam in a skill."""

    record_id = fields.UUID(required=True)
    person_id = fields.String(required=True, validate=ID)
    skill = fields.String(required=True, validate=validate.Length(min=1, max=100))
    course = _optional(200)
    taken_on = fields.Date(required=True)
    passed = fields.Boolean(required=True)
    valid_until = fields.Date(allow_none=True, load_default=None)
    recorded_at = fields.AwareDateTime(required=True, format="iso")


class TrainingIn(InboundSchema):
    """What every training event says of its session."""

    session_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.Length(max=30))
    product_model = fields.String(required=True, validate=SHORT)
    topics = fields.List(fields.String(validate=SHORT), required=True)
    trainer_id = _optional(200)
    trainer_name = _optional(200)


class TrainingRequestedIn(TrainingIn):
    """support's training.requested: an on-site session becomes a training work order."""

    customer_name = fields.String(required=True, validate=validate.Length(max=200))
    customer_ref = _optional(100)
    contact_name = _optional(200)
    contact_phone = _optional(50)
    site_address = _optional(500)
    preferred_time = fields.AwareDateTime(allow_none=True, load_default=None, format="iso")


class TrainingScheduledIn(TrainingIn):
    """support's training.scheduled: the trainer's day shows the session."""

    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")
    site_address = _optional(500)
    customers = fields.List(fields.String(), required=True)
    scheduled_at = fields.AwareDateTime(required=True, format="iso")


class TrainingCancelledIn(TrainingIn):
    """support's training.cancelled: the training work order is cancelled."""

    reason = fields.String(required=True)
    cancelled_at = fields.AwareDateTime(required=True, format="iso")


def on_qualification_recorded(delivery: Delivery, uow: DispatchUnitOfWork) -> None:
    """Keep the person's latest passing record in the skill."""
    record_qualification(uow, record=delivery.payload)


def on_training_requested(delivery: Delivery, uow: DispatchUnitOfWork) -> None:
    """Open a training work order for an on-site session."""
    open_training_work_order(uow, region=delivery.event.region, requested=delivery.payload)


def on_training_scheduled(delivery: Delivery, uow: DispatchUnitOfWork) -> None:
    """Book the trainer for the session's time."""
    schedule_training_visit(uow, region=delivery.event.region, scheduled=delivery.payload)


def on_training_cancelled(delivery: Delivery, uow: DispatchUnitOfWork) -> None:
    """Cancel the session's training work order."""
    cancel_training_work_order(uow, region=delivery.event.region, cancelled=delivery.payload)


def subscribe(subscriptions: Subscriptions) -> None:
    """Register these handlers on dispatch's subscriptions."""
    subscriptions.on("qualification.recorded", schema=QualificationRecordedIn)(
        on_qualification_recorded
    )
    subscriptions.on("training.requested", schema=TrainingRequestedIn)(on_training_requested)
    subscriptions.on("training.scheduled", schema=TrainingScheduledIn)(on_training_scheduled)
    subscriptions.on("training.cancelled", schema=TrainingCancelledIn)(on_training_cancelled)
