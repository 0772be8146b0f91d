"""Maintenance's unit of work and its repositories (assets, plans with their claimed
occurrences, records, the service file): on a database session for requests, handlers and
the scheduler, and in memory (``Fake…``) for unit tests of the use cases."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from services.maintenance.domain import DefaultPlans, default_plans
from services.maintenance.repositories.assets import (
    Assets,
    FakeAssets,
    FakeServiceFile,
    ServiceFile,
    SqlAssets,
    SqlServiceFile,
)
from services.maintenance.repositories.plans import (
    FakePlans,
    FakeRecords,
    Plans,
    Records,
    SqlPlans,
    SqlRecords,
)
from shared.notices.staging import NoticeBook
from shared.unit_of_work import FakeUnitOfWork, SqlUnitOfWork, UnitOfWork

__all__ = [
    "Assets",
    "FakeMaintenanceUnitOfWork",
    "MaintenanceUnitOfWork",
    "Plans",
    "Records",
    "ServiceFile",
    "SqlMaintenanceUnitOfWork",
    "load_default_plans",
]

DEFAULT_PLANS_FILE = Path(__file__).parent.parent / "default_plans.yaml"


@functools.lru_cache(maxsize=8)
def load_default_plans(path: str | None) -> DefaultPlans:
    """The default plans file (YAML; the shipped one when None), checked as it is read."""
    return default_plans(yaml.safe_load(Path(path or DEFAULT_PLANS_FILE).read_text()))


# The maintenance notice: templates in services/maintenance/notices, staged when the
# scheduler announces an occurrence.
NOTICE_BOOK = NoticeBook(
    templates=Path(__file__).resolve().parent.parent / "notices",
    on_events={"maintenance.due": "maintenance_due"},
)


class MaintenanceUnitOfWork(UnitOfWork):
    """What maintenance's use cases are given: the transaction and its repositories."""

    notice_book = NOTICE_BOOK
    assets: Assets
    plans: Plans
    records: Records
    service_file: ServiceFile

    def default_plans(self) -> DefaultPlans:
        """Default plans by product type and environment
        (AFTERCARE_MAINTENANCE_DEFAULT_PLANS_FILE, else the shipped file)."""
        return load_default_plans(self.option("default_plans_file", "") or None)


class SqlMaintenanceUnitOfWork(SqlUnitOfWork, MaintenanceUnitOfWork):
    """Maintenance's unit of work on its database."""

    def _open_repositories(self) -> None:
        self.assets = SqlAssets(self)
        self.plans = SqlPlans(self)
        self.records = SqlRecords(self)
        self.service_file = SqlServiceFile(self.session)


class FakeMaintenanceUnitOfWork(FakeUnitOfWork, MaintenanceUnitOfWork):
    """Maintenance's unit of work in memory (unit tests)."""

    def _open_repositories(self) -> None:
        self.assets = FakeAssets(self)
        self.plans = FakePlans(self)
        self.records = FakeRecords(self)
        self.service_file = FakeServiceFile()
