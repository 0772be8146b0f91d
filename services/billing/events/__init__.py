"""What billing publishes: versioned payload schemas, each with a sample for contract tests.

``fee_schedule.published`` (region word ``national``) lets returns price a paid replacement
from the schedule in force without calling billing: returns keeps its own copy of the prices.
Every amount is a decimal string with its currency beside it (``currency``).
"""

from __future__ import annotations

from services.billing.events.payloads import (
    CreditNoteIssuedV1,
    FeeSchedulePublishedV1,
    InvoiceAuditedV1,
    InvoiceIssuedV1,
    PaymentReceivedV1,
)
from shared.events import EventCatalog

__all__ = ["PUBLISHES"]

INVOICE_ID = "9d1f3b5a-7c9e-4b1d-8f3a-5c7e9b1d3f60"
INVOICE = {"invoice_id": INVOICE_ID, "number": "INV-2026-EAST-000042"}
WORK = {
    "work_order_id": "0b6c2a4e-5d7f-4c1a-9e3b-8a2d4f6c8e10",
    "ticket_id": "6f1c1a52-8c8e-4b5e-9a8e-2f7f1b3d9c10",
}
LINE = {"covered": False, "coverage_reason": None}
SAMPLE_LINES = [
    {
        "line_no": 1,
        "kind": "callout",
        "code": "east",
        "description": "call-out fee (east)",
        "quantity": "1.00",
        "unit_price": "150.00",
        "net": "150.00",
        "tax": "19.50",
        **LINE,
    },
    {
        "line_no": 2,
        "kind": "labour",
        "code": "CP-400",
        "description": "repair labour, CP-400",
        "quantity": "2.50",
        "unit_price": "180.00",
        "net": "450.00",
        "tax": "58.50",
        **LINE,
    },
    {
        "line_no": 3,
        "kind": "part",
        "code": "CP-400-ANODE",
        "description": "zinc anode",
        "quantity": "1.00",
        "unit_price": "85.50",
        "net": "0.00",
        "tax": "0.00",
        "covered": True,
        "coverage_reason": "covered by warranty: parts",
    },
]

PUBLISHES = EventCatalog("billing")
PUBLISHES.declare(
    "fee_schedule.published",
    1,
    FeeSchedulePublishedV1,
    description="A fee schedule version: the prices in force from effective_from on.",
    sample={
        "schedule_version": 3,
        "effective_from": "2026-12-01T00:00:00+08:00",
        "currency": "CNY",
        "tax_rate": "0.1300",
        "callout_fees": [{"region": "east", "amount": "150.00"}],
        "labour_rates": [
            {"service_kind": "repair", "product_type": "CP-400", "rate_per_hour": "180.00"}
        ],
        "parts": [{"part_no": "AN-12", "description": "zinc anode", "price": "85.50"}],
        "products": [{"model": "CP-400", "price": "12800.00"}],
        "published_by": "finance-1",
    },
)
PUBLISHES.declare(
    "invoice.issued",
    1,
    InvoiceIssuedV1,
    description="A draft invoice was numbered and sent to the customer.",
    sample={
        **INVOICE,
        **WORK,
        "source_kind": "repair",
        "return_id": None,
        "replaces_id": None,
        "customer_name": None,
        "product_model": "CP-400",
        "serial_no": "SN-2024-000123",
        "schedule_version": 3,
        "currency": "CNY",
        "tax_rate": "0.1300",
        "lines": SAMPLE_LINES,
        "net_total": "600.00",
        "tax_total": "78.00",
        "total": "678.00",
        "work_done_at": "2026-12-03T04:45:00+00:00",
        "issued_at": "2026-12-04T02:00:00+00:00",
        "due_at": "2027-01-03T02:00:00+00:00",
    },
)
PUBLISHES.declare(
    "payment.received",
    1,
    PaymentReceivedV1,
    description="A payment (cash, bank transfer, cheque) was received against an invoice.",
    sample={
        **INVOICE,
        "payment_id": "2a4c6e8b-0d2f-4a4c-8e0b-2d4f6a8c0e70",
        "method": "bank_transfer",
        "amount": "300.00",
        "currency": "CNY",
        "reference": "TRX-2026-1187",
        "received_at": "2026-12-05T03:00:00+00:00",
        "amount_paid": "300.00",
        "outstanding": "378.00",
        "status": "partially_paid",
    },
)
PUBLISHES.declare(
    "invoice.audited",
    1,
    InvoiceAuditedV1,
    description="Finance checked an invoice against its service record and gave a verdict.",
    sample={
        **INVOICE,
        "verdict": "incorrect",
        "discrepancies": [
            {
                "code": "unit_price_differs",
                "kind": "labour",
                "item": "CP-400",
                "field": "unit_price",
                "expected": "160.00",
                "invoiced": "180.00",
                "detail": "labour CP-400: unit_price is 180.00 on the invoice, 160.00 by the "
                "record and the prices in force",
            }
        ],
        "resolution": "credit_note",
        "credit_note_id": "4c6e8a0b-2d4f-4c6e-8a0b-2d4f6c8e0a80",
        "new_invoice_id": None,
        "notes": "labour rate corrected from 1 Dec; agreed with the east service team",
        "audited_by": "finance-1",
        "audited_at": "2026-12-10T06:00:00+00:00",
    },
)
PUBLISHES.declare(
    "credit_note.issued",
    1,
    CreditNoteIssuedV1,
    description="A credit note: against an invoice (audit correction, refund) or standalone.",
    sample={
        "credit_note_id": "4c6e8a0b-2d4f-4c6e-8a0b-2d4f6c8e0a80",
        "number": "CN-2026-EAST-000007",
        "source": "audit",
        "work_order_id": WORK["work_order_id"],
        "invoice_id": INVOICE_ID,
        "invoice_number": "INV-2026-EAST-000042",
        "return_id": None,
        "amount": "56.50",
        "net": "50.00",
        "tax": "6.50",
        "currency": "CNY",
        "reason": "labour rate corrected from 1 Dec",
        "issued_at": "2026-12-10T06:00:00+00:00",
    },
)
