"""A booked visit, start to finish: check-in, the repair record, the customer's answer
(with escalation), and the follow-up call after the work order is finished."""

from __future__ import annotations

import uuid
from typing import Any

from services.dispatch.domain import (
    AWAITING_ACCEPTANCE,
    DEFAULT_FAILED_VISITS_BEFORE_ESCALATION,
    IN_PROGRESS,
    OFFICE_ROLES,
    SCHEDULED,
    confirmation_of,
    escalation_threshold,
    require_assigned,
)
from services.dispatch.domain.field import record_parts
from services.dispatch.models import Visit, WorkOrder
from services.dispatch.repositories import DispatchUnitOfWork
from shared.auth import Principal


def visit_step(
    uow: DispatchUnitOfWork,
    work_order_id: uuid.UUID,
    *,
    by: Principal,
    status: str,
    action: str,
    assigned_only: bool = True,
) -> tuple[WorkOrder, Visit]:
    """The locked work order in ``status`` and its current visit, acted on by the assigned
    technician (office roles too when ``assigned_only`` is false): 403 for anyone else, before
    the status is looked at (another technician learns nothing of the work order), then 409
    when the status does not admit ``action``."""
    work_order = uow.work_orders.get_for_step(work_order_id, by=by)
    if assigned_only or not by.has_any(OFFICE_ROLES):
        current = work_order.current_visit
        technician = uow.technicians.get(current.technician_id) if current else None
        require_assigned(technician.user_sub if technician else None, by.sub)
    return work_order, work_order.visit_in(status, action)


def check_in(
    uow: DispatchUnitOfWork,
    *,
    work_order_id: uuid.UUID,
    check_in_in: dict[str, Any],
    by: Principal,
) -> WorkOrder:
    """The assigned technician arrives: identity (the customer's, and the work ID they were
    shown) and product checked, the symptom re-checked, punctuality judged."""
    work_order, visit = visit_step(uow, work_order_id, by=by, status=SCHEDULED, action="check in")
    technician = uow.technicians.get(visit.technician_id)
    work_id = technician.work_id if technician is not None else None
    work_order.check_in(visit, check_in_in, work_id=work_id, at=uow.clock.now())
    uow.commit()
    return work_order


def set_off(
    uow: DispatchUnitOfWork,
    *,
    work_order_id: uuid.UUID,
    departure_in: dict[str, Any],
    by: Principal,
) -> WorkOrder:
    """The assigned technician sets off for the booked visit; the customer is told they are
    on the way (a notice, once per departure)."""
    work_order, visit = visit_step(uow, work_order_id, by=by, status=SCHEDULED, action="set off")
    departed_at = visit.depart(departure_in, at=uow.clock.now())
    technician = uow.technicians.get(visit.technician_id)
    assert technician is not None
    context = visit.window() | work_order.notice_details()
    context |= {"technician_name": technician.name, "expected_at": departure_in.get("expected_at")}
    uow.notices.add(
        "technician_on_the_way",
        key=f"{visit.id}:on_the_way:{departed_at.isoformat()}",
        to=work_order.notice_recipient(),
        region=work_order.region,
        context=context,
    )
    uow.commit()
    return work_order


def complete_visit(
    uow: DispatchUnitOfWork, *, work_order_id: uuid.UUID, record_in: dict[str, Any], by: Principal
) -> WorkOrder:
    """The assigned technician writes the repair record of the visit in progress; each part
    is covered by warranty or at the price the customer agreed to before use."""
    now = uow.clock.now()
    work_order, visit = visit_step(
        uow, work_order_id, by=by, status=IN_PROGRESS, action="record a repair"
    )
    work_order.refuse_training("record a repair")
    parts = record_parts(
        record_in["parts"],
        parts_covered=work_order.parts_covered,
        agreed=work_order.agreed_parts(visit),
        prices=uow.prices.prices_in_force((p["part_no"] for p in record_in["parts"]), at=now),
        approved=work_order.approvals(),
    )
    work_order.complete(visit, record_in | {"parts": parts}, at=now)
    uow.commit()
    return work_order


def answer_repair(
    uow: DispatchUnitOfWork, *, work_order_id: uuid.UUID, answer_in: dict[str, Any], by: Principal
) -> WorkOrder:
    """The customer accepts and rates the repair, or rejects it: another visit follows, or
    escalation after too many failed visits on a product defect."""
    work_order, visit = visit_step(
        uow,
        work_order_id,
        by=by,
        status=AWAITING_ACCEPTANCE,
        action="record the customer's answer",
        assigned_only=False,
    )
    confirmed_by = confirmation_of(
        answer_in.get("confirmation"), by_office=by.has_any(OFFICE_ROLES)
    )
    answer = answer_in | {"recorded_by": by.sub, "confirmed_by": confirmed_by}
    default = str(DEFAULT_FAILED_VISITS_BEFORE_ESCALATION)
    threshold = escalation_threshold(uow.option("failed_visits_before_escalation", default))
    work_order.answer(visit, answer, at=uow.clock.now(), escalate_after=threshold)
    uow.commit()
    return work_order


def record_follow_up(
    uow: DispatchUnitOfWork,
    *,
    work_order_id: uuid.UUID,
    follow_up_in: dict[str, Any],
    by: Principal,
) -> WorkOrder:
    """A later call to the customer records satisfaction and remarks."""
    work_order = uow.work_orders.get_for_step(work_order_id, by=by)
    work_order.record_follow_up(follow_up_in, by=by.sub, at=uow.clock.now())
    uow.commit()
    return work_order
