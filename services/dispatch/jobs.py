"""The worker's periodic job: the missed-visit sweep, in batches until nothing more is due.

Safe from several replicas at once: the sweep skips work orders another transaction holds
and claims each visit with a conditional update (see ``repositories.work_orders``).
"""

from __future__ import annotations

from services.dispatch.repositories import DispatchUnitOfWork
from services.dispatch.use_cases import BATCH_SIZE, sweep_missed_visits
from shared.service import PeriodicJob, Runtime

EVERY_SECONDS = 15.0


def run_missed_visit_sweep(rt: Runtime) -> None:
    """Sweep in batches until a batch finds fewer than it could take."""
    while True:
        with rt.unit_of_work() as uow:
            assert isinstance(uow, DispatchUnitOfWork)
            missed = sweep_missed_visits(uow)
        if missed < BATCH_SIZE:
            return


MISSED_VISITS = PeriodicJob("missed-visits", EVERY_SECONDS, run_missed_visit_sweep)
