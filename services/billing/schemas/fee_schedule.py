"""The fee schedule as finance PUTs it and as everyone reads it."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from services.billing.domain import SERVICE_KINDS
from services.billing.schemas.fields import CODE, CURRENCY, Money, places, unique
from shared.schemas import InputSchema, ReadSchema, Region, UTCDateTimeField


class CalloutFeeIn(InputSchema):
    region = Region(required=True)
    amount = Money(required=True)


class LabourRateIn(InputSchema):
    service_kind = fields.String(required=True, validate=validate.OneOf(SERVICE_KINDS))
    product_type = fields.String(
        required=True, validate=CODE, metadata={"description": "a product model, or * for any"}
    )
    rate_per_hour = Money(required=True)


class PartPriceIn(InputSchema):
    part_no = fields.String(required=True, validate=CODE)
    description = fields.String(load_default="", validate=validate.Length(max=200))
    price = Money(required=True)


class ProductPriceIn(InputSchema):
    model = fields.String(required=True, validate=CODE)
    price = Money(required=True)


class FeeScheduleUpdate(InputSchema):
    effective_from = fields.AwareDateTime(
        format="iso", metadata={"description": "when the prices take effect (default: now)"}
    )
    currency = fields.String(load_default="CNY", validate=CURRENCY)
    tax_rate = fields.Decimal(
        validate=[validate.Range(min=0, max=1, max_inclusive=False), places(4)],
        metadata={"description": "default AFTERCARE_BILLING_TAX_RATE (0.13)"},
    )
    callout_fees = fields.List(fields.Nested(CalloutFeeIn), required=True)
    labour_rates = fields.List(fields.Nested(LabourRateIn), required=True)
    parts = fields.List(
        fields.Nested(PartPriceIn), required=True, validate=validate.Length(max=5000)
    )
    products = fields.List(fields.Nested(ProductPriceIn), load_default=list)
    notes = fields.String(validate=validate.Length(max=2000))

    @ma.validates_schema
    def _each_once(self, data: dict[str, Any], **_: Any) -> None:
        keys = {
            "callout_fees": ("region",),
            "labour_rates": ("service_kind", "product_type"),
            "parts": ("part_no",),
            "products": ("model",),
        }
        errors = {name: unique(data.get(name, []), *k) for name, k in keys.items()}
        errors = {name: found for name, found in errors.items() if found}
        if errors:
            raise ma.ValidationError(errors)


class FeeScheduleRead(ReadSchema):
    schedule_version = fields.Integer(attribute="number")
    effective_from = UTCDateTimeField()
    currency = fields.String()
    tax_rate = fields.Decimal(as_string=True)
    callout_fees = fields.List(fields.Dict())
    labour_rates = fields.List(fields.Dict())
    parts = fields.List(fields.Dict())
    products = fields.List(fields.Dict())
    notes = fields.String()
    published_by = fields.String()
    published_at = UTCDateTimeField()


class FeeScheduleQueryArgs(ma.Schema):
    at = fields.AwareDateTime(
        format="iso", metadata={"description": "the version in force at this time (default: now)"}
    )
