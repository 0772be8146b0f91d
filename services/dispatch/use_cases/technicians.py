"""Use cases on technicians: registering and changing them, and choosing one for a visit."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from services.dispatch.domain import LoginTaken, WorkIdTaken, misfits, nobody_fits
from services.dispatch.domain.field import issued_work_id
from services.dispatch.models import Technician, WorkOrder
from services.dispatch.repositories import DispatchUnitOfWork
from services.dispatch.repositories.technicians import Window
from services.dispatch.use_cases.qualifications import qualified_on, require_qualified
from shared.auth import Principal
from shared.domain import require_region
from shared.errors import Conflict, InvalidInput


def _check_login_free(
    uow: DispatchUnitOfWork, user_sub: str | None, *, own: uuid.UUID | None
) -> None:
    if user_sub is None:
        return
    holder = uow.technicians.login_holder(user_sub)
    if holder is not None and holder != own:
        raise LoginTaken(user_sub)


def _check_work_id_free(
    uow: DispatchUnitOfWork, work_id: str | None, *, own: uuid.UUID | None
) -> None:
    holder = uow.technicians.work_id_holder(work_id) if work_id else None
    if work_id and holder is not None and holder != own:
        raise WorkIdTaken(work_id)


def _save(uow: DispatchUnitOfWork, technician: Technician) -> None:
    """Write now (a concurrent request may have taken the login or work ID meanwhile), then
    commit."""
    try:
        uow.technicians.save(technician)
    except (LoginTaken, WorkIdTaken):
        uow.rollback()
        raise
    uow.commit()


def register_technician(
    uow: DispatchUnitOfWork, *, technician_in: dict[str, Any], by: Principal
) -> Technician:
    """Add an employee or a partner workshop to a region's roster, with the work ID on their
    badge (dispatch issues one when none is given)."""
    require_region(by, technician_in["region"])
    _check_login_free(uow, technician_in.get("user_sub"), own=None)
    technician_id = uuid.uuid4()
    work_id = technician_in.get("work_id") or issued_work_id(technician_id)
    _check_work_id_free(uow, work_id, own=None)
    technician = Technician(
        id=technician_id,
        work_id=work_id,
        name=technician_in["name"],
        kind=technician_in["kind"],
        region=technician_in["region"],
        active=technician_in["active"],
        phone=technician_in.get("phone"),
        user_sub=technician_in.get("user_sub"),
        created_at=uow.clock.now(),
    )
    technician.set_skills(technician_in["skills"])
    uow.technicians.add(technician)
    _save(uow, technician)
    return technician


def update_technician(
    uow: DispatchUnitOfWork, *, technician_id: uuid.UUID, changes: dict[str, Any], by: Principal
) -> Technician:
    """Change a technician's name, skills, login, work ID, phone or active flag."""
    technician = uow.technicians.get_for_change(technician_id, by=by)
    if "user_sub" in changes:
        _check_login_free(uow, changes["user_sub"], own=technician.id)
    _check_work_id_free(uow, changes.get("work_id"), own=technician.id)
    technician.change(changes)
    _save(uow, technician)
    return technician


def choose_technician(
    uow: DispatchUnitOfWork,
    *,
    work_order: WorkOrder,
    named: uuid.UUID | None,
    window: Window | None = None,
) -> tuple[Technician, bool]:
    """The technician for a visit and whether dispatch chose them: the named one (who must
    fit, and be free in ``window``), else the active technician of the region with the
    needed skill, free in ``window``, with the fewest open work orders (ties broken by name,
    then id)."""
    if named is not None:
        technician = uow.technicians.get(named)
        if technician is None:
            raise InvalidInput(
                f"no technician {named}", errors={"technician_id": ["no such technician"]}
            )
        problems = misfits(technician, work_order)
        if problems:
            raise InvalidInput("the named technician cannot take this visit", errors=problems)
        require_qualified(uow, technician, work_order)
        if window is not None:
            require_free(uow, technician, work_order, window)
        return technician, False
    day = qualified_on(uow, work_order)
    chosen = uow.technicians.least_busy(
        region=work_order.region,
        skill=work_order.required_skill,
        excluding=work_order.id,
        qualified_on=day,
        free_between=window,
    )
    if chosen is None:
        skill = work_order.required_skill
        needing = f"{skill} (with a valid qualification)" if day and skill else skill
        raise nobody_fits(work_order.region, needing)
    return chosen, True


def require_free(
    uow: DispatchUnitOfWork, technician: Technician, work_order: WorkOrder, window: Window
) -> None:
    """409 naming ``technician_id`` when the technician has another visit in the window."""
    booked = uow.technicians.booked_between(technician.id, window, excluding=work_order.id)
    if booked is not None:
        start, end = (  # as the API shows the windows: UTC with a Z
            t.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
            for t in (booked.window_start, booked.window_end)
        )
        raise Conflict(
            f"{technician.name} is already booked from {start} to {end} "
            f"(work order {booked.work_order_id})",
            errors={"technician_id": [f"already booked from {start} to {end}"]},
        )
