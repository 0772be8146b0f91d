"""The scheduler: for each plan with something to do, the notice (``maintenance.due``) at
the notice date and the visit (``maintenance.visit_due``) on the due date of each
occurrence, exactly once, catching up on every occurrence a stopped scheduler missed.

"Today" is the day in the plan's region's time zone. A plan is processed with its row
locked and each occurrence claimed before it is announced (see ``repositories.plans``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from services.maintenance.domain import local_day
from services.maintenance.models import Plan
from services.maintenance.repositories import MaintenanceUnitOfWork

BATCH_SIZE = 100
# A plan owes at most this many announcements in one run (a monthly plan stopped for years).
MAX_CATCH_UP = 240


@dataclass(frozen=True)
class SchedulerRun:
    """What one batch did: plans looked at, occurrences announced, where to go on."""

    plans: int
    announced: int
    last_plan: uuid.UUID | None


def _catch_up(uow: MaintenanceUnitOfWork, plan: Plan, now: dt.datetime) -> int:
    today = local_day(now, uow.calendar(plan.region).tz)
    announced = 0
    for _ in range(MAX_CATCH_UP):
        kind = plan.pending(today)
        if kind is None:
            break
        claimed = uow.plans.claim(plan, plan.next_due_date, kind, at=now)
        plan.announce(kind, claimed=claimed)
        announced += int(claimed)
    return announced


def schedule_batch(
    uow: MaintenanceUnitOfWork, *, after: uuid.UUID | None = None, batch_size: int = BATCH_SIZE
) -> SchedulerRun:
    """Announce what up to ``batch_size`` plans (by id, after ``after``) owe today; one
    commit."""
    now = uow.clock.now()
    # The latest "today" of any time zone: each plan is then judged on its region's day.
    horizon = now.date() + dt.timedelta(days=1)
    plans = announced = 0
    last: uuid.UUID | None = after
    for plan in uow.plans.due(on_or_before=horizon, after=after, limit=batch_size):
        plans += 1
        last = plan.id
        announced += _catch_up(uow, plan, now)
    uow.commit()
    return SchedulerRun(plans=plans, announced=announced, last_plan=last)


def run_scheduler(
    open_uow: Callable[[], AbstractContextManager[MaintenanceUnitOfWork]],
    *,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Walk every plan that has something to do, a batch per transaction; returns the
    number of notices and visits announced."""
    after: uuid.UUID | None = None
    total = 0
    while True:
        with open_uow() as uow:
            run = schedule_batch(uow, after=after, batch_size=batch_size)
        total += run.announced
        if run.last_plan is None or run.last_plan == after:
            return total
        after = run.last_plan
