"""Billing's REST schemas (``<Thing>Create``, ``<Thing>Read``, ``<Thing>QueryArgs``). Money
is a decimal string in JSON, always beside its currency."""

from __future__ import annotations

from services.billing.schemas.fee_schedule import (
    CalloutFeeIn,
    FeeScheduleQueryArgs,
    FeeScheduleRead,
    FeeScheduleUpdate,
    LabourRateIn,
    PartPriceIn,
    ProductPriceIn,
)
from services.billing.schemas.invoices import (
    AuditCreate,
    AuditRead,
    CreditNoteQueryArgs,
    CreditNoteRead,
    DiscrepancyRead,
    InvoiceDetailRead,
    InvoiceQueryArgs,
    InvoiceRead,
    IssueCreate,
    LineRead,
    PaymentCreate,
    PaymentRead,
)

__all__ = [
    "AuditCreate",
    "AuditRead",
    "CalloutFeeIn",
    "CreditNoteQueryArgs",
    "CreditNoteRead",
    "DiscrepancyRead",
    "FeeScheduleQueryArgs",
    "FeeScheduleRead",
    "FeeScheduleUpdate",
    "InvoiceDetailRead",
    "InvoiceQueryArgs",
    "InvoiceRead",
    "IssueCreate",
    "LabourRateIn",
    "LineRead",
    "PartPriceIn",
    "PaymentCreate",
    "PaymentRead",
    "ProductPriceIn",
]
