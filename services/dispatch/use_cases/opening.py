"""Work orders opened by events: a repair for an accepted solution that needs a visit, a
maintenance visit for a plan's due date. Each event opens at most one, however often it is
delivered."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from services.dispatch.domain import UNSCHEDULED, is_repeat, required_skill, site_columns
from services.dispatch.models import WorkOrder
from services.dispatch.repositories import DispatchUnitOfWork


def _new_work_order(
    uow: DispatchUnitOfWork, kind: str, *, source_event_id: str, region: str, **details: Any
) -> WorkOrder:
    return WorkOrder(
        id=uuid.uuid4(),
        kind=kind,
        status=UNSCHEDULED,
        region=region,
        source_event_id=source_event_id,
        visit_count=0,
        opened_at=uow.clock.now(),
        version=0,
        **details,
    )


def _repeat_of(uow: DispatchUnitOfWork, serial_no: str | None, at: dt.datetime) -> uuid.UUID | None:
    """The last repair accepted on this serial before ``at``, if that makes this a repeat."""
    if not serial_no:
        return None
    previous = uow.work_orders.last_accepted_repair(serial_no, before=at)
    if previous is None or previous.accepted_at is None:
        return None
    return previous.id if is_repeat(previous.accepted_at, at) else None


def _on_site(solution: dict[str, Any]) -> dict[str, Any]:
    """What the technician needs on site, as the accepted solution tells it."""
    return {
        "tools": list(solution.get("tools") or []),
        "symptom": solution.get("symptom"),
        "usage_environment": solution.get("usage_environment"),
        "preferred_time": solution.get("preferred_time"),
        **site_columns(solution.get("site")),
    }


def open_repair_work_order(
    uow: DispatchUnitOfWork, *, source_event_id: str, region: str, solution: dict[str, Any]
) -> WorkOrder | None:
    """A repair work order for an accepted solution that needs a visit (once per event, and
    never a second open one for the same ticket)."""
    if not solution["visit_needed"]:
        return None
    existing = uow.work_orders.opened_by(source_event_id)
    if existing is None:
        existing = uow.work_orders.open_for_ticket(solution["ticket_id"])
    if existing is not None:
        return existing
    warranty = solution["warranty"]
    work_order = _new_work_order(
        uow,
        "repair",
        source_event_id=source_event_id,
        region=region,
        ticket_id=solution["ticket_id"],
        priority=solution["priority"],
        nature=solution["nature"],
        severity=solution["severity"],
        required_skill=required_skill(solution.get("required_skill")),
        estimated_hours=solution["estimated_hours"],
        parts_likely=list(solution["parts_likely"]),
        **_on_site(solution),
        product_model=solution["product_model"],
        serial_no=solution.get("serial_no"),
        customer_name=solution["customer_name"],
        customer_phone=solution.get("customer_phone"),
        customer_email=solution.get("customer_email"),
        customer_language=solution.get("customer_language"),
        warranty_status=warranty["status"],
        parts_covered=warranty["parts_covered"],
        labour_covered=warranty["labour_covered"],
        repeat_of=_repeat_of(uow, solution.get("serial_no"), solution["accepted_at"]),
    )
    uow.work_orders.add(work_order)
    uow.commit()
    return work_order


def open_maintenance_work_order(
    uow: DispatchUnitOfWork, *, source_event_id: str, region: str, visit_due: dict[str, Any]
) -> WorkOrder:
    """A maintenance work order for a plan's due visit (once per event and due date)."""
    existing = uow.work_orders.opened_by(source_event_id)
    if existing is None:
        existing = uow.work_orders.open_for_plan(visit_due["plan_id"], visit_due["due_date"])
    if existing is not None:
        return existing
    work_order = _new_work_order(
        uow,
        "maintenance",
        source_event_id=source_event_id,
        region=region,
        plan_id=visit_due["plan_id"],
        required_skill=required_skill(visit_due.get("required_skill")),
        estimated_hours=visit_due["estimated_hours"],
        tasks=list(visit_due["tasks"]),
        due_date=visit_due["due_date"],
        product_model=visit_due["product_model"],
        serial_no=visit_due["serial_no"],
        customer_name=visit_due["customer_name"],
        customer_phone=visit_due.get("customer_phone"),
        customer_email=visit_due.get("customer_email"),
        customer_language=visit_due.get("customer_language"),
        warranty_status="unknown",
        parts_covered=False,
        labour_covered=False,
    )
    uow.work_orders.add(work_order)
    uow.commit()
    return work_order
