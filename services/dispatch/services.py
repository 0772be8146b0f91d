"""Dispatch's use cases on work orders: scheduling, check-in, the repair record, the
customer's answer, escalation, follow-up calls and missed windows.

Every use case locks the work order's row first (``FOR NO KEY UPDATE`` on PostgreSQL; SQLite
serialises writers), so a check-in and the missed-visit sweep never both judge one visit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from services.dispatch.models import FollowUp, PartUsed, Technician, Visit, WorkOrder
from services.dispatch.states import (
    ACCEPTED,
    AWAITING_ACCEPTANCE,
    DEFAULT_FAILED_VISITS_BEFORE_ESCALATION,
    ESCALATED,
    FINAL,
    IN_PROGRESS,
    SCHEDULED,
    UNSCHEDULED,
    VISIT_ACCEPTED,
    VISIT_ARRIVED,
    VISIT_COMPLETED,
    VISIT_REJECTED,
    VISIT_SCHEDULED,
    escalation_target,
    normalise,
    on_time,
    rescheduled_deadline,
)
from services.dispatch.technicians import choose_technician, misfits
from services.dispatch.work_orders import emit, locked_work_order, miss_visit, window
from shared.auth import Principal
from shared.db import UnitOfWork
from shared.errors import Conflict, InvalidInput

# Roles that act for the customer or the company rather than as the visiting technician.
OFFICE_ROLES = ("agent", "manager", "admin")


def _current(work_order: WorkOrder) -> Visit:
    visit = work_order.current_visit
    assert visit is not None, "a work order past unscheduled has a visit"
    return visit


def _require_assigned(uow: UnitOfWork, visit: Visit, by: Principal) -> None:
    technician = uow.session.get(Technician, visit.technician_id)
    if technician is None or technician.user_sub is None or technician.user_sub != by.sub:
        raise Conflict(f"visit {visit.number} is assigned to another technician")


def _refuse(work_order: WorkOrder, action: str) -> Conflict:
    return Conflict(f"cannot {action}: work order {work_order.id} is {work_order.status}")


def _visit_for(
    uow: UnitOfWork,
    work_order_id: uuid.UUID,
    *,
    by: Principal,
    status: str,
    action: str,
    assigned_only: bool = True,
) -> tuple[WorkOrder, Visit]:
    """The locked work order in ``status`` and its current visit, acted on by the assigned
    technician (office roles too when ``assigned_only`` is false); 409 otherwise."""
    work_order = locked_work_order(uow, work_order_id, by=by)
    if work_order.status != status:
        raise _refuse(work_order, action)
    visit = _current(work_order)
    if assigned_only or not by.has_any(OFFICE_ROLES):
        _require_assigned(uow, visit, by)
    return work_order, visit


def schedule_visit(
    uow: UnitOfWork, *, work_order_id: uuid.UUID, schedule_in: dict[str, Any], by: Principal
) -> WorkOrder:
    """Book a visit (or move the pending one) with a technician and a confirmed window."""
    now = uow.clock.now()
    work_order = locked_work_order(uow, work_order_id, by=by)
    if work_order.status not in (UNSCHEDULED, SCHEDULED):
        raise _refuse(work_order, "schedule a visit")
    start = schedule_in["window_start"].astimezone(dt.UTC)
    end = schedule_in["window_end"].astimezone(dt.UTC)
    if end <= now:
        raise InvalidInput("the window has already ended", errors={"window_end": ["in the past"]})
    by_customer = schedule_in["rescheduled_by_customer"]
    pending = work_order.current_visit if work_order.status == SCHEDULED else None
    if pending is not None and pending.window_end < now:
        miss_visit(uow, work_order, pending, now=now)
        pending = None
    named = schedule_in.get("technician_id")
    keep = None
    if pending is not None and named is None:
        keep = uow.session.get(Technician, pending.technician_id)
    if keep is not None and not misfits(keep, work_order):
        technician, auto = keep, pending.auto_assigned if pending else False
    else:
        technician, auto = choose_technician(uow, work_order=work_order, named=named)
    if pending is None:
        work_order.visit_count += 1
        visit = Visit(
            number=work_order.visit_count,
            status=VISIT_SCHEDULED,
            deadline=end,
            rescheduled_by_customer=by_customer,
        )
        work_order.visits.append(visit)
    else:
        visit = pending
        visit.deadline = rescheduled_deadline(visit.deadline, end, by_customer=by_customer)
        visit.rescheduled_by_customer = by_customer
    visit.technician_id = technician.id
    visit.auto_assigned = auto
    visit.window_start, visit.window_end, visit.scheduled_at = start, end, now
    work_order.technician_id = technician.id
    work_order.status = SCHEDULED
    uow.session.flush()
    data = window(visit) | {
        "technician_kind": technician.kind,
        "auto_assigned": auto,
        "rescheduled_by_customer": by_customer,
        "repeat_of": work_order.repeat_of,
        "scheduled_at": now,
    }
    emit(uow, work_order, "repair.scheduled", data, visit)
    uow.commit()
    return work_order


def check_in(
    uow: UnitOfWork, *, work_order_id: uuid.UUID, check_in_in: dict[str, Any], by: Principal
) -> WorkOrder:
    """The assigned technician arrives: identity and product checked, punctuality judged."""
    work_order, visit = _visit_for(uow, work_order_id, by=by, status=SCHEDULED, action="check in")
    arrived_at = check_in_in.get("arrived_at") or uow.clock.now()
    if arrived_at < visit.scheduled_at:
        raise InvalidInput(
            "arrival before the visit was scheduled",
            errors={"arrived_at": ["before the visit was scheduled"]},
        )
    visit.status = VISIT_ARRIVED
    visit.arrived_at = arrived_at
    visit.on_time = on_time(arrived_at, visit.deadline)
    visit.identity_verified = check_in_in["identity_verified"]
    visit.product_verified = normalise(check_in_in["product_model"]) == normalise(
        work_order.product_model
    )
    work_order.status = IN_PROGRESS
    data = window(visit) | {
        "arrived_at": arrived_at,
        "on_time": visit.on_time,
        "deadline": visit.deadline,
        "identity_verified": visit.identity_verified,
        "product_verified": visit.product_verified,
    }
    emit(uow, work_order, "technician.arrived", data, visit)
    uow.commit()
    return work_order


def complete_visit(
    uow: UnitOfWork, *, work_order_id: uuid.UUID, record_in: dict[str, Any], by: Principal
) -> WorkOrder:
    """The assigned technician writes the repair record of the visit in progress."""
    work_order, visit = _visit_for(
        uow, work_order_id, by=by, status=IN_PROGRESS, action="record a repair"
    )
    assert visit.arrived_at is not None
    if record_in["started_at"] < visit.arrived_at:
        raise InvalidInput(
            "work started before the technician arrived",
            errors={"started_at": ["before the arrival"]},
        )
    visit.status = VISIT_COMPLETED
    visit.work_performed = record_in["work_performed"]
    visit.labour_hours = record_in["labour_hours"]
    visit.started_at, visit.finished_at = record_in["started_at"], record_in["finished_at"]
    visit.result = record_in["result"]
    visit.customer_signature = record_in["customer_signature"]
    visit.completed_at = uow.clock.now()
    visit.parts = [
        PartUsed(line=n, part_no=p["part_no"], quantity=p["quantity"], genuine=p["genuine"])
        for n, p in enumerate(record_in["parts"], start=1)
    ]
    work_order.status = AWAITING_ACCEPTANCE
    data = {
        "result": visit.result,
        "work_performed": visit.work_performed,
        "labour_hours": visit.labour_hours,
        "parts": [dict(p) for p in record_in["parts"]],
        "started_at": visit.started_at,
        "finished_at": visit.finished_at,
        "warranty": work_order.warranty,
        "product_model": work_order.product_model,
        "serial_no": work_order.serial_no,
        "plan_id": work_order.plan_id,
    }
    emit(uow, work_order, "repair.completed", data, visit)
    uow.commit()
    return work_order


def _escalation_threshold(uow: UnitOfWork) -> int:
    default = str(DEFAULT_FAILED_VISITS_BEFORE_ESCALATION)
    raw = uow.settings.option("failed_visits_before_escalation", default) if uow.settings else ""
    return max(1, int(raw or default))


def answer_repair(
    uow: UnitOfWork, *, work_order_id: uuid.UUID, answer_in: dict[str, Any], by: Principal
) -> WorkOrder:
    """The customer accepts and rates the repair, or rejects it: another visit follows, or
    escalation after too many failed visits on a product defect."""
    now = uow.clock.now()
    work_order, visit = _visit_for(
        uow,
        work_order_id,
        by=by,
        status=AWAITING_ACCEPTANCE,
        action="record the customer's answer",
        assigned_only=False,
    )
    responded_at = answer_in.get("responded_at") or now
    assert visit.finished_at is not None
    if responded_at < visit.finished_at:
        raise InvalidInput(
            "answer before the repair finished",
            errors={"responded_at": ["before the repair finished"]},
        )
    accepted, rating = answer_in["accepted"], answer_in["rating"]
    if accepted and visit.result != "fixed":
        raise Conflict("the repair record says not fixed: it can only be rejected")
    visit.accepted, visit.rating, visit.responded_at = accepted, rating, responded_at
    if accepted:
        visit.status = VISIT_ACCEPTED
        work_order.status, work_order.accepted_at, work_order.closed_at = (
            ACCEPTED,
            responded_at,
            now,
        )
        first_time_fix = not any(v.completed_at for v in work_order.visits if v is not visit)
        data = {
            "rating": rating,
            "first_time_fix": first_time_fix,
            "repeat_of": work_order.repeat_of,
            "serial_no": work_order.serial_no,
            "accepted_at": responded_at,
        }
        emit(uow, work_order, "repair.accepted", data, visit)
        uow.commit()
        return work_order
    visit.status = VISIT_REJECTED
    visit.rejection_reason = answer_in["reason"]
    work_order.status = UNSCHEDULED
    data = {"rating": rating, "reason": visit.rejection_reason, "rejected_at": responded_at}
    emit(uow, work_order, "repair.rejected", data, visit)
    failed = sum(1 for v in work_order.visits if v.status == VISIT_REJECTED)
    if (
        work_order.kind == "repair"
        and work_order.nature == "product_defect"
        and failed >= _escalation_threshold(uow)
    ):
        work_order.status, work_order.closed_at = ESCALATED, now
        work_order.escalated_to = escalation_target(work_order.warranty_status)
        data = {
            "escalated_to": work_order.escalated_to,
            "failed_visits": failed,
            "nature": work_order.nature,
            "product_model": work_order.product_model,
            "serial_no": work_order.serial_no,
            "warranty": work_order.warranty,
            "escalated_at": now,
        }
        emit(uow, work_order, "repair.escalated", data, visit)
    uow.commit()
    return work_order


def record_follow_up(
    uow: UnitOfWork, *, work_order_id: uuid.UUID, follow_up_in: dict[str, Any], by: Principal
) -> WorkOrder:
    """A later call to the customer records satisfaction and remarks."""
    now = uow.clock.now()
    work_order = locked_work_order(uow, work_order_id, by=by)
    if work_order.status not in FINAL:
        raise _refuse(work_order, "record a follow-up before the work order is finished")
    follow_up = FollowUp(
        satisfaction=follow_up_in["satisfaction"],
        remarks=follow_up_in["remarks"],
        recorded_at=now,
        recorded_by=by.sub,
    )
    work_order.follow_ups.append(follow_up)
    data = {
        "technician_id": work_order.technician_id,
        "satisfaction": follow_up.satisfaction,
        "remarks": follow_up.remarks,
        "recorded_at": now,
    }
    emit(uow, work_order, "followup.recorded", data, None)
    uow.commit()
    return work_order
