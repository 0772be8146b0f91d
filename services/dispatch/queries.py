"""Dispatch's reads: technicians and work orders, one or a page, as the viewer may see them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, lazyload

from services.dispatch.domain import ACCEPTED, VISIT_SCHEDULED, normalise
from services.dispatch.domain.qualifications import (
    is_valid,
    latest,
    person_ids,
    requires_qualification,
)
from services.dispatch.models import (
    FollowUp,
    Qualification,
    Technician,
    TechnicianSkill,
    Visit,
    WorkOrder,
)
from shared.auth import Principal
from shared.db import page
from shared.domain import Page, Window, require_visible
from shared.errors import NotFound

# Roles that see every work order of their region; a technician alone sees only their own.
REGION_VIEWERS = ("agent", "dispatcher", "engineer", "manager", "admin")


def get_technician(session: Session, technician_id: uuid.UUID, *, viewer: Principal) -> Technician:
    """One technician; one outside the viewer's region is as good as absent."""
    technician = session.get(Technician, technician_id)
    absent = f"no technician {technician_id}"
    if technician is None:
        raise NotFound(absent)
    require_visible(viewer, technician.region, absent)
    return technician


def list_technicians(
    session: Session, *, filters: dict[str, Any], viewer: Principal, window: Window
) -> Page[Technician]:
    """A page of technicians by name, with the total count."""
    query = select(Technician)
    if viewer.region is not None:
        query = query.where(Technician.region == viewer.region)
    if filters.get("region"):
        query = query.where(Technician.region == filters["region"])
    if filters.get("status"):
        query = query.where(Technician.active.is_(filters["status"] == "active"))
    if filters.get("kind"):
        query = query.where(Technician.kind == filters["kind"])
    if filters.get("skill"):
        query = query.where(
            exists().where(
                TechnicianSkill.technician_id == Technician.id,
                TechnicianSkill.skill == normalise(filters["skill"]),
            )
        )
    if filters.get("created_from"):
        query = query.where(Technician.created_at >= filters["created_from"])
    if filters.get("created_to"):
        query = query.where(Technician.created_at <= filters["created_to"])
    return page(session, query, order=(Technician.name, Technician.id), window=window)


def _own_only(viewer: Principal) -> Any:
    """A technician (with no broader role) sees the work orders they have visits on."""
    mine = select(Technician.id).where(Technician.user_sub == viewer.sub)
    return or_(
        WorkOrder.technician_id.in_(mine),
        WorkOrder.id.in_(select(Visit.work_order_id).where(Visit.technician_id.in_(mine))),
    )


def _visible(viewer: Principal) -> list[Any]:
    conditions: list[Any] = []
    if viewer.region is not None:
        conditions.append(WorkOrder.region == viewer.region)
    if not viewer.has_any(REGION_VIEWERS):
        conditions.append(_own_only(viewer))
    return conditions


def get_work_order(session: Session, work_order_id: uuid.UUID, *, viewer: Principal) -> WorkOrder:
    """One work order with its visits and follow-ups, if the viewer may see it."""
    work_order = session.scalars(
        select(WorkOrder).where(WorkOrder.id == work_order_id, *_visible(viewer))
    ).first()
    if work_order is None:
        raise NotFound(f"no work order {work_order_id}")
    return work_order


def list_work_orders(
    session: Session, *, filters: dict[str, Any], viewer: Principal, window: Window
) -> Page[WorkOrder]:
    """A page of work orders, newest first, with the total count."""
    # The list shows no visits: don't load them.
    query = (
        select(WorkOrder)
        .where(*_visible(viewer))
        .options(lazyload(WorkOrder.visits), lazyload(WorkOrder.follow_ups))
    )
    for name in ("region", "status", "kind", "technician_id", "serial_no", "ticket_id"):
        if filters.get(name):
            query = query.where(getattr(WorkOrder, name) == filters[name])
    if filters.get("created_from"):
        query = query.where(WorkOrder.opened_at >= filters["created_from"])
    if filters.get("created_to"):
        query = query.where(WorkOrder.opened_at <= filters["created_to"])
    order = (WorkOrder.opened_at.desc(), WorkOrder.id)
    return page(session, query, order=order, window=window)


