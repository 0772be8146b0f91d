"""The worker's periodic job: the maintenance scheduler, safe from several replicas at once
(plans locked and skipped when held, occurrences claimed before they are announced)."""

from __future__ import annotations

import os
from typing import Any

from services.maintenance.use_cases import run_scheduler
from shared.service import PeriodicJob, Runtime

# How often the worker looks (AFTERCARE_MAINTENANCE_SCHEDULER_SECONDS; a due date is a day,
# so a minute is prompt enough). Read when the job is declared: it is configuration.
EVERY_SECONDS = float(os.environ.get("AFTERCARE_MAINTENANCE_SCHEDULER_SECONDS") or 60)


def run_maintenance_scheduler(rt: Runtime) -> int:
    """Announce every notice and visit due today (and any a stopped scheduler missed);
    returns how many."""
    opener: Any = rt.unit_of_work
    return run_scheduler(opener)


def _tick(rt: Runtime) -> None:
    run_maintenance_scheduler(rt)


SCHEDULER = PeriodicJob("maintenance-scheduler", EVERY_SECONDS, _tick)
