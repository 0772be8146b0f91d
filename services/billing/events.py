"""What billing publishes: versioned payload schemas, each with a sample for contract tests.

``fee_schedule.published`` is declared ahead of the billing domain (as complaints' events
were), so that returns can price a paid replacement from the schedule in force without
calling billing: returns keeps its own copy of the prices from this event.
"""

from __future__ import annotations

from marshmallow import fields, validate

from shared.events import EventCatalog, PayloadSchema

MONEY = {"as_string": True, "places": 2}
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
