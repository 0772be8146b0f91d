"""Booking visits, and the missed-visit sweep: a window that ended with no check-in."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from services.dispatch.domain import SCHEDULABLE, misfits, require_open_window
from services.dispatch.domain.field import appointment
from services.dispatch.models import Technician, WorkOrder
from services.dispatch.repositories import DispatchUnitOfWork
from services.dispatch.repositories.technicians import Window
from services.dispatch.use_cases.qualifications import is_qualified
from services.dispatch.use_cases.technicians import choose_technician
from shared.auth import Principal

# Visits the sweep judges in one transaction.
BATCH_SIZE = 100


def _technician_for(
    uow: DispatchUnitOfWork, work_order: WorkOrder, *, named: uuid.UUID | None, window: Window
) -> tuple[Technician, bool]:
    """A pending visit that is moved keeps its technician (and how they were chosen) while
    they still fit, are free in the new window and nobody else is named; otherwise one is
    chosen."""
    pending = work_order.pending_visit
    if pending is not None and named is None:
        keep = uow.technicians.get(pending.technician_id)
        fits = keep is not None and not misfits(keep, work_order)
        if keep is not None and fits and is_qualified(uow, keep, work_order):
            busy = uow.technicians.booked_between(keep.id, window, excluding=work_order.id)
            if busy is None:
                return keep, pending.auto_assigned
    return choose_technician(uow, work_order=work_order, named=named, window=window)


def schedule_visit(
    uow: DispatchUnitOfWork,
    *,
    work_order_id: uuid.UUID,
    schedule_in: dict[str, Any],
    by: Principal,
) -> WorkOrder:
    """Book a visit (or move the pending one) with a technician and a window agreed with the
    customer (how, and with whom); moving a booked visit says who asked for it and why."""
    now = uow.clock.now()
    work_order = uow.work_orders.get_for_step(work_order_id, by=by)
    work_order.require(SCHEDULABLE, "schedule a visit")
    start = schedule_in["window_start"].astimezone(dt.UTC)
    end = schedule_in["window_end"].astimezone(dt.UTC)
    require_open_window(end, now)
    pending = work_order.pending_visit  # moved, unless its window ended (then it is missed)
    moving = pending is not None and pending.window_end >= now
    agreed = appointment(schedule_in, rescheduling=moving, customer=work_order.customer_name)
    work_order.miss_if_ended(at=now)
    named = schedule_in.get("technician_id")
    technician, auto = _technician_for(uow, work_order, named=named, window=(start, end))
    work_order.book(technician, auto=auto, window=(start, end), appointment=agreed, at=now)
    uow.commit()
    return work_order


def sweep_missed_visits(uow: DispatchUnitOfWork, *, batch_size: int = BATCH_SIZE) -> int:
    """Mark up to ``batch_size`` ended, unvisited windows missed (``visit.missed``); returns
    how many.

    A grace period (option ``missed_grace_seconds``, default 0) gives a technician who is
    checking in right now the chance to; the visit is still judged against its window.
    """
    now = uow.clock.now()
    grace = float(uow.option("missed_grace_seconds", "0"))
    cutoff = now - dt.timedelta(seconds=grace)
    missed = 0
    for work_order, visit in uow.work_orders.claim_missed_visits(cutoff=cutoff, limit=batch_size):
        work_order.miss(visit, at=now)
        missed += 1
    uow.commit()
    return missed
