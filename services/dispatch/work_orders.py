"""Work orders opened from events, and what every work-order use case shares: the row lock,
event emission and the missed-visit transition."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select

from services.dispatch.models import Visit, WorkOrder
from services.dispatch.states import (
    ACCEPTED,
    FINAL,
    UNSCHEDULED,
    VISIT_MISSED,
    is_repeat,
    normalise,
)
from shared.auth import Principal
from shared.db import UnitOfWork
from shared.errors import NotFound


def locked_work_order(uow: UnitOfWork, work_order_id: uuid.UUID, *, by: Principal) -> WorkOrder:
    """The work order, its row locked for this transaction; 404 outside the caller's region."""
    work_order = uow.session.get(
        WorkOrder, work_order_id, with_for_update={"key_share": True}, populate_existing=True
    )
    if work_order is None or not by.may_access(work_order.region):
        raise NotFound(f"no work order {work_order_id}")
    return work_order


def emit(
    uow: UnitOfWork, work_order: WorkOrder, type_: str, data: dict[str, Any], visit: Visit | None
) -> None:
    """Stage an event of this work order (and visit) in the outbox, next in its sequence."""
    work_order.version += 1
    common: dict[str, Any] = {"work_order_id": work_order.id, "ticket_id": work_order.ticket_id}
    if visit is not None:
        common |= {
            "kind": work_order.kind,
            "visit_number": visit.number,
            "technician_id": visit.technician_id,
        }
    uow.outbox.add(
        type_,
        common | data,
        region=work_order.region,
        occurred_at=uow.clock.now(),
        aggregate_id=str(work_order.id),
        sequence=work_order.version,
    )


def window(visit: Visit) -> dict[str, Any]:
    """The appointment window as events carry it."""
    return {"window_start": visit.window_start, "window_end": visit.window_end}


def miss_visit(uow: UnitOfWork, work_order: WorkOrder, visit: Visit, *, now: dt.datetime) -> None:
    """A window ended with no check-in: the visit is missed (counted late) and the work
    order waits for another visit. The caller holds the work order's lock."""
    visit.status = VISIT_MISSED
    visit.missed_at = now
    work_order.status = UNSCHEDULED
    emit(uow, work_order, "visit.missed", window(visit) | {"detected_at": now}, visit)


def _already_open(uow: UnitOfWork, source_event_id: str, *conditions: Any) -> WorkOrder | None:
    by_source = uow.session.scalar(
        select(WorkOrder).where(WorkOrder.source_event_id == source_event_id)
    )
    if by_source is not None or not conditions:
        return by_source
    return uow.session.scalars(
        select(WorkOrder).where(*conditions, WorkOrder.status.not_in(FINAL)).limit(1)
    ).first()


def _repeated_repair(uow: UnitOfWork, serial_no: str | None, at: dt.datetime) -> uuid.UUID | None:
    """The last repair accepted on this serial before ``at``, if that makes this a repeat."""
    if not serial_no:
        return None
    previous = uow.session.execute(
        select(WorkOrder.id, WorkOrder.accepted_at)
        .where(
            WorkOrder.serial_no == serial_no,
            WorkOrder.kind == "repair",
            WorkOrder.status == ACCEPTED,
            WorkOrder.accepted_at <= at,
        )
        .order_by(WorkOrder.accepted_at.desc())
        .limit(1)
    ).first()
    if previous is None or not is_repeat(previous.accepted_at, at):
        return None
    return previous.id


def _skill(raw: str | None) -> str | None:
    return normalise(raw) if raw and raw.strip() else None


def open_repair_work_order(
    uow: UnitOfWork, *, source_event_id: str, region: str, solution: dict[str, Any]
) -> WorkOrder | None:
    """A repair work order for an accepted solution that needs a visit (once per event, and
    never a second open one for the same ticket)."""
    if not solution["visit_needed"]:
        return None
    existing = _already_open(uow, source_event_id, WorkOrder.ticket_id == solution["ticket_id"])
    if existing is not None:
        return existing
    warranty = solution["warranty"]
    work_order = WorkOrder(
        kind="repair",
        status=UNSCHEDULED,
        region=region,
        source_event_id=source_event_id,
        ticket_id=solution["ticket_id"],
        priority=solution["priority"],
        nature=solution["nature"],
        severity=solution["severity"],
        required_skill=_skill(solution.get("required_skill")),
        estimated_hours=solution["estimated_hours"],
        parts_likely=list(solution["parts_likely"]),
        product_model=solution["product_model"],
        serial_no=solution.get("serial_no"),
        customer_name=solution["customer_name"],
        customer_phone=solution.get("customer_phone"),
        warranty_status=warranty["status"],
        parts_covered=warranty["parts_covered"],
        labour_covered=warranty["labour_covered"],
        repeat_of=_repeated_repair(uow, solution.get("serial_no"), solution["accepted_at"]),
        visit_count=0,
        opened_at=uow.clock.now(),
        version=0,
    )
    uow.session.add(work_order)
    uow.commit()
    return work_order


def open_maintenance_work_order(
    uow: UnitOfWork, *, source_event_id: str, region: str, visit_due: dict[str, Any]
) -> WorkOrder:
    """A maintenance work order for a plan's due visit (once per event and due date)."""
    existing = _already_open(
        uow,
        source_event_id,
        WorkOrder.plan_id == visit_due["plan_id"],
        WorkOrder.due_date == visit_due["due_date"],
    )
    if existing is not None:
        return existing
    work_order = WorkOrder(
        kind="maintenance",
        status=UNSCHEDULED,
        region=region,
        source_event_id=source_event_id,
        plan_id=visit_due["plan_id"],
        required_skill=_skill(visit_due.get("required_skill")),
        estimated_hours=visit_due["estimated_hours"],
        tasks=list(visit_due["tasks"]),
        due_date=visit_due["due_date"],
        product_model=visit_due["product_model"],
        serial_no=visit_due["serial_no"],
        customer_name=visit_due["customer_name"],
        customer_phone=visit_due.get("customer_phone"),
        warranty_status="unknown",
        parts_covered=False,
        labour_covered=False,
        visit_count=0,
        opened_at=uow.clock.now(),
        version=0,
    )
    uow.session.add(work_order)
    uow.commit()
    return work_order
