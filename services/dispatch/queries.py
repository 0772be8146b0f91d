"""Dispatch's reads: technicians and work orders, one or a page, as the viewer may see them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, lazyload

from services.dispatch.domain import normalise
from services.dispatch.models import Technician, TechnicianSkill, Visit, WorkOrder
from shared.auth import Principal
from shared.db import page
from shared.domain import Page, Window, require_visible
from shared.errors import NotFound

# Roles that see every work order of their region; a technician alone sees only their own.
REGION_VIEWERS = ("agent", "engineer", "manager", "admin")


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
