"""Dispatch's REST schemas of parts on site: the chargeable parts put to the customer, the
customer's agreement to them, a manager's approval of a non-genuine part."""

from __future__ import annotations

from marshmallow import fields, validate

from services.dispatch.schemas.inputs import ConfirmationIn, ProposedPartIn
from shared.schemas import DecimalField, InputSchema, ReadSchema, UTCDateTimeField


class PartsProposalCreate(InputSchema):
    parts = fields.List(
        fields.Nested(ProposedPartIn),
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "chargeable parts, priced from the fee schedule in force"},
    )


class PartsAgreementCreate(InputSchema):
    proposal_id = fields.UUID(
        required=True, metadata={"description": "a proposal of this work order's visit"}
    )
    confirmation = fields.Nested(
        ConfirmationIn,
        metadata={
            "description": "how the customer confirmed: their own signature (required when "
            "the technician records it); an office role records a call"
        },
    )


class NonGenuineApprovalCreate(InputSchema):
    part_no = fields.String(required=True, validate=validate.Length(min=1, max=100))
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "why a non-genuine part is allowed on this work order"},
    )


class ProposedPartRead(ReadSchema):
    part_no = fields.String()
    quantity = fields.Integer()
    genuine = fields.Boolean()
    reason = fields.String()
    unit_price = DecimalField(as_string=True, metadata={"description": "fee-schedule price"})
    currency = fields.String()
    schedule_version = fields.Integer()


class PartAgreementRead(ReadSchema):
    id = fields.UUID()
    visit_number = fields.Integer()
    status = fields.String(metadata={"description": "proposed, then agreed"})
    lines = fields.List(fields.Nested(ProposedPartRead))
    total = DecimalField(as_string=True)
    currency = fields.String()
    proposed_by = fields.String()
    proposed_at = UTCDateTimeField()
    agreed_at = UTCDateTimeField()
    confirmed_by = fields.String(metadata={"description": "how the customer confirmed"})
    recorded_by = fields.String()


class NonGenuineApprovalRead(ReadSchema):
    part_no = fields.String()
    reason = fields.String()
    approved_by = fields.String()
    approved_at = UTCDateTimeField()
