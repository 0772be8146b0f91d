"""Billing's unit of work and its repositories (fee schedules, invoices, credit notes, the
document counters): on a database session for requests, handlers and jobs, and in memory
(``Fake…``) for unit tests of the use cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from services.billing.domain import (
    DEFAULT_PAYMENT_TERMS_DAYS,
    DEFAULT_TAX_RATE,
    parse_tax_rate,
    payment_terms,
)
from services.billing.repositories.documents import (
    Counters,
    CreditNotes,
    FakeCounters,
    FakeCreditNotes,
    FakeSchedules,
    Schedules,
    SqlCounters,
    SqlCreditNotes,
    SqlSchedules,
)
from services.billing.repositories.invoices import FakeInvoices, Invoices, SqlInvoices
from shared.unit_of_work import FakeUnitOfWork, SqlUnitOfWork, UnitOfWork

__all__ = [
    "BillingUnitOfWork",
    "Counters",
    "CreditNotes",
    "FakeBillingUnitOfWork",
    "Invoices",
    "Schedules",
    "SqlBillingUnitOfWork",
]


class BillingUnitOfWork(UnitOfWork):
    """What billing's use cases are given: the transaction and its repositories."""

    schedules: Schedules
    invoices: Invoices
    credit_notes: CreditNotes
    counters: Counters

    def tax_rate(self) -> Decimal:
        """The default tax rate (AFTERCARE_BILLING_TAX_RATE, 0.13 unless set)."""
        return parse_tax_rate(self.option("tax_rate", DEFAULT_TAX_RATE))

    def payment_terms(self) -> dt.timedelta:
        """Days an issued invoice is due in (AFTERCARE_BILLING_PAYMENT_TERMS_DAYS, 30)."""
        return payment_terms(self.option("payment_terms_days", DEFAULT_PAYMENT_TERMS_DAYS))


class SqlBillingUnitOfWork(SqlUnitOfWork, BillingUnitOfWork):
    """Billing's unit of work on a database session (web requests, handlers)."""

    def _open_repositories(self) -> None:
        self.schedules = SqlSchedules(self)
        self.invoices = SqlInvoices(self)
        self.credit_notes = SqlCreditNotes(self)
        self.counters = SqlCounters(self)


class FakeBillingUnitOfWork(FakeUnitOfWork, BillingUnitOfWork):
    """Billing's unit of work in memory (unit tests)."""

    def _open_repositories(self) -> None:
        self.schedules = FakeSchedules(self)
        self.invoices = FakeInvoices(self)
        self.credit_notes = FakeCreditNotes(self)
        self.counters = FakeCounters()
