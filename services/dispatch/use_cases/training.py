"""Training visits: support's on-site sessions as work orders of kind ``training`` (see
``domain.training``). Every event of a session finds its one work order by the session id
(kept as the work order's opening key), whichever of them arrives first."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from services.dispatch.domain import IN_PROGRESS, SCHEDULABLE, UNSCHEDULED, site_columns
from services.dispatch.domain.training import TRAINING
from services.dispatch.models import Technician, WorkOrder
from services.dispatch.repositories import DispatchUnitOfWork
from services.dispatch.use_cases.visits import visit_step
from shared.auth import Principal

HOURS_PER_SECOND = Decimal(1) / Decimal(3600)


def _session_work_order(
    uow: DispatchUnitOfWork, session: dict[str, Any], *, region: str
) -> WorkOrder:
    """The session's work order, locked; opened (unscheduled) when this is its first event."""
    session_id = str(session["session_id"])
    found = uow.work_orders.opened_by(session_id)
    if found is not None:
        locked = uow.work_orders.get(found.id, for_update=True)
        assert locked is not None
        return locked
    work_order = WorkOrder(
        id=uuid.uuid4(),
        kind=TRAINING,
        status=UNSCHEDULED,
        region=region,
        source_event_id=session_id,
        training_session_id=session_id,
        visit_count=0,
        opened_at=uow.clock.now(),
        version=0,
        estimated_hours=Decimal("0"),
        product_model=session["product_model"],
        customer_name=(session.get("customers") or [""])[0],
        warranty_status="unknown",
        parts_covered=False,
        labour_covered=False,
    )
    uow.work_orders.add(work_order)
    return work_order


def _describe(work_order: WorkOrder, session: dict[str, Any]) -> None:
    """What every session event says: the model, topics and trainer (if known)."""
    work_order.product_model = session["product_model"]
    work_order.topics = list(session["topics"])
    if session.get("trainer_id"):
        work_order.trainer_person_id = session["trainer_id"]
        work_order.trainer_name = session.get("trainer_name")


def open_training_work_order(
    uow: DispatchUnitOfWork, *, region: str, requested: dict[str, Any]
) -> WorkOrder | None:
    """A training work order for an on-site session a customer asked for or a manager
    planned (once per session; other kinds take no visit)."""
    if requested["kind"] != "on_site":
        return None
    work_order = _session_work_order(uow, requested, region=region)
    _describe(work_order, requested)
    preferred = requested.get("preferred_time")
    site = {
        "address": requested.get("site_address"),
        "contact_name": requested.get("contact_name"),
        "contact_phone": requested.get("contact_phone"),
    }
    for name, value in site_columns(site).items():
        setattr(work_order, name, value)
    work_order.customer_name = requested["customer_name"]
    work_order.customer_ref = requested.get("customer_ref")
    work_order.customer_phone = requested.get("contact_phone")
    work_order.preferred_time = preferred.astimezone(dt.UTC).isoformat() if preferred else None
    uow.commit()
    return work_order


def _trainer(uow: DispatchUnitOfWork, person_id: str | None) -> Technician | None:
    """The active technician support's person id names (their login, else their work ID)."""
    if not person_id:
        return None
    holder = uow.technicians.login_holder(person_id) or uow.technicians.work_id_holder(person_id)
    technician = uow.technicians.get(holder) if holder is not None else None
    return technician if technician is not None and technician.active else None


def _book_trainer(uow: DispatchUnitOfWork, work_order: WorkOrder, session: dict[str, Any]) -> None:
    """Book the trainer (else whoever the pending visit has) for the session's time."""
    technician = _trainer(uow, work_order.trainer_person_id)
    pending = work_order.pending_visit
    if technician is None and pending is not None:
        technician = uow.technicians.get(pending.technician_id)
    if technician is None or work_order.status not in SCHEDULABLE:
        return  # not on dispatch's roster: an agent books someone by hand
    agreed = {
        "agreed_via": None,
        "agreed_with": work_order.customer_name or None,
        "requested_by": None if pending is None else "company",
        "reason": None if pending is None else "the training session was rescheduled",
    }
    window = (session["starts_at"].astimezone(dt.UTC), session["ends_at"].astimezone(dt.UTC))
    work_order.book(technician, auto=False, window=window, appointment=agreed, at=uow.clock.now())


def schedule_training_visit(
    uow: DispatchUnitOfWork, *, region: str, scheduled: dict[str, Any]
) -> WorkOrder | None:
    """Support scheduled an on-site session: its trainer's day shows it (an older schedule
    arriving late changes nothing)."""
    if scheduled["kind"] != "on_site":
        return None
    work_order = _session_work_order(uow, scheduled, region=region)
    last = work_order.training_scheduled_at
    if last is None or scheduled["scheduled_at"] > last:
        work_order.training_scheduled_at = scheduled["scheduled_at"]
        _describe(work_order, scheduled)
        if not work_order.site_address:
            work_order.site_address = scheduled.get("site_address")
        length = (scheduled["ends_at"] - scheduled["starts_at"]).total_seconds()
        work_order.estimated_hours = round(Decimal(length) * HOURS_PER_SECOND, 2)
        _book_trainer(uow, work_order, scheduled)
    uow.commit()
    return work_order


def cancel_training_work_order(
    uow: DispatchUnitOfWork, *, region: str, cancelled: dict[str, Any]
) -> WorkOrder | None:
    """Support called the session off: its work order is cancelled (kept cancelled, should
    the request itself arrive later)."""
    if cancelled["kind"] != "on_site":
        return None
    work_order = _session_work_order(uow, cancelled, region=region)
    work_order.cancel_training(cancelled["reason"], at=cancelled["cancelled_at"])
    uow.commit()
    return work_order


def finish_training_visit(
    uow: DispatchUnitOfWork, *, work_order_id: uuid.UUID, done_in: dict[str, Any], by: Principal
) -> WorkOrder:
    """The trainer marks the training visit in progress done."""
    work_order, visit = visit_step(
        uow, work_order_id, by=by, status=IN_PROGRESS, action="mark the training visit done"
    )
    work_order.finish_training(visit, done_in, at=uow.clock.now())
    uow.commit()
    return work_order
