"""Returns's REST schemas."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from services.returns.domain import (
    DECISIONS,
    KINDS,
    REFUND_METHODS,
    RETURN_METHODS,
    SEVERITIES,
    SOURCES,
    STATUSES,
)
from shared.schemas import (
    InputSchema,
    ListArgs,
    PastDate,
    PastDateTime,
    QuerySchema,
    ReadSchema,
    Region,
    UTCDateTimeField,
)

PHONE = validate.Regexp(r"^\+?[0-9 ()\-]{5,30}$", error="not a phone number")
SHORT = validate.Length(min=1, max=100)
TEXT = validate.Length(min=1, max=5000)


class JSONBoolean(fields.Boolean):
    """A JSON true or false only (no "yes", "1" or "on")."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return bool(super()._deserialize(value, attr, data, **kwargs))


def _money(value: Decimal) -> None:
    if not value.is_finite() or value <= 0 or value >= Decimal("10000000000"):
        raise ma.ValidationError("must be a positive amount below 10 000 000 000")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ma.ValidationError("at most two decimal places")


class Money(fields.Decimal):
    """An amount as a decimal string ("9800.00"), never a JSON number (a binary float)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(as_string=True, validate=_money, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if not isinstance(value, str):
            raise ma.ValidationError('must be a decimal string, e.g. "9800.00"')
        return super()._deserialize(value, attr, data, **kwargs)


class CustomerIn(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    phone = fields.String(validate=PHONE)


class EvidenceIn(InputSchema):
    description = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    reference = fields.String(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "where the photo, report or record is kept"},
    )
    checksum = fields.String(validate=validate.Length(min=1, max=128))


class ReturnCreate(InputSchema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    region = Region(required=True)
    serial_no = fields.String(required=True, validate=SHORT)
    product_model = fields.String(required=True, validate=SHORT)
    reason = fields.String(required=True, validate=TEXT)
    purchase_date = PastDate(
        allow_none=True, metadata={"description": "none: warranty unknown (paid remedies)"}
    )
    customer = fields.Nested(CustomerIn, required=True)
    evidence = fields.List(
        fields.Nested(EvidenceIn), required=True, validate=validate.Length(min=1, max=50)
    )
    ticket_id = fields.UUID()
    work_order_id = fields.UUID()
    reported_at = PastDateTime(
        metadata={
            "description": "when the customer reported it (default: now); warranty is "
            "decided as of this date"
        }
    )


class AppraisalCreate(InputSchema):
    quality_defect = JSONBoolean(required=True)
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    findings = fields.String(required=True, validate=TEXT)
    kind = fields.String(
        validate=validate.OneOf(KINDS),
        metadata={"description": "the remedy the customer chose (default: the request's)"},
    )
    refund_amount = Money(
        metadata={"description": "the agreed amount: required for a refund by negotiation"}
    )
    rejection_reason = fields.String(
        validate=TEXT,
        metadata={"description": "rejects the request; told to the customer"},
    )

    @ma.validates_schema
    def _severity(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("quality_defect") and not data.get("severity"):
            raise ma.ValidationError("required when a quality defect is found", "severity")


class AgreementCreate(InputSchema):
    model = fields.String(
        validate=SHORT, metadata={"description": "replacement model (default: the original's)"}
    )
    specification = fields.String(validate=validate.Length(min=1, max=1000))
    quantity = fields.Integer(strict=True, validate=validate.Range(min=1, max=999))
    return_method = fields.String(validate=validate.OneOf(RETURN_METHODS))
    refund_date = fields.Date(metadata={"description": "the refund date agreed"})


class ShipmentCreate(InputSchema):
    carrier = fields.String(required=True, validate=SHORT)
    tracking_no = fields.String(required=True, validate=SHORT)
    new_serial_no = fields.String(required=True, validate=SHORT)
    shipped_at = PastDateTime(metadata={"description": "default: now"})


class ReceiptCreate(InputSchema):
    condition_ok = JSONBoolean(required=True)
    check_notes = fields.String(required=True, validate=TEXT)
    received_at = PastDateTime(metadata={"description": "default: now"})


class RefundCreate(InputSchema):
    amount = Money(required=True)
    method = fields.String(required=True, validate=validate.OneOf(REFUND_METHODS))
    reference = fields.String(required=True, validate=SHORT)
    issued_at = PastDateTime(metadata={"description": "default: now"})


class EvidenceRead(ReadSchema):
    description = fields.String()
    reference = fields.String()
    checksum = fields.String()


class WarrantyRead(ReadSchema):
    status = fields.String()
    parts_covered = fields.Boolean()
    labour_covered = fields.Boolean()
    reason = fields.String()


def _money_out() -> fields.Decimal:
    return fields.Decimal(as_string=True, places=2)


class ReturnRead(ReadSchema):
    id = fields.UUID()
    kind = fields.String()
    status = fields.String()
    region = fields.String()
    source = fields.String(metadata={"description": ", ".join(SOURCES)})
    ticket_id = fields.UUID()
    work_order_id = fields.UUID()
    serial_no = fields.String()
    product_model = fields.String()
    reason = fields.String()
    purchase_date = fields.Date()
    customer = fields.Function(lambda r: {"name": r.customer_name, "phone": r.customer_phone})
    evidence = fields.List(fields.Nested(EvidenceRead))
    warranty = fields.Nested(WarrantyRead)
    reported_at = UTCDateTimeField()
    requested_at = UTCDateTimeField()
    requested_by = fields.String()
    appraisal = fields.Function(
        lambda r: AppraisalRead().dump(r) if r.appraised_at is not None else None
    )
    agreement = fields.Function(
        lambda r: AgreementRead().dump(r) if r.agreed_at is not None else None
    )
    shipment = fields.Function(
        lambda r: ShipmentRead().dump(r) if r.shipped_at is not None else None
    )
    receipt = fields.Function(
        lambda r: ReceiptRead().dump(r) if r.received_at is not None else None
    )
    refund = fields.Function(lambda r: RefundRead().dump(r) if r.refunded_at is not None else None)


class AppraisalRead(ReadSchema):
    quality_defect = fields.Boolean()
    severity = fields.String()
    findings = fields.String()
    decision = fields.String(metadata={"description": ", ".join(DECISIONS)})
    reason = fields.String(attribute="decision_reason")
    price = _money_out()
    schedule_version = fields.Integer()
    refund_amount = _money_out()
    currency = fields.String()
    appraised_by = fields.String()
    appraised_at = UTCDateTimeField()


class AgreementRead(ReadSchema):
    model = fields.String(attribute="replacement_model")
    specification = fields.String()
    quantity = fields.Integer()
    return_method = fields.String()
    refund_date = fields.Date()
    agreed_by = fields.String()
    agreed_at = UTCDateTimeField()


class ShipmentRead(ReadSchema):
    carrier = fields.String()
    tracking_no = fields.String()
    new_serial_no = fields.String()
    shipped_at = UTCDateTimeField()
    original_due_at = UTCDateTimeField()


class ReceiptRead(ReadSchema):
    received_at = UTCDateTimeField()
    condition_ok = fields.Boolean()
    check_notes = fields.String()
    late = fields.Boolean()


class RefundRead(ReadSchema):
    amount = fields.Decimal(as_string=True, places=2, attribute="refund_paid")
    currency = fields.String()
    method = fields.String(attribute="refund_method")
    reference = fields.String(attribute="refund_reference")
    issued_at = UTCDateTimeField(attribute="refunded_at")
    issued_by = fields.String(attribute="refunded_by")


class ReturnQueryArgs(ListArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))
    kind = fields.String(validate=validate.OneOf(KINDS))
    decision = fields.String(validate=validate.OneOf(DECISIONS))
    source = fields.String(validate=validate.OneOf(SOURCES))
    serial_no = fields.String(validate=SHORT)
    ticket_id = fields.UUID()
    work_order_id = fields.UUID()


class OverdueQueryArgs(QuerySchema):
    region = Region()
