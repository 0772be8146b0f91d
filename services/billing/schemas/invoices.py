"""Invoices, payments, audits and credit notes, in and out."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from services.billing.domain import (
    AUDIT_STATUSES,
    INVOICE_STATUSES,
    PAYMENT_METHODS,
    RESOLUTIONS,
    SOURCE_KINDS,
    VERDICTS,
)
from services.billing.schemas.fields import CURRENCY, Money
from shared.schemas import InputSchema, ListArgs, PastDateTime, ReadSchema, UTCDateTimeField


class IssueCreate(InputSchema):
    customer_name = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "the name to invoice (repair records carry none)"},
    )


class PaymentCreate(InputSchema):
    method = fields.String(required=True, validate=validate.OneOf(PAYMENT_METHODS))
    amount = Money(required=True, positive=True)
    currency = fields.String(validate=CURRENCY, metadata={"description": "default: the invoice's"})
    reference = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "transfer reference or cheque number (required for those)"},
    )
    received_at = PastDateTime(metadata={"description": "default: now"})
    notes = fields.String(validate=validate.Length(max=2000))

    @ma.validates_schema
    def _reference(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("method") in ("bank_transfer", "cheque") and not data.get("reference"):
            raise ma.ValidationError(f"required for a {data['method']} payment", "reference")


class AuditCreate(InputSchema):
    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))
    resolution = fields.String(
        validate=validate.OneOf(RESOLUTIONS),
        metadata={"description": "required when incorrect: credit_note or new_invoice"},
    )
    credit_amount = Money(
        positive=True, metadata={"description": "credit_note: default the overcharge found"}
    )
    notes = fields.String(validate=validate.Length(min=1, max=5000))

    @ma.validates_schema
    def _resolution(self, data: dict[str, Any], **_: Any) -> None:
        verdict, resolution = data.get("verdict"), data.get("resolution")
        if verdict == "incorrect" and not resolution:
            raise ma.ValidationError("required when the verdict is incorrect", "resolution")
        if verdict == "correct" and resolution:
            raise ma.ValidationError("a correct invoice needs no resolution", "resolution")
        if "credit_amount" in data and resolution != "credit_note":
            raise ma.ValidationError("only with the credit_note resolution", "credit_amount")


class LineRead(ReadSchema):
    line_no = fields.Integer()
    kind = fields.String()
    code = fields.String()
    description = fields.String()
    quantity = fields.Decimal(as_string=True)
    unit_price = fields.Decimal(as_string=True)
    net = fields.Decimal(as_string=True)
    tax = fields.Decimal(as_string=True)
    covered = fields.Boolean()
    coverage_reason = fields.String()
    priced = fields.Boolean()


class PaymentRead(ReadSchema):
    id = fields.UUID()
    method = fields.String()
    amount = fields.Decimal(as_string=True)
    currency = fields.String()
    reference = fields.String()
    received_at = UTCDateTimeField()
    recorded_by = fields.String()
    notes = fields.String()


class AuditRead(ReadSchema):
    status = fields.String(attribute="audit_status")
    resolution = fields.String()
    notes = fields.String(attribute="audit_notes")
    audited_by = fields.String()
    audited_at = UTCDateTimeField()


class InvoiceRead(ReadSchema):
    id = fields.UUID()
    number = fields.String()
    status = fields.String()
    region = fields.String()
    source_kind = fields.String()
    work_order_id = fields.UUID()
    ticket_id = fields.UUID()
    return_id = fields.UUID()
    replaces_id = fields.UUID()
    visit_number = fields.Integer()
    product_model = fields.String()
    serial_no = fields.String()
    customer_name = fields.String()
    schedule_version = fields.Integer(attribute="schedule_number")
    work_done_at = UTCDateTimeField()
    currency = fields.String()
    tax_rate = fields.Decimal(as_string=True)
    net_total = fields.Decimal(as_string=True)
    tax_total = fields.Decimal(as_string=True)
    total = fields.Decimal(as_string=True)
    amount_paid = fields.Decimal(as_string=True)
    amount_credited = fields.Decimal(as_string=True)
    outstanding = fields.Decimal(as_string=True)
    flagged = fields.Boolean()
    warnings = fields.List(fields.String())
    audit = fields.Function(lambda i: AuditRead().dump(i))
    created_at = UTCDateTimeField()
    issued_at = UTCDateTimeField()
    issued_by = fields.String()
    due_at = UTCDateTimeField(metadata={"description": "payment due by"})
    settled_at = UTCDateTimeField()


def _lines(invoice: Any) -> list[dict[str, Any]]:
    """The lines, each amount with its currency beside it."""
    return [LineRead().dump(ln) | {"currency": invoice.currency} for ln in invoice.lines]


class InvoiceDetailRead(InvoiceRead):
    lines = fields.Function(_lines)
    payments = fields.List(fields.Nested(PaymentRead))
    discrepancies = fields.List(fields.Dict())
    record = fields.Dict(
        attribute="work_record", metadata={"description": "billing's copy of the service record"}
    )


class DiscrepancyRead(ReadSchema):
    code = fields.String()
    kind = fields.String()
    item = fields.String()
    field = fields.String()
    expected = fields.String()
    invoiced = fields.String()
    detail = fields.String()


class InvoiceQueryArgs(ListArgs):
    status = fields.String(validate=validate.OneOf(INVOICE_STATUSES))
    source_kind = fields.String(validate=validate.OneOf(SOURCE_KINDS))
    audit_status = fields.String(validate=validate.OneOf(AUDIT_STATUSES))
    flagged = fields.Boolean(metadata={"description": "with discrepancies or unpriced lines"})
    overdue = fields.Boolean(metadata={"description": "past due with money still owed"})
    work_order_id = fields.UUID()
    ticket_id = fields.UUID()
    return_id = fields.UUID()
    number = fields.String(validate=validate.Length(min=1, max=40))


class CreditNoteRead(ReadSchema):
    id = fields.UUID()
    number = fields.String()
    region = fields.String()
    source = fields.String()
    invoice_id = fields.UUID()
    invoice_number = fields.String()
    return_id = fields.UUID()
    work_order_id = fields.UUID()
    amount = fields.Decimal(as_string=True)
    net = fields.Decimal(as_string=True)
    tax = fields.Decimal(as_string=True)
    tax_rate = fields.Decimal(as_string=True)
    currency = fields.String()
    reason = fields.String()
    refund_method = fields.String()
    refund_reference = fields.String()
    issued_by = fields.String()
    issued_at = UTCDateTimeField()


class CreditNoteQueryArgs(ListArgs):
    status = fields.String(
        validate=validate.OneOf(("against_invoice", "standalone")),
        metadata={"description": "against an invoice, or standalone"},
    )
    source = fields.String(validate=validate.OneOf(("audit", "refund")))
    invoice_id = fields.UUID()
    return_id = fields.UUID()
