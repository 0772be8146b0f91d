"""Training sessions: requested (by an agent for a customer) or planned (by a manager),
scheduled, held with attendance and feedback, or cancelled."""

from __future__ import annotations

import uuid
from typing import Any

from services.support import domain
from services.support.models import TrainingSession
from services.support.repositories import SupportUnitOfWork
from shared.auth import Principal
from shared.domain import require_region
from shared.errors import Forbidden, InvalidInput

PLANNERS = ("manager", "admin")


def _check_request(session_in: dict[str, Any], by: Principal) -> str:
    """The request's origin, once the caller may make it (403, 422 naming the field)."""
    require_region(by, session_in["region"])
    origin: str = session_in.get("origin", "customer_request")
    if origin == "planned" and not by.has_any(PLANNERS):
        raise Forbidden(
            "only a manager plans sessions", errors={"origin": ["requires manager or admin"]}
        )
    if session_in["kind"] == "on_site" and not session_in.get("site_address"):
        raise InvalidInput(
            "an on-site session needs its site",
            errors={"site_address": ["required for an on_site session"]},
        )
    return origin


def request_training(
    uow: SupportUnitOfWork, *, session_in: dict[str, Any], by: Principal
) -> TrainingSession:
    """A session a customer asked for, or one a manager plans (``training.requested``); an
    on-site one names its site, where dispatch will send the trainer."""
    origin = _check_request(session_in, by)
    trainer = session_in.get("trainer") or {}
    contact = session_in.get("contact") or {}
    session = TrainingSession(
        id=uuid.uuid4(),
        region=session_in["region"],
        kind=session_in["kind"],
        status=domain.REQUESTED,
        origin=origin,
        product_model=session_in["product_model"],
        topics=list(dict.fromkeys(session_in["topics"])),
        customers=[dict(c) for c in session_in["customers"]],
        contact_name=contact.get("name"),
        contact_phone=contact.get("phone"),
        site_address=session_in.get("site_address"),
        preferred_time=session_in.get("preferred_time"),
        notes=session_in.get("notes"),
        requested_by=by.sub,
        requested_at=uow.clock.now(),
        trainer_id=trainer.get("id"),
        trainer_name=trainer.get("name"),
        materials=[dict(m) for m in session_in.get("materials", [])],
        attendees=[],
        version=0,
    )
    uow.sessions.add(session)
    session.announce()
    uow.commit()
    return session


def schedule_training(
    uow: SupportUnitOfWork, *, session_id: uuid.UUID, plan: dict[str, Any], by: Principal
) -> TrainingSession:
    """Trainer, time, place or link, attendees (each once) and materials
    (``training.scheduled``); a scheduled session may be rescheduled."""
    session = uow.sessions.get_for_step(session_id, by=by)
    domain.require_step(session.status, "schedule")
    twice = domain.duplicate_attendees(plan["attendees"], field="attendees")
    if twice:
        raise InvalidInput("an attendee is listed twice", errors=twice)
    domain.require_place(
        session.kind, place=plan.get("place") or session.site_address, link=plan.get("link")
    )
    session.schedule(plan, by=by.sub, at=uow.clock.now())
    uow.commit()
    return session


def record_attendance(
    uow: SupportUnitOfWork, *, session_id: uuid.UUID, attendance_in: dict[str, Any], by: Principal
) -> TrainingSession:
    """Who came and each attendee's feedback: the session was held (``training.held``)."""
    session = uow.sessions.get_for_step(session_id, by=by)
    domain.require_step(session.status, "hold")
    attendance = attendance_in["attendance"]
    errors = domain.attendance_errors([a["person_id"] for a in session.attendees], attendance)
    if errors:
        raise InvalidInput("the attendance does not match the session", errors=errors)
    held_at = attendance_in.get("held_at") or uow.clock.now()
    if session.starts_at is not None and held_at < session.starts_at:
        raise InvalidInput(
            "a session is held after it starts",
            errors={"held_at": ["must not be before the session starts"]},
        )
    session.hold(attendance, held_at=held_at, by=by.sub)
    uow.commit()
    return session


def cancel_training(
    uow: SupportUnitOfWork, *, session_id: uuid.UUID, reason: str, by: Principal
) -> TrainingSession:
    """Call a session off (``training.cancelled``)."""
    session = uow.sessions.get_for_step(session_id, by=by)
    session.cancel(reason, by=by.sub, at=uow.clock.now())
    uow.commit()
    return session
