"""The worker's periodic job: close every month past its end and grace period. Safe from
several replicas at once: each month is claimed by a conditional insert that one wins."""

from __future__ import annotations

import logging
import os

from services.kpi.repositories import KpiUnitOfWork
from services.kpi.use_cases import close_due_months
from shared.service import PeriodicJob, Runtime

log = logging.getLogger(__name__)

# How often the worker looks (AFTERCARE_KPI_CLOSE_SECONDS; a month closes on a day, so a few
# minutes are prompt enough). Read when the job is declared: it is configuration.
EVERY_SECONDS = float(os.environ.get("AFTERCARE_KPI_CLOSE_SECONDS") or 300)


def close_months(rt: Runtime) -> list[str]:
    """Close the months due; the months this run closed."""
    with rt.unit_of_work() as uow:
        assert isinstance(uow, KpiUnitOfWork)
        closed = [c.month for c in close_due_months(uow, by="schedule") if c.closed]
    if closed:
        log.info("months closed", extra={"service": "kpi", "months": closed})
    return closed


def _tick(rt: Runtime) -> None:
    close_months(rt)


CLOSE_MONTHS = PeriodicJob("kpi-close-months", EVERY_SECONDS, _tick)
