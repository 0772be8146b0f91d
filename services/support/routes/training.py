"""Training sessions over REST."""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for

from services.support import queries, use_cases
from services.support.repositories import SqlSupportUnitOfWork
from services.support.schemas import (
    AttendanceCreate,
    CancellationCreate,
    ScheduleCreate,
    TrainingCreate,
    TrainingQueryArgs,
    TrainingRead,
)
from shared.domain import Page, Window
from shared.web import Blueprint, principal, session, unit_of_work

READERS = ("agent", "dispatcher", "technician", "engineer", "manager", "admin")
REQUESTERS = ("agent", "manager", "admin")
PLANNERS = ("manager", "admin")

training = Blueprint(
    "training",
    __name__,
    url_prefix="/training-sessions",
    description="Customer training: requested or planned, scheduled, held with attendance",
)


def _uow() -> SqlSupportUnitOfWork:
    return unit_of_work(SqlSupportUnitOfWork)


@training.route("", methods=["POST"])
@training.requires(*REQUESTERS)
@training.idempotent
@training.arguments(TrainingCreate)
@training.response(201, TrainingRead)
def create_session(session_in: dict[str, Any]) -> Any:
    """Request a session for a customer (agents), or plan one (origin planned: managers,
    admin). An on_site session names its site: dispatch books it as a visit."""
    created = use_cases.request_training(_uow(), session_in=session_in, by=principal())
    return created, 201, {"Location": url_for("training.get_session", session_id=created.id)}


@training.route("", methods=["GET"])
@training.requires(*READERS)
@training.arguments(TrainingQueryArgs, location="query")
@training.response(200, TrainingRead(many=True))
@training.paginated()
def list_sessions(filters: dict[str, Any], window: Window) -> Page[Any]:
    """Sessions, the latest requested first (filters: region, status, kind, model, trainer)."""
    return queries.list_sessions(session(), filters=filters, viewer=principal(), window=window)


@training.route("/<uuid:session_id>", methods=["GET"])
@training.requires(*READERS)
@training.response(200, TrainingRead)
def get_session(session_id: uuid.UUID) -> Any:
    """One session with its attendees, attendance and feedback."""
    return queries.get_session(session(), session_id, viewer=principal())


@training.route("/<uuid:session_id>/schedule", methods=["POST"])
@training.requires(*PLANNERS)
@training.idempotent
@training.arguments(ScheduleCreate)
@training.response(200, TrainingRead)
def schedule_session(plan: dict[str, Any], session_id: uuid.UUID) -> Any:
    """Trainer, time, place or link, attendees (each once) and materials; again to
    reschedule. Managers and admin."""
    return use_cases.schedule_training(_uow(), session_id=session_id, plan=plan, by=principal())


@training.route("/<uuid:session_id>/attendance", methods=["POST"])
@training.requires(*PLANNERS)
@training.idempotent
@training.arguments(AttendanceCreate)
@training.response(200, TrainingRead)
def record_attendance(attendance_in: dict[str, Any], session_id: uuid.UUID) -> Any:
    """The session was held: who came, and each attendee's rating and comment. Managers and
    admin."""
    return use_cases.record_attendance(
        _uow(), session_id=session_id, attendance_in=attendance_in, by=principal()
    )


@training.route("/<uuid:session_id>/cancel", methods=["POST"])
@training.requires(*REQUESTERS)
@training.idempotent
@training.arguments(CancellationCreate)
@training.response(200, TrainingRead)
def cancel_session(cancellation: dict[str, Any], session_id: uuid.UUID) -> Any:
    """Call a session off (the customer's wish through an agent, or a manager's)."""
    return use_cases.cancel_training(
        _uow(), session_id=session_id, reason=cancellation["reason"], by=principal()
    )
