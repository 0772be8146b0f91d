"""Finance's steps on an invoice: issue (the next gap-free number of its year and region),
take payments (partial allowed, overpayment refused), audit against the service record."""

from __future__ import annotations

import uuid
from typing import Any

from services.billing import domain
from services.billing.models import Invoice, Payment
from services.billing.repositories import BillingUnitOfWork
from services.billing.use_cases.drafting import expected_lines
from services.billing.use_cases.numbering import take_number
from shared.auth import Principal
from shared.errors import InvalidInput


def reprice(uow: BillingUnitOfWork, invoice: Invoice) -> None:
    """Price a draft again with the prices in force when the work was done, as known now: a
    schedule published (or corrected) since the draft was made counts; an issued invoice
    keeps its prices."""
    lines, schedule = expected_lines(uow, invoice)
    if [ln.terms() for ln in invoice.lines] != lines or invoice.schedule_number != schedule.number:
        currency = invoice.currency if invoice.source_kind == "replacement" else schedule.currency
        invoice.price(lines, currency=currency, tax_rate=schedule.tax_rate)
        invoice.schedule_number = schedule.number


def check_invoice(uow: BillingUnitOfWork, invoice: Invoice) -> list[domain.Discrepancy]:
    """Compare the invoice with its record and the prices in force; note what disagrees."""
    expected, _ = expected_lines(uow, invoice)
    found = domain.find_discrepancies(expected, [ln.terms() for ln in invoice.lines])
    invoice.note_discrepancies(found)
    return found


def issue_invoice(
    uow: BillingUnitOfWork, *, invoice_id: uuid.UUID, issue_in: dict[str, Any], by: Principal
) -> Invoice:
    """Number a draft (gap-free per year and region), priced with the prices in force when
    the work was done, and send it (``invoice.issued``)."""
    invoice = uow.invoices.get_for_step(invoice_id, by=by)
    domain.require_status(invoice.status, (domain.DRAFT,), "issue", invoice.what())
    reprice(uow, invoice)
    check_invoice(uow, invoice)
    # The number is taken last: its counter row stays locked only until the commit below.
    number = take_number(uow, domain.INVOICE_SERIES, invoice.region)
    now = uow.clock.now()
    invoice.issue(
        number,
        by=by.sub,
        at=now,
        due_at=now + uow.payment_terms(),
        customer_name=issue_in.get("customer_name"),
    )
    uow.commit()
    return invoice


def record_payment(
    uow: BillingUnitOfWork, *, invoice_id: uuid.UUID, payment_in: dict[str, Any], by: Principal
) -> Invoice:
    """Take a cash, bank-transfer or cheque payment (``payment.received``)."""
    invoice = uow.invoices.get_for_step(invoice_id, by=by)
    now = uow.clock.now()
    received_at = payment_in.get("received_at") or now
    if invoice.issued_at is not None and received_at < invoice.issued_at:
        raise InvalidInput(
            "a payment cannot be received before the invoice was issued",
            errors={"received_at": ["before the invoice was issued"]},
        )
    payment = Payment(
        id=uuid.uuid4(),
        method=payment_in["method"],
        amount=payment_in["amount"],
        currency=payment_in.get("currency") or invoice.currency,
        reference=payment_in.get("reference"),
        received_at=received_at,
        recorded_by=by.sub,
        recorded_at=now,
        notes=payment_in.get("notes"),
    )
    invoice.pay(payment, at=now)
    uow.commit()
    return invoice
