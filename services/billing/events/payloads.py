"""The payload schemas of billing's events (versioned; fields are added, never repurposed)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from services.billing.domain import LINE_KINDS, PAYMENT_METHODS, RESOLUTIONS, VERDICTS
from shared.events import PayloadSchema

MONEY: dict[str, Any] = {"as_string": True, "places": 2}
AMOUNT = fields.Decimal


class CalloutFee(PayloadSchema):
    region = fields.String(required=True)
    amount = AMOUNT(required=True, **MONEY)


class LabourRate(PayloadSchema):
    service_kind = fields.String(required=True, metadata={"description": "repair, maintenance"})
    product_type = fields.String(required=True)
    rate_per_hour = AMOUNT(required=True, **MONEY)


class PartPrice(PayloadSchema):
    part_no = fields.String(required=True)
    description = fields.String(load_default="", dump_default="")
    price = AMOUNT(required=True, **MONEY)


class ProductPrice(PayloadSchema):
    model = fields.String(required=True)
    price = AMOUNT(
        required=True,
        metadata={"description": "the price of a replacement unit of this model"},
        **MONEY,
    )


class FeeSchedulePublishedV1(PayloadSchema):
    schedule_version = fields.Integer(required=True, validate=validate.Range(min=1))
    effective_from = fields.AwareDateTime(required=True, format="iso")
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    tax_rate = AMOUNT(required=True, as_string=True, places=4)
    callout_fees = fields.List(fields.Nested(CalloutFee), required=True)
    labour_rates = fields.List(fields.Nested(LabourRate), required=True)
    parts = fields.List(fields.Nested(PartPrice), required=True)
    products = fields.List(fields.Nested(ProductPrice), required=True)
    published_by = fields.String(required=True)


class InvoiceEvent(PayloadSchema):
    """Fields every invoice event carries."""

    invoice_id = fields.UUID(required=True)
    number = fields.String(required=True, metadata={"description": "INV-<year>-<REGION>-<seq>"})


class InvoiceLine(PayloadSchema):
    line_no = fields.Integer(required=True, validate=validate.Range(min=1))
    kind = fields.String(required=True, validate=validate.OneOf(LINE_KINDS))
    code = fields.String(required=True, metadata={"description": "region, product type, part"})
    description = fields.String(required=True)
    quantity = AMOUNT(required=True, **MONEY)
    unit_price = AMOUNT(required=True, **MONEY)
    net = AMOUNT(required=True, **MONEY)
    tax = AMOUNT(required=True, **MONEY)
    covered = fields.Boolean(required=True, metadata={"description": "by warranty: at zero"})
    coverage_reason = fields.String(allow_none=True, load_default=None)


class InvoiceIssuedV1(InvoiceEvent):
    source_kind = fields.String(
        required=True, validate=validate.OneOf(("repair", "maintenance", "replacement"))
    )
    work_order_id = fields.UUID(allow_none=True, load_default=None)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    return_id = fields.UUID(allow_none=True, load_default=None)
    replaces_id = fields.UUID(
        allow_none=True, load_default=None, metadata={"description": "an invoice it replaces"}
    )
    customer_name = fields.String(allow_none=True, load_default=None)
    product_model = fields.String(required=True)
    serial_no = fields.String(allow_none=True, load_default=None)
    schedule_version = fields.Integer(allow_none=True, load_default=None)
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    tax_rate = AMOUNT(required=True, as_string=True, places=4)
    lines = fields.List(fields.Nested(InvoiceLine), required=True)
    net_total = AMOUNT(required=True, **MONEY)
    tax_total = AMOUNT(required=True, **MONEY)
    total = AMOUNT(required=True, **MONEY)
    work_done_at = fields.AwareDateTime(required=True, format="iso")
    issued_at = fields.AwareDateTime(required=True, format="iso")
    due_at = fields.AwareDateTime(
        required=True, format="iso", metadata={"description": "payment due by (the terms)"}
    )


class PaymentReceivedV1(InvoiceEvent):
    payment_id = fields.UUID(required=True)
    method = fields.String(required=True, validate=validate.OneOf(PAYMENT_METHODS))
    amount = AMOUNT(required=True, **MONEY)
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    reference = fields.String(allow_none=True, load_default=None)
    received_at = fields.AwareDateTime(required=True, format="iso")
    amount_paid = AMOUNT(required=True, **MONEY)
    outstanding = AMOUNT(required=True, **MONEY)
    status = fields.String(required=True, metadata={"description": "partially_paid, paid"})


class Discrepancy(PayloadSchema):
    code = fields.String(required=True)
    kind = fields.String(required=True)
    item = fields.String(required=True)
    field = fields.String(required=True)
    expected = fields.String(allow_none=True, load_default=None)
    invoiced = fields.String(allow_none=True, load_default=None)
    detail = fields.String(required=True)


class InvoiceAuditedV1(InvoiceEvent):
    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))
    discrepancies = fields.List(fields.Nested(Discrepancy), required=True)
    resolution = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(RESOLUTIONS)
    )
    credit_note_id = fields.UUID(allow_none=True, load_default=None)
    new_invoice_id = fields.UUID(allow_none=True, load_default=None)
    notes = fields.String(allow_none=True, load_default=None)
    audited_by = fields.String(required=True)
    audited_at = fields.AwareDateTime(required=True, format="iso")


class CreditNoteIssuedV1(PayloadSchema):
    credit_note_id = fields.UUID(required=True)
    number = fields.String(required=True, metadata={"description": "CN-<year>-<REGION>-<seq>"})
    source = fields.String(required=True, validate=validate.OneOf(("audit", "refund")))
    invoice_id = fields.UUID(
        allow_none=True, load_default=None, metadata={"description": "none: a standalone credit"}
    )
    invoice_number = fields.String(allow_none=True, load_default=None)
    return_id = fields.UUID(allow_none=True, load_default=None)
    work_order_id = fields.UUID(allow_none=True, load_default=None)
    amount = AMOUNT(required=True, metadata={"description": "tax included"}, **MONEY)
    net = AMOUNT(required=True, **MONEY)
    tax = AMOUNT(required=True, **MONEY)
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    reason = fields.String(required=True)
    issued_at = fields.AwareDateTime(required=True, format="iso")
