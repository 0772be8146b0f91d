"""support's reads: sessions, qualification records and standings, questionnaires and the
form behind a link, as the viewer may see them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from services.support import domain
from services.support.models import QualificationRecord, Questionnaire, TrainingSession
from shared.auth import Principal
from shared.db import page
from shared.domain import Page, Window, require_visible
from shared.errors import NotFound


def _visible(query: Select[Any], model: Any, viewer: Principal, filters: dict[str, Any]) -> Any:
    if viewer.region is not None:
        query = query.where(model.region == viewer.region)
    for name, value in filters.items():
        if name not in ("created_from", "created_to") and value is not None:
            query = query.where(getattr(model, name) == value)
    return query


def _one(session: Session, model: Any, id_: uuid.UUID, viewer: Principal, what: str) -> Any:
    found = session.get(model, id_)
    absent = f"no {what} {id_}"
    if found is None:
        raise NotFound(absent)
    require_visible(viewer, found.region, absent)
    return found


def get_session(session: Session, session_id: uuid.UUID, *, viewer: Principal) -> TrainingSession:
    """One training session; one outside the viewer's region is as good as absent."""
    found: TrainingSession = _one(session, TrainingSession, session_id, viewer, "training session")
    return found


def list_sessions(
    session: Session, *, filters: dict[str, Any], viewer: Principal, window: Window
) -> Page[TrainingSession]:
    """Sessions, the latest requested first (filters: region, status, kind, model, trainer,
    request time)."""
    query = _visible(select(TrainingSession), TrainingSession, viewer, filters)
    if filters.get("created_from"):
        query = query.where(TrainingSession.requested_at >= filters["created_from"])
    if filters.get("created_to"):
        query = query.where(TrainingSession.requested_at <= filters["created_to"])
    order = (TrainingSession.requested_at.desc(), TrainingSession.id)
    return page(session, query, order=order, window=window)


def get_qualification(
    session: Session, record_id: uuid.UUID, *, viewer: Principal
) -> QualificationRecord:
    """One qualification record; one outside the viewer's region is as good as absent."""
    found: QualificationRecord = _one(
        session, QualificationRecord, record_id, viewer, "qualification record"
    )
    return found


def list_qualifications(
    session: Session, *, filters: dict[str, Any], viewer: Principal, window: Window
) -> Page[QualificationRecord]:
    """Qualification records, the latest taken first."""
    query = _visible(select(QualificationRecord), QualificationRecord, viewer, filters)
    if filters.get("created_from"):
        query = query.where(QualificationRecord.recorded_at >= filters["created_from"])
    if filters.get("created_to"):
        query = query.where(QualificationRecord.recorded_at <= filters["created_to"])
    order = (
        QualificationRecord.taken_on.desc(),
        QualificationRecord.recorded_at.desc(),
        QualificationRecord.id,
    )
    return page(session, query, order=order, window=window)


def _standing(standing: domain.Standing, today: dt.date) -> dict[str, Any]:
    return vars(standing) | {"valid": domain.is_valid(standing.valid_until, today)}


def get_person_qualifications(
    session: Session, person_id: str, *, viewer: Principal, today: dt.date
) -> dict[str, Any]:
    """A person's records, newest first, and their current qualification per skill."""
    query = select(QualificationRecord).where(QualificationRecord.person_id == person_id)
    records = list(session.scalars(query))
    absent = f"no qualifications of {person_id}"
    if not records:
        raise NotFound(absent)
    records.sort(key=lambda r: (r.taken_on, r.recorded_at), reverse=True)
    latest = records[0]
    require_visible(viewer, latest.region, absent)
    standings = sorted(domain.current_standings(records), key=lambda s: s.skill)
    return {
        "person_id": person_id,
        "person_name": latest.person_name,
        "region": latest.region,
        "current": [_standing(s, today) for s in standings],
        "records": records,
    }


def list_expiring(
    session: Session, *, filters: dict[str, Any], viewer: Principal, today: dt.date
) -> list[dict[str, Any]]:
    """Current qualifications that end within ``within_days`` (still valid today), soonest
    first, in one region or all the viewer sees."""
    query = select(QualificationRecord).where(QualificationRecord.passed.is_(True))
    region = filters.get("region") or viewer.region
    if viewer.region is not None and region != viewer.region:
        return []
    if region is not None:
        query = query.where(QualificationRecord.region == region)
    if filters.get("skill"):
        query = query.where(QualificationRecord.skill == filters["skill"])
    # Every passing record of the people concerned: a later pass supersedes an earlier one.
    found = domain.expiring(
        domain.current_standings(session.scalars(query)),
        today=today,
        within_days=filters["within_days"],
    )
    return [_standing(s, today) for s in found]


def get_questionnaire(
    session: Session, questionnaire_id: uuid.UUID, *, viewer: Principal
) -> Questionnaire:
    """One questionnaire; one outside the viewer's region is as good as absent."""
    found: Questionnaire = _one(session, Questionnaire, questionnaire_id, viewer, "questionnaire")
    return found


def list_questionnaires(
    session: Session, *, filters: dict[str, Any], viewer: Principal, window: Window
) -> Page[Questionnaire]:
    """Questionnaires, the latest created first."""
    query = _visible(select(Questionnaire), Questionnaire, viewer, filters)
    if filters.get("created_from"):
        query = query.where(Questionnaire.created_at >= filters["created_from"])
    if filters.get("created_to"):
        query = query.where(Questionnaire.created_at <= filters["created_to"])
    order = (Questionnaire.created_at.desc(), Questionnaire.id)
    return page(session, query, order=order, window=window)


def get_form(session: Session, link: str, *, now: dt.datetime) -> dict[str, Any]:
    """The questions behind a link: 404 for no such link, 409 once answered, 410 expired."""
    found = session.scalars(select(Questionnaire).where(Questionnaire.token_digest == link)).first()
    if found is None or found.expires_at is None:
        raise NotFound("no such link")
    domain.require_answerable(found.status, found.expires_at, now)
    return {"questions": list(domain.QUESTIONS), "expires_at": found.expires_at}


def count_open(session: Session) -> list[tuple[str, str, int]]:
    """Sessions not yet held or cancelled, as (region, status, count)."""
    query = (
        select(TrainingSession.region, TrainingSession.status, func.count())
        .where(TrainingSession.status.in_((domain.REQUESTED, domain.SCHEDULED)))
        .group_by(TrainingSession.region, TrainingSession.status)
    )
    return [(region, status, int(n)) for region, status, n in session.execute(query)]
