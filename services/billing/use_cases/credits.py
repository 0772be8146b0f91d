"""Credit notes: numbered gap-free like invoices, against an invoice (taking its amount off
what is owed) or standalone; a refund credits the invoice of the replacement it refunds."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from services.billing import domain
from services.billing.models import CreditNote, Invoice
from services.billing.repositories import BillingUnitOfWork
from services.billing.use_cases.numbering import take_number

SYSTEM = "billing"


def issue_credit_note(
    uow: BillingUnitOfWork,
    *,
    region: str,
    amount: Decimal,
    source: str,
    source_key: str,
    reason: str,
    by: str,
    invoice: Invoice | None = None,
    **details: Any,
) -> CreditNote:
    """Number a credit note, take it off the invoice (if any) and announce it
    (``credit_note.issued``). The caller commits."""
    now = uow.clock.now()
    if invoice is not None:
        invoice.credit(amount, at=now)
        details |= {"currency": invoice.currency, "tax_rate": invoice.tax_rate}
    net, tax = domain.split_gross(amount, details["tax_rate"])
    note = CreditNote(
        id=uuid.uuid4(),
        number=take_number(uow, domain.CREDIT_NOTE_SERIES, region),
        region=region,
        source=source,
        source_key=source_key,
        invoice_id=invoice.id if invoice else None,
        invoice_number=invoice.number if invoice else None,
        amount=amount,
        net=net,
        tax=tax,
        reason=reason,
        issued_by=by,
        issued_at=now,
        version=0,
        **details,
    )
    uow.credit_notes.add(note)
    note.announce()
    return note


def credit_refund(uow: BillingUnitOfWork, *, region: str, refund: dict[str, Any]) -> CreditNote:
    """A refund paid out by returns becomes a credit note: against the invoice of the paid
    replacement it refunds when that invoice can take it, standalone otherwise (a refund
    of a sale billing never invoiced). Once per refund."""
    key = f"refund:{refund['return_id']}:{refund['reference']}"
    existing = uow.credit_notes.by_source(key)
    if existing is not None:
        return existing
    amount = domain.to_cents(refund["amount"])
    invoice = uow.invoices.creditable_for_return(refund["return_id"])
    fits = (
        invoice is not None
        and invoice.currency == refund["currency"]
        and amount <= invoice.creditable
    )
    reason = f"refund {refund['reference']} ({refund['method']})"
    note = issue_credit_note(
        uow,
        region=region,
        amount=amount,
        source="refund",
        source_key=key,
        reason=reason if fits else f"{reason}, standalone",
        by=SYSTEM,
        invoice=invoice if fits else None,
        currency=refund["currency"],
        tax_rate=uow.tax_rate(),
        return_id=refund["return_id"],
        work_order_id=refund.get("work_order_id"),
        refund_method=refund["method"],
        refund_reference=refund["reference"],
    )
    uow.commit()
    return note
