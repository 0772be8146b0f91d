"""Parts on site: the chargeable parts a technician puts to the customer at their fee-schedule
prices, the customer's agreement before use, a manager's approval of a non-genuine part, and
the fee schedules billing publishes (dispatch's copy of the parts price list)."""

from __future__ import annotations

import uuid
from typing import Any

from services.dispatch.domain import (
    FINAL,
    IN_PROGRESS,
    OFFICE_ROLES,
    WORK_ORDER_STATUSES,
    confirmation_of,
)
from services.dispatch.domain.field import price_proposal
from services.dispatch.models import PartAgreement, WorkOrder
from services.dispatch.repositories import DispatchUnitOfWork, Schedule
from services.dispatch.use_cases.visits import visit_step
from shared.auth import Principal


def propose_parts(
    uow: DispatchUnitOfWork, *, work_order_id: uuid.UUID, proposal_in: dict[str, Any], by: Principal
) -> PartAgreement:
    """The assigned technician puts chargeable parts to the customer, each at its price in
    the fee schedule in force (422 naming a part with no price, or a non-genuine part no
    manager allowed on this work order)."""
    now = uow.clock.now()
    work_order, visit = visit_step(
        uow, work_order_id, by=by, status=IN_PROGRESS, action="propose parts"
    )
    work_order.refuse_training("propose parts")
    parts = proposal_in["parts"]
    prices = uow.prices.prices_in_force((p["part_no"] for p in parts), at=now)
    lines = price_proposal(parts, prices, work_order.approvals())
    proposal = work_order.propose_parts(visit, lines, by=by.sub, at=now)
    uow.commit()
    return proposal


def agree_parts(
    uow: DispatchUnitOfWork,
    *,
    work_order_id: uuid.UUID,
    agreement_in: dict[str, Any],
    by: Principal,
) -> WorkOrder:
    """The customer agrees to a proposal of this work order's visit, confirmed as an
    acceptance is: the customer's own signature, or a call the office recorded."""
    work_order, visit = visit_step(
        uow,
        work_order_id,
        by=by,
        status=IN_PROGRESS,
        action="record the customer's agreement to parts",
        assigned_only=False,
    )
    confirmation = agreement_in.get("confirmation")
    answer = {
        "confirmed_by": confirmation_of(confirmation, by_office=by.has_any(OFFICE_ROLES)),
        "recorded_by": by.sub,
        "customer_signature": (confirmation or {}).get("customer_signature"),
    }
    work_order.agree_parts(visit, agreement_in["proposal_id"], answer, at=uow.clock.now())
    uow.commit()
    return work_order


def allow_non_genuine_part(
    uow: DispatchUnitOfWork, *, work_order_id: uuid.UUID, approval_in: dict[str, Any], by: Principal
) -> WorkOrder:
    """A manager allows a non-genuine part on a work order that is not finished, saying why."""
    work_order = uow.work_orders.get_for_step(work_order_id, by=by)
    open_statuses = [s for s in WORK_ORDER_STATUSES if s not in FINAL]
    work_order.require(open_statuses, "allow a non-genuine part")
    work_order.allow_non_genuine(
        approval_in["part_no"], approval_in["reason"], by=by.sub, at=uow.clock.now()
    )
    uow.commit()
    return work_order


def record_fee_schedule(uow: DispatchUnitOfWork, *, schedule: Schedule) -> None:
    """Keep a fee-schedule version billing published (its parts prices)."""
    uow.prices.record(schedule, at=uow.clock.now())
    uow.commit()
