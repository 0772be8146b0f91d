"""Credit notes: money given back against an invoice (an audit's correction, a refund of a
billed replacement) or standalone (a refund of a sale billing did not invoice)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.billing.models.base import MONEY, RATE, Base
from shared.db import UTCDateTime
from shared.domain import Aggregate


class CreditNote(Base, Aggregate):
    """A numbered credit (tax-inclusive ``amount`` = ``net`` + ``tax``)."""

    __tablename__ = "credit_notes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    region: Mapped[str] = mapped_column(String(50), index=True)
    source: Mapped[str] = mapped_column(String(20))
    # What caused it (a refund, an audit): never credited twice.
    source_key: Mapped[str] = mapped_column(String(200), unique=True)
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    invoice_number: Mapped[str | None] = mapped_column(String(40))
    return_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    work_order_id: Mapped[uuid.UUID | None] = mapped_column()
    amount: Mapped[Decimal] = mapped_column(MONEY)
    net: Mapped[Decimal] = mapped_column(MONEY)
    tax: Mapped[Decimal] = mapped_column(MONEY)
    tax_rate: Mapped[Decimal] = mapped_column(RATE)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    refund_method: Mapped[str | None] = mapped_column(String(30))
    refund_reference: Mapped[str | None] = mapped_column(String(200))
    issued_by: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    version: Mapped[int] = mapped_column(Integer)

    def announce(self) -> None:
        """``credit_note.issued``: the credit, and the invoice it is against if any."""
        self.record(
            "credit_note.issued",
            {
                "credit_note_id": self.id,
                "number": self.number,
                "source": self.source,
                "invoice_id": self.invoice_id,
                "invoice_number": self.invoice_number,
                "return_id": self.return_id,
                "work_order_id": self.work_order_id,
                "amount": self.amount,
                "net": self.net,
                "tax": self.tax,
                "currency": self.currency,
                "reason": self.reason,
                "issued_at": self.issued_at,
            },
        )
