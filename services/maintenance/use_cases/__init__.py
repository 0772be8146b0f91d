"""Maintenance's use cases: each loads through the unit of work, asks the domain, lets the
aggregates record what happened, and commits."""

from __future__ import annotations

from services.maintenance.use_cases.assets import register_asset, update_asset
from services.maintenance.use_cases.plans import create_plan, update_plan
from services.maintenance.use_cases.records import record_visit
from services.maintenance.use_cases.scheduling import SchedulerRun, run_scheduler, schedule_batch
from services.maintenance.use_cases.service_file import file_event

__all__ = [
    "SchedulerRun",
    "create_plan",
    "file_event",
    "record_visit",
    "register_asset",
    "run_scheduler",
    "schedule_batch",
    "update_asset",
    "update_plan",
]
