"""What complaints' endpoints take: bodies (``<Thing>Create``) and query arguments."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from services.complaints.domain import (
    CHANNELS,
    EVIDENCE_KINDS,
    LANGUAGES,
    RESPONSIBILITIES,
    SEVERITIES,
    SHA256,
    STATUSES,
)
from shared.schemas import InputSchema, ListArgs, PastDateTime, Region

TEXT = validate.Length(min=1, max=5000)
NAME = validate.Length(min=1, max=200)
# Evidence content travels base64 in the JSON body, inside the request limit (64 KiB).
MAX_CONTENT_BYTES = 40 * 1024


class JSONBoolean(fields.Boolean):
    """A JSON true or false only (no "yes", "1" or "on")."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return bool(super()._deserialize(value, attr, data, **kwargs))


class Base64Content(fields.Field):
    """Bytes sent as standard base64 text."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bytes:
        if not isinstance(value, str):
            raise ma.ValidationError("must be base64 text")
        try:
            content = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ma.ValidationError("not valid base64") from exc
        if len(content) > MAX_CONTENT_BYTES:
            raise ma.ValidationError(f"at most {MAX_CONTENT_BYTES} bytes once decoded")
        return content


class ComplainantIn(InputSchema):
    name = fields.String(required=True, validate=NAME)
    phone = fields.String(
        validate=validate.Regexp(r"^\+?[0-9 ()\-]{5,30}$", error="not a phone number")
    )
    email = fields.Email(validate=validate.Length(max=200))
    language = fields.String(load_default="zh", validate=validate.OneOf(LANGUAGES))

    @ma.validates_schema
    def _reachable(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("phone") and not data.get("email"):
            raise ma.ValidationError("a phone number or an email is required", "phone")


class ComplaintCreate(InputSchema):
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    category = fields.String(
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "one of the categories of the routing file"},
    )
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    subject = fields.String(required=True, validate=NAME)
    description = fields.String(required=True, validate=TEXT)
    region = Region(required=True)
    complainant = fields.Nested(ComplainantIn, required=True)
    ticket_id = fields.UUID(metadata={"description": "the related ticket, if any"})
    work_order_id = fields.UUID(metadata={"description": "the related work order, if any"})
    filed_at = PastDateTime(metadata={"description": "when the complaint came in (default: now)"})


class InvestigationCreate(InputSchema):
    findings = fields.String(required=True, validate=TEXT)
    responsibility = fields.String(required=True, validate=validate.OneOf(RESPONSIBILITIES))
    root_cause = fields.String(required=True, validate=NAME)
    partner = fields.String(
        validate=NAME, metadata={"description": "the partner responsible; required for partner"}
    )
    investigated_at = PastDateTime()

    @ma.validates_schema
    def _partner(self, data: dict[str, Any], **_: Any) -> None:
        partner_responsible = data.get("responsibility") == "partner"
        if partner_responsible and not data.get("partner"):
            raise ma.ValidationError("required when the partner is responsible", "partner")
        if not partner_responsible and "partner" in data:
            raise ma.ValidationError("only given when the partner is responsible", "partner")


class EvidenceCreate(InputSchema):
    kind = fields.String(required=True, validate=validate.OneOf(EVIDENCE_KINDS))
    reference = fields.String(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "where the document is kept (file name, archive URL)"},
    )
    sha256 = fields.String(
        required=True,
        validate=validate.Regexp(SHA256, error="64 lowercase hex digits"),
        metadata={"description": "the document's SHA-256, checked against content if given"},
    )
    content = Base64Content(
        metadata={
            "type": "string",
            "format": "byte",
            "description": f"the document, base64 (at most {MAX_CONTENT_BYTES} bytes decoded)",
        }
    )
    description = fields.String(validate=TEXT)


class MeasureIn(InputSchema):
    description = fields.String(required=True, validate=TEXT)
    owner = fields.String(required=True, validate=NAME)
    due_on = fields.Date(required=True)


class ResolutionCreate(InputSchema):
    measures_taken = fields.String(required=True, validate=TEXT)
    reasons = fields.String(
        required=True, validate=TEXT, metadata={"description": "explained to the complainant"}
    )
    communicated_via = fields.String(
        required=True, validate=validate.OneOf(("phone", "email", "chat", "letter", "visit"))
    )
    corrective_measures = fields.List(
        fields.Nested(MeasureIn), load_default=list, validate=validate.Length(max=20)
    )
    resolved_at = PastDateTime()


class FeedbackCreate(InputSchema):
    satisfied = JSONBoolean(required=True)
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(
        validate=TEXT, metadata={"description": "why not satisfied; required then"}
    )
    given_at = PastDateTime()

    @ma.validates_schema
    def _reason(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("satisfied") is False and not data.get("comment"):
            raise ma.ValidationError("required when the complainant is not satisfied", "comment")


class WaitingCreate(InputSchema):
    waiting = JSONBoolean(required=True, metadata={"description": "true: start, false: stop"})
    reason = fields.String(validate=TEXT)
    at = PastDateTime()

    @ma.validates_schema
    def _reason(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("waiting") is True and not data.get("reason"):
            raise ma.ValidationError("required when starting to wait", "reason")


class ReassignmentCreate(InputSchema):
    department = fields.String(required=True, validate=validate.Length(min=1, max=100))
    person = fields.String(required=True, validate=NAME)
    reason = fields.String(required=True, validate=TEXT)


class MeasureDoneCreate(InputSchema):
    outcome = fields.String(required=True, validate=TEXT)
    done_at = PastDateTime()


class ComplaintQueryArgs(ListArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))
    category = fields.String(validate=validate.Length(max=50))
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    owner = fields.String(validate=NAME, metadata={"description": "the owner's person"})
    department = fields.String(validate=validate.Length(max=100))
    complainant_key = fields.String(validate=validate.Length(max=40))
    overdue = fields.Boolean(
        metadata={"description": "true: in hand (not waiting) past the deadline; false: the rest"}
    )


class MeasureQueryArgs(ListArgs):
    status = fields.String(validate=validate.OneOf(("open", "done", "overdue")))
    owner = fields.String(validate=NAME)
    complaint_id = fields.UUID()


class PeriodArgs(ma.Schema):
    """A period: ``from`` (inclusive) to ``to`` (exclusive), and optionally a region."""

    class Meta:
        unknown = ma.EXCLUDE

    from_ = fields.AwareDateTime(format="iso", required=True, data_key="from")
    to = fields.AwareDateTime(format="iso", required=True)
    region = Region()

    @ma.validates_schema
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("from_") and data.get("to") and data["to"] <= data["from_"]:
            raise ma.ValidationError("must be after from", "to")
