"""Maintenance's reads: assets, plans and records, one or a page, as the viewer may see them;
and a product's service file in time order."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.maintenance.domain import VISIT
from services.maintenance.models import Asset, Occurrence, Plan, Record, ServiceFileEntry
from shared.auth import Principal
from shared.db import page
from shared.domain import Page, Window, require_visible
from shared.errors import NotFound


def get_asset(session: Session, serial_no: str, *, viewer: Principal) -> Asset:
    """One asset; one outside the viewer's region is as good as absent."""
    asset = session.scalars(select(Asset).where(Asset.serial_no == serial_no)).first()
    absent = f"no asset {serial_no}"
    if asset is None:
        raise NotFound(absent)
    require_visible(viewer, asset.region, absent)
    return asset


def _in_region(column: Any, viewer: Principal, filters: dict[str, Any]) -> list[Any]:
    conditions = []
    if viewer.region is not None:
        conditions.append(column == viewer.region)
    if filters.get("region"):
        conditions.append(column == filters["region"])
    return conditions


def _created(column: Any, filters: dict[str, Any]) -> list[Any]:
    conditions = []
    if filters.get("created_from"):
        conditions.append(column >= filters["created_from"])
    if filters.get("created_to"):
        conditions.append(column <= filters["created_to"])
    return conditions


def list_assets(
    session: Session, *, filters: dict[str, Any], viewer: Principal, window: Window
) -> Page[Asset]:
    """A page of assets by serial number."""
    query = select(Asset).where(
        *_in_region(Asset.region, viewer, filters), *_created(Asset.created_at, filters)
    )
    for name in ("environment", "product_type", "customer_name"):
        if filters.get(name):
            query = query.where(getattr(Asset, name) == filters[name])
    complete = Asset.customer_name.is_not(None) & Asset.installed_on.is_not(None)
    if filters.get("status") == "complete":
        query = query.where(complete)
    elif filters.get("status") == "incomplete":
        query = query.where(~complete)
    return page(session, query, order=(Asset.serial_no,), window=window)


def get_plan(session: Session, plan_id: uuid.UUID, *, viewer: Principal) -> Plan:
    """One plan, if the viewer may see it."""
    plan = session.get(Plan, plan_id)
    absent = f"no plan {plan_id}"
    if plan is None:
        raise NotFound(absent)
    require_visible(viewer, plan.region, absent)
    return plan


def list_plans(
    session: Session, *, filters: dict[str, Any], viewer: Principal, window: Window
) -> Page[Plan]:
    """A page of plans, next due first."""
    query = select(Plan).where(
        *_in_region(Plan.region, viewer, filters), *_created(Plan.created_at, filters)
    )
    if filters.get("status"):
        query = query.where(Plan.status == filters["status"])
    if filters.get("serial_no"):
        query = query.join(Plan.asset).where(Asset.serial_no == filters["serial_no"])
    if filters.get("due_from"):
        query = query.where(Plan.next_due_date >= filters["due_from"])
    if filters.get("due_to"):
        query = query.where(Plan.next_due_date <= filters["due_to"])
    return page(session, query, order=(Plan.next_due_date, Plan.id), window=window)


def list_records(
    session: Session, plan_id: uuid.UUID, *, viewer: Principal, window: Window
) -> Page[Record]:
    """A plan's records, newest visit first."""
    get_plan(session, plan_id, viewer=viewer)
    query = select(Record).where(Record.plan_id == plan_id)
    return page(session, query, order=(Record.visited_at.desc(), Record.id), window=window)


def get_record(
    session: Session, plan_id: uuid.UUID, record_id: uuid.UUID, *, viewer: Principal
) -> Record:
    """One record of a plan, if the viewer may see it."""
    record = session.get(Record, record_id)
    absent = f"no record {record_id} on plan {plan_id}"
    if record is None or record.plan_id != plan_id:
        raise NotFound(absent)
    require_visible(viewer, record.region, absent)
    return record


def _record_entries(record: Record) -> list[dict[str, Any]]:
    done = len(record.tasks_done)
    base = {"serial_no": record.serial_no, "record_id": record.id, "region": record.region}
    base |= {"work_order_id": record.work_order_id, "occurred_at": record.visited_at}
    entries = [
        base
        | {
            "category": "maintenance",
            "type": "maintenance.completed",
            "summary": f"maintenance visit: {done}/{len(record.tasks)} tasks done; "
            f"{record.findings}",
        }
    ]
    for problem in record.problems:
        hazard = "hazard: " if problem["hazard"] else ""
        summary = f"problem found, {hazard}{problem['description']}"
        found = {"category": "maintenance", "type": "maintenance.issue_found"}
        entries.append(base | found | {"summary": summary})
    return entries


def get_service_file(session: Session, serial_no: str, *, viewer: Principal) -> dict[str, Any]:
    """Everything that happened to a product, in time order, and the products before it."""
    asset = get_asset(session, serial_no, viewer=viewer)
    tickets = select(ServiceFileEntry.ticket_id).where(
        ServiceFileEntry.serial_no == serial_no, ServiceFileEntry.ticket_id.is_not(None)
    )
    rows = session.scalars(
        select(ServiceFileEntry).where(
            or_(
                ServiceFileEntry.serial_no == serial_no,
                # a ticket's later events name only the ticket
                ServiceFileEntry.serial_no.is_(None) & ServiceFileEntry.ticket_id.in_(tickets),
            )
        )
    ).all()
    entries: list[dict[str, Any]] = [
        {c: getattr(row, c) for c in ("occurred_at", "category", "type", "summary", "region")}
        | {"serial_no": serial_no, "ticket_id": row.ticket_id, "work_order_id": row.work_order_id}
        for row in rows
    ]
    records = session.scalars(select(Record).where(Record.serial_no == serial_no)).all()
    for record in records:
        entries.extend(_record_entries(record))
    entries.extend(_announced_visits(session, asset))
    entries.sort(key=lambda e: (e["occurred_at"], e["type"]))
    return {"asset": asset, "predecessors": _predecessors(session, asset), "entries": entries}


def _announced_visits(session: Session, asset: Asset) -> list[dict[str, Any]]:
    """The visits the scheduler sent to dispatch for the asset's plans."""
    rows = session.execute(
        select(Occurrence)
        .join(Plan, Plan.id == Occurrence.plan_id)
        .where(Plan.asset_id == asset.id, Occurrence.kind == VISIT)
    ).scalars()
    return [
        {
            "occurred_at": row.announced_at,
            "category": "maintenance",
            "type": "maintenance.visit_due",
            "summary": f"maintenance visit due on {row.due_date}: sent to dispatch",
            "serial_no": asset.serial_no,
            "region": row.region,
        }
        for row in rows
    ]


def _predecessors(session: Session, asset: Asset) -> list[str]:
    chain: list[str] = []
    current = asset.predecessor_serial_no
    while current is not None and current not in chain and len(chain) < 50:
        chain.append(current)
        current = session.scalar(
            select(Asset.predecessor_serial_no).where(Asset.serial_no == current)
        )
    return chain
