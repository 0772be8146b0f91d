"""Intake's REST schemas for the customer on a ticket: who they are and how to reach them."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from shared.notices.recipient import DEFAULT_LANGUAGE, LANGUAGES
from shared.schemas import InputSchema, ReadSchema


class CustomerIn(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    phone = fields.String(
        validate=validate.Regexp(r"^\+?[0-9 ()\-]{5,30}$", error="not a phone number")
    )
    email = fields.Email(validate=validate.Length(max=200))
    language = fields.String(
        load_default=DEFAULT_LANGUAGE,
        validate=validate.OneOf(LANGUAGES),
        metadata={"description": "the language of the customer's notices (default zh-CN)"},
    )

    @ma.validates_schema
    def _reachable(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("phone") and not data.get("email"):
            raise ma.ValidationError("a phone number or an email is required", "phone")


class CustomerOut(ReadSchema):
    name = fields.String(attribute="customer_name")
    phone = fields.String(attribute="customer_phone")
    email = fields.String(attribute="customer_email")
    language = fields.String(attribute="customer_language")
