"""Returns's unit of work: its repositories, in SQL and in memory."""

from __future__ import annotations

from shared.unit_of_work import FakeUnitOfWork, SqlUnitOfWork, UnitOfWork


class ReturnsUnitOfWork(UnitOfWork):
    """What returns's use cases are given."""


class SqlReturnsUnitOfWork(SqlUnitOfWork, ReturnsUnitOfWork):
    """Returns's unit of work on its database."""


class FakeReturnsUnitOfWork(FakeUnitOfWork, ReturnsUnitOfWork):
    """Returns's unit of work in memory (unit tests)."""
