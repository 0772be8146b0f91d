"""Billing's tables: fee-schedule versions, invoices with their lines and payments, credit
notes, and the gap-free document counters."""

from __future__ import annotations

from services.billing.models.base import Base
from services.billing.models.credit_notes import CreditNote
from services.billing.models.invoices import Invoice
from services.billing.models.lines import InvoiceLine, Payment
from services.billing.models.schedule import DocumentCounter, FeeSchedule

__all__ = [
    "Base",
    "CreditNote",
    "DocumentCounter",
    "FeeSchedule",
    "Invoice",
    "InvoiceLine",
    "Payment",
]
