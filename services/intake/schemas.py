"""Intake's REST schemas."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from services.intake.events import CHANNELS, KINDS, PRIORITIES
from shared.schemas import InputSchema, ListArgs, PastDate, PastDateTime, Region, UTCDateTimeField


class CustomerIn(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    phone = fields.String(
        validate=validate.Regexp(r"^\+?[0-9 ()\-]{5,30}$", error="not a phone number")
    )
    email = fields.Email(validate=validate.Length(max=200))

    @ma.validates_schema
    def _reachable(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("phone") and not data.get("email"):
            raise ma.ValidationError("a phone number or an email is required", "phone")


class ProductIn(InputSchema):
    model = fields.String(required=True, validate=validate.Length(min=1, max=100))
    serial_no = fields.String(validate=validate.Length(min=1, max=100))
    purchase_date = PastDate()
    installation_date = PastDate()

    @ma.validates_schema
    def _dates(self, data: dict[str, Any], **_: Any) -> None:
        bought, installed = data.get("purchase_date"), data.get("installation_date")
        if bought and installed and installed < bought:
            raise ma.ValidationError("must not be before purchase_date", "installation_date")


class TicketCreate(InputSchema):
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    region = Region(required=True)
    priority = fields.String(load_default="normal", validate=validate.OneOf(PRIORITIES))
    customer = fields.Nested(CustomerIn, required=True)
    product = fields.Nested(ProductIn, required=True)
    symptom = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    usage_environment = fields.String(validate=validate.Length(max=200))
    reported_at = PastDateTime(
        metadata={"description": "when the customer reported it (default: now)"}
    )


class CustomerOut(ma.Schema):
    name = fields.String(attribute="customer_name")
    phone = fields.String(attribute="customer_phone")
    email = fields.String(attribute="customer_email")


class ProductOut(ma.Schema):
    model = fields.String(attribute="product_model")
    serial_no = fields.String()
    purchase_date = fields.Date()
    installation_date = fields.Date()


class TicketRead(ma.Schema):
    id = fields.UUID()
    channel = fields.String()
    kind = fields.String()
    status = fields.String()
    priority = fields.String()
    region = fields.String()
    customer = fields.Function(lambda t: CustomerOut().dump(t))
    product = fields.Function(lambda t: ProductOut().dump(t))
    symptom = fields.String()
    usage_environment = fields.String()
    reported_at = UTCDateTimeField()
    created_at = UTCDateTimeField()
    created_by = fields.String()


class TicketQueryArgs(ListArgs):
    status = fields.String(validate=validate.OneOf(["new"]))
    kind = fields.String(validate=validate.OneOf(KINDS))
    channel = fields.String(validate=validate.OneOf(CHANNELS))
