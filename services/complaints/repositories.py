"""Complaints's unit of work: its repositories, in SQL and in memory."""

from __future__ import annotations

from shared.unit_of_work import FakeUnitOfWork, SqlUnitOfWork, UnitOfWork


class ComplaintsUnitOfWork(UnitOfWork):
    """What complaints's use cases are given."""


class SqlComplaintsUnitOfWork(SqlUnitOfWork, ComplaintsUnitOfWork):
    """Complaints's unit of work on its database."""


class FakeComplaintsUnitOfWork(FakeUnitOfWork, ComplaintsUnitOfWork):
    """Complaints's unit of work in memory (unit tests)."""
