"""Invoices (issue, payments, audit, the PDF the customer gets) and credit notes."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response

from services.billing import queries, use_cases
from services.billing.repositories import SqlBillingUnitOfWork
from services.billing.routes.pdf import render_invoice
from services.billing.schemas import (
    AuditCreate,
    CreditNoteQueryArgs,
    CreditNoteRead,
    DiscrepancyRead,
    InvoiceDetailRead,
    InvoiceQueryArgs,
    InvoiceRead,
    IssueCreate,
    PaymentCreate,
)
from shared.domain import Page, Window
from shared.web import Blueprint, principal, runtime, session, unit_of_work

# Who reads invoices: finance, customer service (to answer and send them), managers.
READERS = ("finance", "agent", "manager", "admin")

invoices = Blueprint(
    "invoices", __name__, url_prefix="/invoices", description="Invoices, payments and audits"
)
credit_notes = Blueprint(
    "credit_notes", __name__, url_prefix="/credit-notes", description="Credit notes"
)


def _uow() -> SqlBillingUnitOfWork:
    return unit_of_work(SqlBillingUnitOfWork)


@invoices.route("", methods=["GET"])
@invoices.requires(*READERS)
@invoices.arguments(InvoiceQueryArgs, location="query")
@invoices.response(200, InvoiceRead(many=True))
@invoices.paginated()
def list_invoices(filters: dict[str, Any], window: Window) -> Page[Any]:
    """List invoices, newest first; filter by region, status, audit status, source, flagged,
    overdue, work order, ticket, return, number and creation time."""
    return queries.list_invoices(
        session(), filters=filters, viewer=principal(), window=window, now=runtime().clock.now()
    )


@invoices.route("/<uuid:invoice_id>", methods=["GET"])
@invoices.requires(*READERS)
@invoices.response(200, InvoiceDetailRead)
def get_invoice(invoice_id: uuid.UUID) -> Any:
    """One invoice with its lines, payments, audit and discrepancies."""
    return queries.get_invoice(session(), invoice_id, viewer=principal())


@invoices.route("/<uuid:invoice_id>/pdf", methods=["GET"])
@invoices.requires(*READERS)
@invoices.alt_response(
    200,
    schema={"type": "string", "format": "binary"},
    content_type="application/pdf",
    description="The invoice as a PDF",
    success=True,
)
def get_invoice_pdf(invoice_id: uuid.UUID) -> Response:
    """The invoice as the customer gets it, a PDF with the itemised fee list (a draft prints
    as the fee list alone)."""
    invoice = queries.get_invoice(session(), invoice_id, viewer=principal())
    credits = queries.credit_notes_of(session(), invoice.id)
    name = invoice.number or f"draft-{invoice.id}"
    return Response(
        render_invoice(invoice, credits),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
    )


@invoices.route("/<uuid:invoice_id>/issue", methods=["POST"])
@invoices.requires("finance")
@invoices.idempotent
@invoices.arguments(IssueCreate)
@invoices.response(200, InvoiceDetailRead)
def issue_invoice(issue_in: dict[str, Any], invoice_id: uuid.UUID) -> Any:
    """Number a draft (gap-free per year and region) and send it (``invoice.issued``)."""
    return use_cases.issue_invoice(_uow(), invoice_id=invoice_id, issue_in=issue_in, by=principal())


@invoices.route("/<uuid:invoice_id>/payments", methods=["POST"])
@invoices.requires("finance")
@invoices.idempotent
@invoices.arguments(PaymentCreate)
@invoices.response(201, InvoiceDetailRead)
def record_payment(payment_in: dict[str, Any], invoice_id: uuid.UUID) -> Any:
    """Record a cash, bank-transfer or cheque payment; partial allowed, overpayment refused."""
    return use_cases.record_payment(
        _uow(), invoice_id=invoice_id, payment_in=payment_in, by=principal()
    )


@invoices.route("/<uuid:invoice_id>/audit", methods=["POST"])
@invoices.requires("finance")
@invoices.idempotent
@invoices.arguments(AuditCreate)
@invoices.response(200, InvoiceDetailRead)
def audit_invoice(audit_in: dict[str, Any], invoice_id: uuid.UUID) -> Any:
    """Audit an issued invoice against its service record: verdict, and for an incorrect one
    the resolution (credit note or new invoice) (``invoice.audited``)."""
    return use_cases.audit_invoice(_uow(), invoice_id=invoice_id, audit_in=audit_in, by=principal())


@invoices.route("/<uuid:invoice_id>/discrepancies", methods=["GET"])
@invoices.requires("finance", "manager", "admin")
@invoices.response(200, DiscrepancyRead(many=True))
def list_discrepancies(invoice_id: uuid.UUID) -> Any:
    """Where the invoice and its service record (at the prices in force) disagree, now."""
    found = use_cases.discrepancies_of(_uow(), invoice_id=invoice_id, by=principal())
    return [d.as_dict() for d in found]


@credit_notes.route("", methods=["GET"])
@credit_notes.requires(*READERS)
@credit_notes.arguments(CreditNoteQueryArgs, location="query")
@credit_notes.response(200, CreditNoteRead(many=True))
@credit_notes.paginated()
def list_credit_notes(filters: dict[str, Any], window: Window) -> Page[Any]:
    """List credit notes, newest first; status against_invoice or standalone."""
    return queries.list_credit_notes(session(), filters=filters, viewer=principal(), window=window)


@credit_notes.route("/<uuid:credit_note_id>", methods=["GET"])
@credit_notes.requires(*READERS)
@credit_notes.response(200, CreditNoteRead)
def get_credit_note(credit_note_id: uuid.UUID) -> Any:
    """One credit note."""
    return queries.get_credit_note(session(), credit_note_id, viewer=principal())
