"""Invoices, on SQL and in memory, with the same methods.

An invoice is loaded for a step with its row locked (``FOR NO KEY UPDATE`` on PostgreSQL;
SQLite serialises writers), so two clerks never issue, pay or audit one invoice at once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from abc import ABC, abstractmethod

from sqlalchemy import select

from services.billing.domain import CREDITABLE, UNAUDITED
from services.billing.models import Invoice
from shared.auth import Principal
from shared.domain import require_visible
from shared.errors import NotFound
from shared.unit_of_work import FakeRepository, SqlRepository


class Invoices(ABC):
    """Where invoices are loaded from and added to."""

    @abstractmethod
    def get(self, id_: uuid.UUID, *, for_update: bool = False) -> Invoice | None: ...

    @abstractmethod
    def add(self, aggregate: Invoice) -> Invoice: ...

    def get_for_step(self, invoice_id: uuid.UUID, *, by: Principal) -> Invoice:
        """The invoice, locked for this transaction; 404 outside the caller's region."""
        invoice = self.get(invoice_id, for_update=True)
        absent = f"no invoice {invoice_id}"
        if invoice is None:
            raise NotFound(absent)
        require_visible(by, invoice.region, absent)
        return invoice

    @abstractmethod
    def by_source(self, source_key: str) -> Invoice | None:
        """The invoice that bills a visit or a return, if there is one."""

    @abstractmethod
    def unaudited_since(self, at: dt.datetime) -> list[Invoice]:
        """Drafts and unaudited invoices for work done at or after ``at`` (what a schedule
        version in force from ``at`` can change), locked for this transaction."""

    @abstractmethod
    def creditable_for_return(self, return_id: uuid.UUID) -> Invoice | None:
        """The issued invoice of a paid replacement that can still be credited."""


class SqlInvoices(SqlRepository[Invoice], Invoices):
    model = Invoice

    def by_source(self, source_key: str) -> Invoice | None:
        return self.first(select(Invoice).where(Invoice.source_key == source_key))

    def unaudited_since(self, at: dt.datetime) -> list[Invoice]:
        query = (
            select(Invoice)
            .where(Invoice.work_done_at >= at, Invoice.audit_status == UNAUDITED)
            .order_by(Invoice.id)
            .with_for_update(key_share=True)
        )
        return [self.uow.track(i) for i in self.session.scalars(query)]

    def creditable_for_return(self, return_id: uuid.UUID) -> Invoice | None:
        query = (
            select(Invoice)
            .where(Invoice.return_id == return_id, Invoice.status.in_(CREDITABLE))
            .order_by(Invoice.issued_at.desc())
            .with_for_update(key_share=True)
        )
        return self.first(query)


class FakeInvoices(FakeRepository[Invoice], Invoices):
    def unaudited_since(self, at: dt.datetime) -> list[Invoice]:
        found = self.where(lambda i: i.work_done_at >= at and i.audit_status == UNAUDITED)
        return [self.uow.track(i) for i in found]

    def by_source(self, source_key: str) -> Invoice | None:
        return self.first(lambda i: i.source_key == source_key)

    def creditable_for_return(self, return_id: uuid.UUID) -> Invoice | None:
        return self.first(lambda i: i.return_id == return_id and i.status in CREDITABLE)
