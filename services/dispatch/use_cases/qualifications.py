"""Staff qualifications: keeping support's records, and the check automatic and named
assignment make (see ``domain.qualifications``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.dispatch.domain import normalise
from services.dispatch.domain.qualifications import (
    gated_skills,
    is_valid,
    person_ids,
    requires_qualification,
    unqualified,
)
from services.dispatch.models import Qualification, Technician, WorkOrder
from services.dispatch.repositories import DispatchUnitOfWork
from shared.errors import InvalidInput


def record_qualification(uow: DispatchUnitOfWork, *, record: dict[str, Any]) -> bool:
    """Keep a passing record when it is the person's latest in its skill (a failed one, an
    older one arriving late, or the same one again changes nothing); whether it was kept."""
    if not record["passed"] or record["valid_until"] is None:
        return False
    kept = uow.qualifications.keep(
        Qualification(
            person_id=record["person_id"],
            skill=normalise(record["skill"]),
            record_id=str(record["record_id"]),
            course=record.get("course"),
            taken_on=record["taken_on"],
            valid_until=record["valid_until"],
            recorded_at=record["recorded_at"],
        )
    )
    uow.commit()
    return kept


def qualified_on(uow: DispatchUnitOfWork, work_order: WorkOrder) -> dt.date | None:
    """The day (in the work order's region) a qualification must be valid on for its skill,
    or None when its skill needs none (option ``qualified_skills``)."""
    gated = gated_skills(uow.option("qualified_skills", ""))
    if not requires_qualification(work_order.required_skill, gated):
        return None
    return uow.clock.now().astimezone(uow.calendar(work_order.region).tz).date()


def require_qualified(
    uow: DispatchUnitOfWork, technician: Technician, work_order: WorkOrder
) -> None:
    """422 naming ``technician_id`` and the skill unless the technician's qualification in
    the work order's skill is valid today (when the skill needs one)."""
    day, skill = qualified_on(uow, work_order), work_order.required_skill
    if day is None or skill is None:
        return
    ids = person_ids(technician.user_sub, technician.work_id)
    current = uow.qualifications.current(ids, skill)
    valid_until = current.valid_until if current is not None else None
    if not is_valid(valid_until, day):
        raise unqualified(skill, valid_until)


def is_qualified(uow: DispatchUnitOfWork, technician: Technician, work_order: WorkOrder) -> bool:
    """Whether the technician may still take the work order's visit, qualification-wise."""
    try:
        require_qualified(uow, technician, work_order)
    except InvalidInput:
        return False
    return True
