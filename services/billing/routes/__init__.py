"""Billing's REST API: thin routes over the use cases and queries."""

from __future__ import annotations

from services.billing.routes.fee_schedule import fee_schedule
from services.billing.routes.invoices import credit_notes, invoices

__all__ = ["credit_notes", "fee_schedule", "invoices"]
