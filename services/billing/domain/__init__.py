"""Billing's rules as plain Python: invoice statuses and the transitions they admit, pricing
with the fee schedule in force, money rounding, gap-free numbering and the audit.

An invoice is a ``draft`` (itemised, unnumbered) until finance issues it: it gets the next
number of its year and region and becomes ``issued``; payments make it ``partially_paid``,
then ``paid`` when settled. A credit note for all that is left makes it ``credited``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from services.billing.domain.audit import RESOLUTIONS, VERDICTS, Discrepancy, find_discrepancies
from services.billing.domain.money import (
    CENT,
    DEFAULT_CURRENCY,
    DEFAULT_TAX_RATE,
    ZERO,
    parse_tax_rate,
    split_gross,
    tax_on,
    to_cents,
)
from services.billing.domain.pricing import (
    ANY_PRODUCT,
    LINE_KINDS,
    SERVICE_KINDS,
    Line,
    PartUse,
    Schedule,
    ServiceRecord,
    Totals,
    line,
    price_replacement,
    price_service,
    totals,
    unpriced,
)
from shared.errors import Conflict, InvalidInput

DRAFT = "draft"
ISSUED = "issued"
PARTIALLY_PAID = "partially_paid"
PAID = "paid"
CREDITED = "credited"
INVOICE_STATUSES = (DRAFT, ISSUED, PARTIALLY_PAID, PAID, CREDITED)
PAYABLE = (ISSUED, PARTIALLY_PAID)
AUDITABLE = (ISSUED, PARTIALLY_PAID, PAID, CREDITED)
CREDITABLE = (ISSUED, PARTIALLY_PAID, PAID)
UNAUDITED = "unaudited"
AUDIT_STATUSES = (UNAUDITED, *VERDICTS)
PAYMENT_METHODS = ("cash", "bank_transfer", "cheque")
SOURCE_KINDS = ("repair", "maintenance", "replacement")
INVOICE_SERIES, CREDIT_NOTE_SERIES, SCHEDULE_SERIES = "INV", "CN", "FEE"
# The fee schedule is one for the whole country: its events carry this region word.
NATIONAL = "national"

__all__ = [
    "ANY_PRODUCT",
    "CENT",
    "DEFAULT_CURRENCY",
    "DEFAULT_TAX_RATE",
    "LINE_KINDS",
    "RESOLUTIONS",
    "SERVICE_KINDS",
    "VERDICTS",
    "ZERO",
    "Discrepancy",
    "Line",
    "PartUse",
    "Schedule",
    "ServiceRecord",
    "Totals",
    "find_discrepancies",
    "line",
    "parse_tax_rate",
    "price_replacement",
    "price_service",
    "split_gross",
    "tax_on",
    "to_cents",
    "totals",
    "unpriced",
]


DEFAULT_PAYMENT_TERMS_DAYS = "30"


def payment_terms(raw: str) -> dt.timedelta:
    """The payment terms option: whole days, 0 (due on issue) to 365."""
    days = int(raw)
    if not 0 <= days <= 365:
        raise ValueError(f"payment terms of {raw} days: expected 0 to 365")
    return dt.timedelta(days=days)


def overdue(status: str, due_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Past its due date with money still owed."""
    return status in PAYABLE and due_at is not None and due_at < now


def document_number(series: str, year: int, region: str, sequence: int) -> str:
    """``INV-2026-EAST-000042``: series, year, region, and the gap-free sequence of the three."""
    return f"{series}-{year}-{region.upper()}-{sequence:06d}"


def numbering_year(moment: dt.datetime, tz: dt.tzinfo) -> int:
    """The year an invoice is numbered in: the year of its issue in its region's time zone."""
    return moment.astimezone(tz).year


def refusal(action: str, what: str, status: str) -> Conflict:
    """The 409 for an action the current status does not admit, naming the status."""
    return Conflict(f"cannot {action}: {what} is {status}", errors={"status": [f"is {status}"]})


def require_status(status: str, allowed: tuple[str, ...], action: str, what: str) -> None:
    if status not in allowed:
        raise refusal(action, what, status)


def outstanding(total: Decimal, paid: Decimal, credited: Decimal) -> Decimal:
    """What the customer still owes (never below zero: an overpaid balance is a refund)."""
    return max(ZERO, total - paid - credited)


def settled_status(total: Decimal, paid: Decimal, credited: Decimal) -> str:
    """The status of an issued invoice after a payment or a credit."""
    if credited >= total and total > ZERO:
        return CREDITED
    if paid + credited >= total:
        return PAID
    return PARTIALLY_PAID if paid > ZERO else ISSUED


def check_payment(amount: Decimal, currency: str, *, due: Decimal, invoice_currency: str) -> None:
    """A payment is in the invoice's currency and never more than is outstanding (422)."""
    if currency != invoice_currency:
        raise InvalidInput(
            f"the invoice is in {invoice_currency}",
            errors={"currency": [f"must be {invoice_currency}"]},
        )
    if amount > due:
        raise InvalidInput(
            f"overpayment refused: {due} {invoice_currency} is outstanding",
            errors={"amount": [f"exceeds the outstanding {due} {invoice_currency}"]},
        )


def chargeable(source_kind: str, lines: list[Line]) -> bool:
    """A repair always gets its itemised invoice (covered lines at zero); a maintenance visit
    only when something is to be paid (a plan's visit with nothing chargeable gets none)."""
    return source_kind != "maintenance" or totals(lines).gross > ZERO


def overcharge(invoiced: Totals, expected: Totals) -> Decimal:
    """What an audit found charged above what the record and the prices called for."""
    return max(ZERO, invoiced.gross - expected.gross)


def require_credit_within(amount: Decimal, creditable: Decimal, currency: str) -> None:
    """A credit note never credits more than is left of the invoice (422 naming the amount)."""
    if amount <= ZERO or amount > creditable:
        raise InvalidInput(
            f"{creditable} {currency} can be credited on this invoice",
            errors={"credit_amount": [f"must be above 0 and at most {creditable} {currency}"]},
        )
