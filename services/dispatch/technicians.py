"""Use cases on technicians: registering and changing them, and choosing one for a visit."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from services.dispatch.models import Technician, TechnicianSkill, WorkOrder
from services.dispatch.states import ASSIGNED, normalise
from shared.auth import Principal
from shared.db import UnitOfWork
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound


def _skills(raw: list[str]) -> list[TechnicianSkill]:
    return [TechnicianSkill(skill=s) for s in sorted({normalise(s) for s in raw})]


def _login_taken(user_sub: str) -> Conflict:
    return Conflict(
        f"the login {user_sub!r} already belongs to another technician",
        errors={"user_sub": ["already linked to another technician"]},
    )


def _check_login_free(uow: UnitOfWork, user_sub: str | None, *, own: uuid.UUID | None) -> None:
    if user_sub is None:
        return
    holder = uow.session.scalar(select(Technician.id).where(Technician.user_sub == user_sub))
    if holder is not None and holder != own:
        raise _login_taken(user_sub)


def _save(uow: UnitOfWork, technician: Technician) -> None:
    """Flush (a concurrent request may have taken the login meanwhile), then commit."""
    login = technician.user_sub or ""
    try:
        uow.session.flush()
    except IntegrityError as exc:
        uow.rollback()
        raise _login_taken(login) from exc
    uow.commit()


def register_technician(
    uow: UnitOfWork, *, technician_in: dict[str, Any], by: Principal
) -> Technician:
    """Add an employee or a partner workshop to a region's roster."""
    if not by.may_access(technician_in["region"]):
        raise Forbidden(
            f"this token is limited to region {by.region}",
            errors={"region": ["outside the caller's region"]},
        )
    _check_login_free(uow, technician_in.get("user_sub"), own=None)
    technician = Technician(
        name=technician_in["name"],
        kind=technician_in["kind"],
        region=technician_in["region"],
        active=technician_in["active"],
        phone=technician_in.get("phone"),
        user_sub=technician_in.get("user_sub"),
        created_at=uow.clock.now(),
        skill_rows=_skills(technician_in["skills"]),
    )
    uow.session.add(technician)
    _save(uow, technician)
    return technician


def update_technician(
    uow: UnitOfWork, *, technician_id: uuid.UUID, changes: dict[str, Any], by: Principal
) -> Technician:
    """Change a technician's name, skills, login, phone or active flag."""
    # NO KEY UPDATE: visits being booked for this technician (FK readers) need not wait.
    technician = uow.session.get(Technician, technician_id, with_for_update={"key_share": True})
    if technician is None or not by.may_access(technician.region):
        raise NotFound(f"no technician {technician_id}")
    if "user_sub" in changes:
        _check_login_free(uow, changes["user_sub"], own=technician.id)
    for name in ("name", "active", "phone", "user_sub"):
        if name in changes:
            setattr(technician, name, changes[name])
    if "skills" in changes:
        technician.skill_rows = _skills(changes["skills"])
    _save(uow, technician)
    return technician


def misfits(technician: Technician, work_order: WorkOrder) -> dict[str, list[str]]:
    """Why a technician cannot take a work order's visit (empty when they can)."""
    problems = []
    if not technician.active:
        problems.append("technician is not active")
    if technician.region != work_order.region:
        problems.append(f"technician works in region {technician.region}")
    if work_order.required_skill and work_order.required_skill not in technician.skills:
        problems.append(f"technician lacks the skill {work_order.required_skill}")
    return {"technician_id": problems} if problems else {}


def choose_technician(
    uow: UnitOfWork,
    *,
    work_order: WorkOrder,
    named: uuid.UUID | None,
) -> tuple[Technician, bool]:
    """The technician for a visit and whether dispatch chose them: the named one (who must
    fit), else the active technician of the region with the needed skill and the fewest open
    work orders (ties broken by name, then id)."""
    if named is not None:
        technician = uow.session.get(Technician, named)
        if technician is None:
            raise InvalidInput(
                f"no technician {named}", errors={"technician_id": ["no such technician"]}
            )
        problems = misfits(technician, work_order)
        if problems:
            raise InvalidInput("the named technician cannot take this visit", errors=problems)
        return technician, False
    open_work = (
        select(func.count(WorkOrder.id))
        .where(
            WorkOrder.technician_id == Technician.id,
            WorkOrder.status.in_(ASSIGNED),
            WorkOrder.id != work_order.id,
        )
        .correlate(Technician)
        .scalar_subquery()
    )
    query = select(Technician).where(
        Technician.region == work_order.region, Technician.active.is_(True)
    )
    if work_order.required_skill:
        query = query.where(
            exists().where(
                TechnicianSkill.technician_id == Technician.id,
                TechnicianSkill.skill == work_order.required_skill,
            )
        )
    chosen = uow.session.scalars(
        query.order_by(open_work, Technician.name, Technician.id).limit(1)
    ).first()
    if chosen is None:
        skill = f" with the skill {work_order.required_skill}" if work_order.required_skill else ""
        raise Conflict(
            f"no active technician in region {work_order.region}{skill} can take this visit; "
            "name one or add one to the roster",
            errors={"technician_id": ["nobody fits: name a technician"]},
        )
    return chosen, True
