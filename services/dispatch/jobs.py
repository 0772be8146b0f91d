"""The worker's periodic jobs: the missed-visit sweep, and the day-before reminders, each in
batches until nothing more is due.

Safe from several replicas at once: both skip work orders another transaction holds and
claim each visit with a conditional update (see ``repositories.work_orders``).
"""

from __future__ import annotations

from services.dispatch.repositories import DispatchUnitOfWork
from services.dispatch.use_cases import (
    BATCH_SIZE,
    REMINDER_BATCH,
    remind_tomorrows_visits,
    sweep_missed_visits,
)
from shared.service import PeriodicJob, Runtime

EVERY_SECONDS = 15.0
REMINDERS_EVERY_SECONDS = 300.0


def run_missed_visit_sweep(rt: Runtime) -> None:
    """Sweep in batches until a batch finds fewer than it could take."""
    while True:
        with rt.unit_of_work() as uow:
            assert isinstance(uow, DispatchUnitOfWork)
            missed = sweep_missed_visits(uow)
        if missed < BATCH_SIZE:
            return


def run_reminders(rt: Runtime) -> int:
    """Stage tomorrow's reminders in batches until none is left; how many."""
    total = 0
    while True:
        with rt.unit_of_work() as uow:
            assert isinstance(uow, DispatchUnitOfWork)
            reminded = remind_tomorrows_visits(uow)
        total += reminded
        if reminded < REMINDER_BATCH:
            return total


MISSED_VISITS = PeriodicJob("missed-visits", EVERY_SECONDS, run_missed_visit_sweep)
REMINDERS = PeriodicJob("visit-reminders", REMINDERS_EVERY_SECONDS, run_reminders)
