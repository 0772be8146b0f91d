"""What returns publishes: versioned payload schemas, each with a sample for contract tests.

Declared ahead of the returns domain (as complaints' and maintenance's were), so that
billing (paid replacements, refunds), maintenance (each product's service file) and kpi can
be built against them. Fields are added, never repurposed.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from services.returns.domain import DECISIONS, KINDS, REFUND_METHODS, SEVERITIES, SOURCES
from shared.events import EventCatalog, PayloadSchema

RETURN_ID = "7b2d4f6a-8c0e-4b2d-9f6a-8c0e2b4d6f80"
MONEY: dict[str, Any] = {"as_string": True, "places": 2}


class ReturnEvent(PayloadSchema):
    return_id = fields.UUID(required=True)
    kind = fields.String(
        required=True,
        validate=validate.OneOf(KINDS),
        metadata={
            "description": "the remedy: as requested, then as the appraisal decided it (a "
            "refund request in warranty without a serious defect becomes a free replacement)"
        },
    )
    serial_no = fields.String(required=True)
    product_model = fields.String(required=True)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    work_order_id = fields.UUID(allow_none=True, load_default=None)


class ReturnRequestedV1(ReturnEvent):
    reason = fields.String(required=True)
    purchase_date = fields.Date(allow_none=True, load_default=None)
    customer_name = fields.String(required=True)
    customer_phone = fields.String(allow_none=True, load_default=None)
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    requested_at = fields.AwareDateTime(required=True, format="iso")


class ReturnAppraisedV1(ReturnEvent):
    quality_defect = fields.Boolean(required=True)
    severity = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(SEVERITIES)
    )
    warranty_status = fields.String(
        required=True,
        metadata={"description": "in_warranty, out_of_warranty or unknown, as of the report date"},
    )
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    price = fields.Decimal(
        allow_none=True,
        load_default=None,
        metadata={"description": "a paid replacement's price from the fee schedule in force"},
        **MONEY,
    )
    refund_amount = fields.Decimal(
        allow_none=True,
        load_default=None,
        metadata={"description": "the amount a refund pays (agreed by negotiation, or set)"},
        **MONEY,
    )
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    schedule_version = fields.Integer(
        allow_none=True,
        load_default=None,
        metadata={"description": "the fee-schedule version a paid replacement was priced from"},
    )
    findings = fields.String(allow_none=True, load_default=None)
    reason = fields.String(required=True, metadata={"description": "told to the customer"})
    customer_name = fields.String(required=True)
    customer_phone = fields.String(allow_none=True, load_default=None)
    appraised_by = fields.String(required=True)
    appraised_at = fields.AwareDateTime(required=True, format="iso")


class ReplacementShippedV1(ReturnEvent):
    new_serial_no = fields.String(required=True)
    replacement_model = fields.String(
        allow_none=True,
        load_default=None,
        metadata={"description": "the model shipped (agreed with the customer)"},
    )
    specification = fields.String(allow_none=True, load_default=None)
    quantity = fields.Integer(required=True, validate=validate.Range(min=1))
    carrier = fields.String(required=True)
    tracking_no = fields.String(required=True)
    shipped_at = fields.AwareDateTime(required=True, format="iso")
    original_due_at = fields.AwareDateTime(
        required=True, format="iso", metadata={"description": "when the original must be back"}
    )


class ReturnReceivedV1(ReturnEvent):
    received_at = fields.AwareDateTime(required=True, format="iso")
    condition_ok = fields.Boolean(required=True)
    check_notes = fields.String(required=True)
    late = fields.Boolean(required=True, metadata={"description": "received after it was due"})


class RefundIssuedV1(ReturnEvent):
    amount = fields.Decimal(required=True, **MONEY)
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    method = fields.String(required=True, validate=validate.OneOf(REFUND_METHODS))
    reference = fields.String(required=True)
    issued_at = fields.AwareDateTime(required=True, format="iso")


BASE = {
    "return_id": RETURN_ID,
    "kind": "replacement",
    "serial_no": "SN-2024-000123",
    "product_model": "CP-400",
    "ticket_id": "6f1c1a52-8c8e-4b5e-9a8e-2f7f1b3d9c10",
    "work_order_id": "3c5e7a9b-1d3f-4c5e-8a9b-1d3f5c7e9a20",
}
PUBLISHES = EventCatalog("returns")
PUBLISHES.declare(
    "return.requested",
    1,
    ReturnRequestedV1,
    description="A replacement or refund was requested (by an agent, or by a repair escalation).",
    sample=BASE
    | {
        "reason": "three failed repairs on a product defect",
        "purchase_date": "2025-03-01",
        "customer_name": "Li Wei",
        "customer_phone": "+86 138 0000 0000",
        "source": "escalation",
        "requested_at": "2026-12-02T02:00:00+00:00",
    },
)
PUBLISHES.declare(
    "return.appraised",
    1,
    ReturnAppraisedV1,
    description="An engineer appraised the returned product and the rules decided the outcome.",
    sample=BASE
    | {
        "quality_defect": True,
        "severity": "high",
        "warranty_status": "out_of_warranty",
        "decision": "paid_replacement",
        "price": "12800.00",
        "refund_amount": None,
        "currency": "CNY",
        "schedule_version": 3,
        "findings": "weld seam porosity under the coating; anode housing cracked",
        "reason": "out of warranty: replacement at the fee-schedule price 12800.00",
        "customer_name": "Li Wei",
        "customer_phone": "+86 138 0000 0000",
        "appraised_by": "eng-1",
        "appraised_at": "2026-12-03T02:00:00+00:00",
    },
)
PUBLISHES.declare(
    "replacement.shipped",
    1,
    ReplacementShippedV1,
    description="The replacement left; the original must come back by original_due_at.",
    sample=BASE
    | {
        "new_serial_no": "SN-2026-000999",
        "replacement_model": "CP-400",
        "specification": "400 A, marine",
        "quantity": 1,
        "carrier": "SF Express",
        "tracking_no": "SF1234567890",
        "shipped_at": "2026-12-04T02:00:00+00:00",
        "original_due_at": "2026-12-19T02:00:00+00:00",
    },
)
PUBLISHES.declare(
    "return.received",
    1,
    ReturnReceivedV1,
    description="The original product came back and was checked.",
    sample=BASE
    | {
        "received_at": "2026-12-10T02:00:00+00:00",
        "condition_ok": True,
        "check_notes": "defect confirmed at the weld",
        "late": False,
    },
)
PUBLISHES.declare(
    "refund.issued",
    1,
    RefundIssuedV1,
    description="A refund was paid out (only after the product was received and checked).",
    sample=BASE
    | {
        "kind": "refund",
        "amount": "9800.00",
        "currency": "CNY",
        "method": "bank_transfer",
        "reference": "TRX-2026-0042",
        "issued_at": "2026-12-12T02:00:00+00:00",
    },
)
