"""The missed-visit sweep: a window that ended with no check-in emits ``visit.missed``.

Safe from several replicas at once: each work order is locked with ``FOR NO KEY UPDATE
SKIP LOCKED`` (a replica skips what another is judging), and the visit is claimed with a
conditional ``UPDATE ... WHERE status = 'scheduled' AND window_end < now``, so a visit that
another replica (or a check-in) already settled is left alone. On SQLite writers are
serialised by the database lock.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from services.dispatch.models import Visit, WorkOrder
from services.dispatch.states import VISIT_MISSED, VISIT_SCHEDULED
from services.dispatch.work_orders import miss_visit
from shared.db import UnitOfWork
from shared.service import Runtime

BATCH_SIZE = 100
EVERY_SECONDS = 15.0


def sweep_missed_visits(uow: UnitOfWork, *, batch_size: int = BATCH_SIZE) -> int:
    """Mark up to ``batch_size`` ended, unvisited windows missed; returns how many.

    A grace period (option ``missed_grace_seconds``, default 0) gives a technician who is
    checking in right now the chance to; the visit is still judged against its window.
    """
    now = uow.clock.now()
    grace = float(uow.settings.option("missed_grace_seconds", "0")) if uow.settings else 0.0
    cutoff = now - dt.timedelta(seconds=grace)
    session = uow.session
    candidates = session.execute(
        select(Visit.id, Visit.work_order_id)
        .where(Visit.status == VISIT_SCHEDULED, Visit.window_end < cutoff)
        .order_by(Visit.window_end, Visit.id)
        .limit(batch_size)
    ).all()
    missed = 0
    for visit_id, work_order_id in candidates:
        work_order = session.scalars(
            select(WorkOrder)
            .where(WorkOrder.id == work_order_id)
            .with_for_update(skip_locked=True, key_share=True)
            .execution_options(populate_existing=True)
        ).first()
        if work_order is None:
            continue  # another replica or a request is on it right now
        claimed = session.execute(
            update(Visit)
            .where(
                Visit.id == visit_id,
                Visit.status == VISIT_SCHEDULED,
                Visit.window_end < cutoff,
            )
            .values(status=VISIT_MISSED)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        visit = session.get(Visit, visit_id, populate_existing=True)
        assert visit is not None and visit.work_order_id == work_order.id
        miss_visit(uow, work_order, visit, now=now)
        missed += 1
    uow.commit()
    return missed


def run_missed_visit_sweep(rt: Runtime) -> None:
    """The worker's periodic job: sweep in batches until nothing more is due."""
    while True:
        with rt.unit_of_work() as uow:
            missed = sweep_missed_visits(uow)
        if missed < BATCH_SIZE:
            return