def list_follow_ups_due(
    session: Session,
    *,
    region: str | None,
    viewer: Principal,
    now: dt.datetime,
    days: Sequence[int],
    window: Window,
) -> Page[dict[str, Any]]:
    """Accepted work orders whose next follow-up call is due: call k+1 is due ``days[k]``
    days after the acceptance while k calls are recorded; longest accepted first."""
    calls = (
        select(func.count(FollowUp.id))
        .where(FollowUp.work_order_id == WorkOrder.id)
        .correlate(WorkOrder)
        .scalar_subquery()
    )
    due = [
        and_(calls == k, WorkOrder.accepted_at <= now - dt.timedelta(days=d))
        for k, d in enumerate(days)
    ]
    query = select(WorkOrder, calls).where(
        WorkOrder.status == ACCEPTED, or_(*due), *_visible(viewer)
    )
    if region:
        query = query.where(WorkOrder.region == region)
    query = query.options(lazyload(WorkOrder.visits), lazyload(WorkOrder.follow_ups))
    order = (WorkOrder.accepted_at, WorkOrder.id)
    rows = page(session, query, order=order, window=window, scalars=False)
    items = [
        {"work_order": wo, "call": n + 1, "due_at": wo.accepted_at + dt.timedelta(days=days[n])}
        for wo, n in rows.items
    ]
    return Page(items, rows.total)


def list_route(
    session: Session, *, region: str, day_starts: dt.datetime, viewer: Principal
) -> list[dict[str, Any]]:
    """Each technician's booked visits of one day in the region, in time order: their
    route (a technician alone sees only their own)."""
    query = (
        select(Technician, WorkOrder, Visit)
        .join(Visit, Visit.technician_id == Technician.id)
        .join(WorkOrder, WorkOrder.id == Visit.work_order_id)
        .where(
            WorkOrder.region == region,
            Visit.status == VISIT_SCHEDULED,
            Visit.window_start >= day_starts,
            Visit.window_start < day_starts + dt.timedelta(days=1),
            *_visible(viewer),
        )
        .options(lazyload(WorkOrder.visits), lazyload(WorkOrder.follow_ups))
        .order_by(Technician.name, Technician.id, Visit.window_start)
    )
    routes: dict[uuid.UUID, dict[str, Any]] = {}
    for technician, work_order, visit in session.execute(query):
        route = routes.setdefault(technician.id, {"technician": technician, "stops": []})
        route["stops"].append({"work_order": work_order, "visit": visit})
    return list(routes.values())


class TechnicianDetail:
    """A technician as ``GET /technicians/{id}`` shows them: with each skill's qualification."""

    def __init__(self, technician: Technician, qualifications: list[dict[str, Any]]) -> None:
        self.technician, self.qualifications = technician, qualifications

    def __getattr__(self, name: str) -> Any:
        return getattr(self.technician, name)


def get_technician_detail(
    session: Session,
    technician_id: uuid.UUID,
    *,
    viewer: Principal,
    today: Callable[[str], dt.date],
    gated: frozenset[str],
) -> TechnicianDetail:
    """One technician with, per skill, whether it needs a qualification and the current one
    (valid on ``today(region)``)."""
    technician = get_technician(session, technician_id, viewer=viewer)
    ids = person_ids(technician.user_sub, technician.work_id)
    rows = session.scalars(select(Qualification).where(Qualification.person_id.in_(ids))).all()
    day = today(technician.region)
    standing = []
    for skill in technician.skills:
        current = latest(q for q in rows if q.skill == skill)
        assert current is None or isinstance(current, Qualification)
        standing.append(
            {
                "skill": skill,
                "required": requires_qualification(skill, gated),
                "valid": is_valid(current.valid_until, day) if current else False,
                "current": current,
            }
        )
    return TechnicianDetail(technician, standing)
