"""Finance's audit of an issued invoice against the service record it came from: the
discrepancies are found automatically; the auditor gives the verdict and, for an incorrect
invoice, the resolution agreed with the service team (a credit note, or a new invoice)."""

from __future__ import annotations

import uuid
from typing import Any

from services.billing import domain
from services.billing.models import Invoice
from services.billing.repositories import BillingUnitOfWork
from services.billing.use_cases.credits import issue_credit_note
from services.billing.use_cases.drafting import expected_lines, reissue
from services.billing.use_cases.invoicing import check_invoice
from shared.auth import Principal
from shared.domain import require_visible
from shared.errors import Conflict, InvalidInput, NotFound


def discrepancies_of(
    uow: BillingUnitOfWork, *, invoice_id: uuid.UUID, by: Principal
) -> list[domain.Discrepancy]:
    """What an invoice's record and the prices in force disagree with, as of now (a read:
    nothing is committed)."""
    invoice = uow.invoices.get(invoice_id)
    absent = f"no invoice {invoice_id}"
    if invoice is None:
        raise NotFound(absent)
    require_visible(by, invoice.region, absent)
    return check_invoice(uow, invoice)


def _credit_for_audit(
    uow: BillingUnitOfWork, invoice: Invoice, audit_in: dict[str, Any], by: Principal
) -> dict[str, Any]:
    expected, _ = expected_lines(uow, invoice)
    invoiced = domain.totals([ln.terms() for ln in invoice.lines])
    amount = audit_in.get("credit_amount") or domain.overcharge(invoiced, domain.totals(expected))
    domain.require_credit_within(amount, invoice.creditable, invoice.currency)
    note = issue_credit_note(
        uow,
        region=invoice.region,
        amount=amount,
        source="audit",
        source_key=f"audit:{invoice.id}",
        reason=audit_in.get("notes") or f"audit correction of {invoice.number}",
        by=by.sub,
        invoice=invoice,
        work_order_id=invoice.work_order_id,
        return_id=invoice.return_id,
    )
    return {"credit_note_id": note.id}


def _reissue_for_audit(
    uow: BillingUnitOfWork, invoice: Invoice, audit_in: dict[str, Any], by: Principal
) -> dict[str, Any]:
    if invoice.amount_paid > domain.ZERO:
        raise Conflict(
            f"{invoice.what()} has payments: correct it with a credit note instead",
            errors={"resolution": ["new_invoice needs an unpaid invoice"]},
        )
    outcome = _credit_for_audit(uow, invoice, audit_in | {"credit_amount": invoice.creditable}, by)
    return outcome | {"new_invoice_id": reissue(uow, invoice).id}


def audit_invoice(
    uow: BillingUnitOfWork, *, invoice_id: uuid.UUID, audit_in: dict[str, Any], by: Principal
) -> Invoice:
    """Check an issued invoice against its record and record the verdict (``invoice.audited``)."""
    invoice = uow.invoices.get_for_step(invoice_id, by=by)
    domain.require_status(invoice.status, domain.AUDITABLE, "audit", invoice.what())
    domain.require_status(
        invoice.audit_status, (domain.UNAUDITED,), "audit again", f"the audit of {invoice.what()}"
    )
    found = check_invoice(uow, invoice)
    if found and audit_in["verdict"] == "correct" and not audit_in.get("notes"):
        raise InvalidInput(
            "discrepancies were found: say why the invoice stands",
            errors={"notes": [f"required: {len(found)} discrepancies were found"]},
        )
    outcome: dict[str, Any] = {}
    if audit_in.get("resolution") == "credit_note":
        outcome = _credit_for_audit(uow, invoice, audit_in, by)
    elif audit_in.get("resolution") == "new_invoice":
        outcome = _reissue_for_audit(uow, invoice, audit_in, by)
    invoice.audit(audit_in, by=by.sub, at=uow.clock.now(), **outcome)
    uow.commit()
    return invoice
