"""Events billing consumes: a visit's repair record (a draft invoice), an appraisal that
decided a paid replacement (a draft invoice), a refund paid out (a credit note). Each inbound
schema names only the fields billing reads."""

from __future__ import annotations

from marshmallow import fields, validate

from services.billing.repositories import BillingUnitOfWork
from services.billing.use_cases import (
    credit_refund,
    draft_invoice_for_replacement,
    draft_invoice_for_visit,
)
from shared.events import Delivery, InboundSchema, Subscriptions

SHORT = validate.Length(max=100)
AMOUNT = validate.Range(min=0, max=10**11)


class WarrantyIn(InboundSchema):
    status = fields.String(required=True, validate=validate.Length(max=30))
    parts_covered = fields.Boolean(required=True)
    labour_covered = fields.Boolean(required=True)


class PartIn(InboundSchema):
    part_no = fields.String(required=True, validate=SHORT)
    quantity = fields.Integer(required=True, validate=validate.Range(min=1))
    genuine = fields.Boolean(required=True)


class RepairCompletedIn(InboundSchema):
    """dispatch's repair.completed: the record of a visit (repair or maintenance)."""

    work_order_id = fields.UUID(required=True)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    kind = fields.String(required=True, validate=validate.OneOf(("repair", "maintenance")))
    visit_number = fields.Integer(required=True, validate=validate.Range(min=1))
    technician_id = fields.UUID(allow_none=True, load_default=None)
    work_performed = fields.String(load_default=None, validate=validate.Length(max=5000))
    labour_hours = fields.Decimal(required=True, validate=validate.Range(min=0, max=9999))
    parts = fields.List(fields.Nested(PartIn), required=True)
    finished_at = fields.AwareDateTime(required=True, format="iso")
    warranty = fields.Nested(WarrantyIn, required=True)
    product_model = fields.String(required=True, validate=SHORT)
    serial_no = fields.String(allow_none=True, load_default=None, validate=SHORT)


class ReturnAppraisedIn(InboundSchema):
    """returns' return.appraised: a paid replacement is billed."""

    return_id = fields.UUID(required=True)
    decision = fields.String(required=True, validate=SHORT)
    price = fields.Decimal(allow_none=True, load_default=None, validate=AMOUNT)
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    product_model = fields.String(required=True, validate=SHORT)
    serial_no = fields.String(allow_none=True, load_default=None, validate=SHORT)
    customer_name = fields.String(allow_none=True, load_default=None)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    work_order_id = fields.UUID(allow_none=True, load_default=None)
    appraised_at = fields.AwareDateTime(required=True, format="iso")


class RefundIssuedIn(InboundSchema):
    """returns' refund.issued: a credit note."""

    return_id = fields.UUID(required=True)
    work_order_id = fields.UUID(allow_none=True, load_default=None)
    amount = fields.Decimal(required=True, validate=AMOUNT)
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    method = fields.String(required=True, validate=SHORT)
    reference = fields.String(required=True, validate=validate.Length(min=1, max=150))


SUBSCRIPTIONS = Subscriptions("billing")


@SUBSCRIPTIONS.on("repair.completed", schema=RepairCompletedIn)
def on_repair_completed(delivery: Delivery, uow: BillingUnitOfWork) -> None:
    """Itemise the visit as a draft invoice (once per visit)."""
    draft_invoice_for_visit(uow, region=delivery.event.region, completed=delivery.payload)


@SUBSCRIPTIONS.on("return.appraised", schema=ReturnAppraisedIn)
def on_return_appraised(delivery: Delivery, uow: BillingUnitOfWork) -> None:
    """Bill a paid replacement (once per return)."""
    draft_invoice_for_replacement(uow, region=delivery.event.region, appraisal=delivery.payload)


@SUBSCRIPTIONS.on("refund.issued", schema=RefundIssuedIn)
def on_refund_issued(delivery: Delivery, uow: BillingUnitOfWork) -> None:
    """Credit the refund (once per refund)."""
    credit_refund(uow, region=delivery.event.region, refund=delivery.payload)
