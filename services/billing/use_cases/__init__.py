"""Billing's use cases: each loads through the unit of work, asks the domain, lets the
aggregates record what happened, and commits."""

from __future__ import annotations

from services.billing.use_cases.audit import audit_invoice, discrepancies_of
from services.billing.use_cases.credits import credit_refund, issue_credit_note
from services.billing.use_cases.drafting import (
    draft_invoice_for_replacement,
    draft_invoice_for_visit,
    expected_lines,
    terms_at,
)
from services.billing.use_cases.invoicing import check_invoice, issue_invoice, record_payment
from services.billing.use_cases.schedule import publish_fee_schedule

__all__ = [
    "audit_invoice",
    "check_invoice",
    "credit_refund",
    "discrepancies_of",
    "draft_invoice_for_replacement",
    "draft_invoice_for_visit",
    "expected_lines",
    "issue_credit_note",
    "issue_invoice",
    "publish_fee_schedule",
    "record_payment",
    "terms_at",
]
