"""Staff qualifications over REST."""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for

from services.support import queries, use_cases
from services.support.repositories import SqlSupportUnitOfWork
from services.support.schemas import (
    ExpiringQueryArgs,
    PersonQualificationsRead,
    QualificationCreate,
    QualificationQueryArgs,
    QualificationRead,
    StandingRead,
)
from shared.domain import Page, Window
from shared.web import Blueprint, principal, runtime, session, unit_of_work

READERS = ("dispatcher", "engineer", "manager", "admin")
RECORDERS = ("manager", "admin")

qualifications = Blueprint(
    "qualifications",
    __name__,
    url_prefix="/qualifications",
    description="Training and exam records per person and skill, and what expires soon",
)
people = Blueprint(
    "people", __name__, url_prefix="/people", description="A person's qualifications"
)


def _today() -> Any:
    return runtime().clock.now().date()


@qualifications.route("", methods=["POST"])
@qualifications.requires(*RECORDERS)
@qualifications.idempotent
@qualifications.arguments(QualificationCreate)
@qualifications.response(201, QualificationRead)
def create_record(record_in: dict[str, Any]) -> Any:
    """Record a training or exam (score 0-100, passed, validity). Managers and admin."""
    uow = unit_of_work(SqlSupportUnitOfWork)
    record = use_cases.record_qualification(uow, record_in=record_in, by=principal())
    location = url_for("qualifications.get_record", record_id=record.id)
    return record, 201, {"Location": location}


@qualifications.route("", methods=["GET"])
@qualifications.requires(*READERS)
@qualifications.arguments(QualificationQueryArgs, location="query")
@qualifications.response(200, QualificationRead(many=True))
@qualifications.paginated()
def list_records(filters: dict[str, Any], window: Window) -> Page[Any]:
    """Records, the latest taken first (filters: region, person, skill, passed)."""
    return queries.list_qualifications(
        session(), filters=filters, viewer=principal(), window=window
    )


@qualifications.route("/<uuid:record_id>", methods=["GET"])
@qualifications.requires(*READERS)
@qualifications.response(200, QualificationRead)
def get_record(record_id: uuid.UUID) -> Any:
    """One record."""
    return queries.get_qualification(session(), record_id, viewer=principal())


@qualifications.route("/expiring", methods=["GET"])
@qualifications.requires(*READERS)
@qualifications.arguments(ExpiringQueryArgs, location="query")
@qualifications.response(200, StandingRead(many=True))
def list_expiring(filters: dict[str, Any]) -> Any:
    """Current qualifications (the latest pass per person and skill) still valid today that
    end within ``within_days`` (default 30), soonest first, per region."""
    return queries.list_expiring(session(), filters=filters, viewer=principal(), today=_today())


@people.route("/<string:person_id>/qualifications", methods=["GET"])
@people.requires(*READERS)
@people.response(200, PersonQualificationsRead)
def get_person(person_id: str) -> Any:
    """A person's records and their current qualification per skill (valid or not today)."""
    return queries.get_person_qualifications(
        session(), person_id, viewer=principal(), today=_today()
    )
