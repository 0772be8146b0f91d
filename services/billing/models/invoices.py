"""The invoice: the aggregate of billing. A draft priced from a service record (or a paid
replacement), issued with a gap-free number, paid in parts, credited and audited; each step
records its event (``invoice.issued``, ``payment.received``, ``invoice.audited``)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.billing import domain
from services.billing.domain import Discrepancy, Line, PartUse, ServiceRecord
from services.billing.models.base import MONEY, RATE, Base
from services.billing.models.lines import InvoiceLine, Payment
from shared.db import UTCDateTime
from shared.domain import Aggregate


class Invoice(Base, Aggregate):
    """An itemised invoice for one visit or one paid replacement."""

    __tablename__ = "invoices"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    region: Mapped[str] = mapped_column(String(50), index=True)
    source_kind: Mapped[str] = mapped_column(String(20))
    # What the invoice bills (a work order's visit, a return): never billed twice.
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    work_order_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    return_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    replaces_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("invoices.id"))
    visit_number: Mapped[int | None] = mapped_column(Integer)
    technician_id: Mapped[uuid.UUID | None] = mapped_column()
    product_model: Mapped[str] = mapped_column(String(100))
    serial_no: Mapped[str | None] = mapped_column(String(100))
    customer_name: Mapped[str | None] = mapped_column(String(200))
    work_performed: Mapped[str | None] = mapped_column(Text)
    # Billing's copy of what was done (hours, parts, warranty; or the replacement's terms).
    work_record: Mapped[dict[str, Any]] = mapped_column(JSON)
    work_done_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    schedule_number: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    tax_rate: Mapped[Decimal] = mapped_column(RATE)
    net_total: Mapped[Decimal] = mapped_column(MONEY)
    tax_total: Mapped[Decimal] = mapped_column(MONEY)
    total: Mapped[Decimal] = mapped_column(MONEY)
    amount_paid: Mapped[Decimal] = mapped_column(MONEY)
    amount_credited: Mapped[Decimal] = mapped_column(MONEY)
    warnings: Mapped[list[str]] = mapped_column(JSON)
    discrepancies: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    flagged: Mapped[bool] = mapped_column(index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    issued_by: Mapped[str | None] = mapped_column(String(200))
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    settled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    audit_status: Mapped[str] = mapped_column(String(20), index=True)
    audit_notes: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(String(20))
    audited_by: Mapped[str | None] = mapped_column(String(200))
    audited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)
    lines: Mapped[list[InvoiceLine]] = relationship(
        order_by="InvoiceLine.line_no", lazy="selectin", cascade="all, delete-orphan"
    )
    payments: Mapped[list[Payment]] = relationship(
        order_by="Payment.received_at", lazy="selectin", cascade="all, delete-orphan"
    )

    def event_identity(self) -> dict[str, Any]:
        """Every event of an invoice names it and its number."""
        return {"invoice_id": self.id, "number": self.number}

    @property
    def outstanding(self) -> Decimal:
        return domain.outstanding(self.total, self.amount_paid, self.amount_credited)

    @property
    def creditable(self) -> Decimal:
        return self.total - self.amount_credited

    def service_record(self) -> ServiceRecord:
        """The visit's record as the domain prices it."""
        r = self.work_record
        return ServiceRecord(
            kind=r["kind"],
            region=self.region,
            product_model=self.product_model,
            labour_hours=Decimal(r["labour_hours"]),
            parts=[PartUse(p["part_no"], p["quantity"], p["genuine"]) for p in r["parts"]],
            parts_covered=r["parts_covered"],
            labour_covered=r["labour_covered"],
        )

    def price(self, lines: Sequence[Line], *, currency: str, tax_rate: Decimal) -> None:
        """Itemise: number the lines from 1 and total them (sums of the rounded lines)."""
        self.lines = [InvoiceLine.of(n, ln) for n, ln in enumerate(lines, start=1)]
        sums = domain.totals(lines)
        self.currency, self.tax_rate = currency, tax_rate
        self.net_total, self.tax_total, self.total = sums.net, sums.tax, sums.gross
        self.warnings = domain.unpriced(lines)
        self.flagged = bool(self.warnings)

    def what(self) -> str:
        return f"invoice {self.number or self.id}"

    def issue(
        self,
        number: str,
        *,
        by: str,
        at: dt.datetime,
        due_at: dt.datetime,
        customer_name: str | None,
    ) -> None:
        """Number the draft and send it (``invoice.issued``); a zero invoice is settled."""
        domain.require_status(self.status, (domain.DRAFT,), "issue", self.what())
        self.number, self.issued_at, self.issued_by, self.due_at = number, at, by, due_at
        if customer_name:
            self.customer_name = customer_name
        self.status = domain.ISSUED
        self._settle(at)
        self.record("invoice.issued", self._issued_data())

    def _issued_data(self) -> dict[str, Any]:
        return {
            "source_kind": self.source_kind,
            "work_order_id": self.work_order_id,
            "ticket_id": self.ticket_id,
            "return_id": self.return_id,
            "replaces_id": self.replaces_id,
            "customer_name": self.customer_name,
            "product_model": self.product_model,
            "serial_no": self.serial_no,
            "schedule_version": self.schedule_number,
            "currency": self.currency,
            "tax_rate": self.tax_rate,
            "lines": [ln.as_event() for ln in self.lines],
            "net_total": self.net_total,
            "tax_total": self.tax_total,
            "total": self.total,
            "work_done_at": self.work_done_at,
            "issued_at": self.issued_at,
            "due_at": self.due_at,
        }

    def pay(self, payment: Payment, *, at: dt.datetime) -> None:
        """Take a payment (never more than is outstanding) and say so (``payment.received``)."""
        domain.require_status(self.status, domain.PAYABLE, "take a payment", self.what())
        domain.check_payment(
            payment.amount, payment.currency, due=self.outstanding, invoice_currency=self.currency
        )
        self.payments.append(payment)
        self.amount_paid += payment.amount
        self._settle(at)
        self.record(
            "payment.received",
            {
                "payment_id": payment.id,
                "method": payment.method,
                "amount": payment.amount,
                "currency": payment.currency,
                "reference": payment.reference,
                "received_at": payment.received_at,
                "amount_paid": self.amount_paid,
                "outstanding": self.outstanding,
                "status": self.status,
            },
        )

    def credit(self, amount: Decimal, *, at: dt.datetime) -> None:
        """Take a credit note's amount off the invoice."""
        domain.require_status(self.status, domain.CREDITABLE, "credit", self.what())
        domain.require_credit_within(amount, self.creditable, self.currency)
        self.amount_credited += amount
        self._settle(at)

    def _settle(self, at: dt.datetime) -> None:
        self.status = domain.settled_status(self.total, self.amount_paid, self.amount_credited)
        if self.status in (domain.PAID, domain.CREDITED) and self.settled_at is None:
            self.settled_at = at

    def note_discrepancies(self, found: Sequence[Discrepancy]) -> None:
        self.discrepancies = [d.as_dict() for d in found]
        self.flagged = bool(found)

    def audit(self, audit_in: dict[str, Any], *, by: str, at: dt.datetime, **outcome: Any) -> None:
        """The auditor's verdict and the agreed resolution (``invoice.audited``)."""
        domain.require_status(self.status, domain.AUDITABLE, "audit", self.what())
        domain.require_status(
            self.audit_status, (domain.UNAUDITED,), "audit again", f"the audit of {self.what()}"
        )
        self.audit_status, self.audit_notes = audit_in["verdict"], audit_in.get("notes")
        self.resolution = audit_in.get("resolution")
        self.audited_by, self.audited_at = by, at
        self.record(
            "invoice.audited",
            {
                "verdict": self.audit_status,
                "discrepancies": self.discrepancies,
                "resolution": self.resolution,
                "credit_note_id": outcome.get("credit_note_id"),
                "new_invoice_id": outcome.get("new_invoice_id"),
                "notes": self.audit_notes,
                "audited_by": by,
                "audited_at": at,
            },
        )
