"""Billing's unit of work: its repositories, in SQL and in memory."""

from __future__ import annotations

from shared.unit_of_work import FakeUnitOfWork, SqlUnitOfWork, UnitOfWork


class BillingUnitOfWork(UnitOfWork):
    """What billing's use cases are given."""


class SqlBillingUnitOfWork(SqlUnitOfWork, BillingUnitOfWork):
    """Billing's unit of work on its database."""


class FakeBillingUnitOfWork(FakeUnitOfWork, BillingUnitOfWork):
    """Billing's unit of work in memory (unit tests)."""
