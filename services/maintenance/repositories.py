"""Maintenance's unit of work: its repositories, in SQL and in memory."""

from __future__ import annotations

from shared.unit_of_work import FakeUnitOfWork, SqlUnitOfWork, UnitOfWork


class MaintenanceUnitOfWork(UnitOfWork):
    """What maintenance's use cases are given."""


class SqlMaintenanceUnitOfWork(SqlUnitOfWork, MaintenanceUnitOfWork):
    """Maintenance's unit of work on its database."""


class FakeMaintenanceUnitOfWork(FakeUnitOfWork, MaintenanceUnitOfWork):
    """Maintenance's unit of work in memory (unit tests)."""
