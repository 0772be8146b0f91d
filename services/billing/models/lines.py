"""An invoice's itemised lines and the payments received against it."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.billing.domain import Line
from services.billing.models.base import MONEY, QUANTITY, Base
from shared.db import UTCDateTime


class InvoiceLine(Base):
    """One line of an invoice, as priced (and printed)."""

    __tablename__ = "invoice_lines"

    invoice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), primary_key=True
    )
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    net: Mapped[Decimal] = mapped_column(MONEY)
    tax: Mapped[Decimal] = mapped_column(MONEY)
    covered: Mapped[bool] = mapped_column(Boolean)
    coverage_reason: Mapped[str | None] = mapped_column(String(200))
    priced: Mapped[bool] = mapped_column(Boolean)

    @classmethod
    def of(cls, line_no: int, ln: Line) -> InvoiceLine:
        return cls(
            line_no=line_no,
            kind=ln.kind,
            code=ln.code,
            description=ln.description,
            quantity=ln.quantity,
            unit_price=ln.unit_price,
            net=ln.net,
            tax=ln.tax,
            covered=ln.covered,
            coverage_reason=ln.coverage_reason,
            priced=ln.priced,
        )

    def terms(self) -> Line:
        """The line as the domain compares it."""
        return Line(
            kind=self.kind,
            code=self.code,
            description=self.description,
            quantity=Decimal(self.quantity),
            unit_price=Decimal(self.unit_price),
            net=Decimal(self.net),
            tax=Decimal(self.tax),
            covered=self.covered,
            coverage_reason=self.coverage_reason,
            priced=self.priced,
        )

    def as_event(self) -> dict[str, Any]:
        return {
            "line_no": self.line_no,
            "kind": self.kind,
            "code": self.code,
            "description": self.description,
            "quantity": self.quantity,
            "unit_price": self.unit_price,
            "net": self.net,
            "tax": self.tax,
            "covered": self.covered,
            "coverage_reason": self.coverage_reason,
        }


class Payment(Base):
    """Money received against an invoice: cash, bank transfer or cheque."""

    __tablename__ = "payments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    notes: Mapped[str | None] = mapped_column(Text)
