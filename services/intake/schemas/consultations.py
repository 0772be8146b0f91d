"""Intake's REST schemas for consultations: the escalation, the answer with its documents,
the customer's rating of it, and the consultation as a ticket shows it."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from services.intake.domain import TOPICS
from shared.schemas import (
    InputSchema,
    PastDateTime,
    QueryBoolean,
    QuerySchema,
    ReadSchema,
    Sha256,
    UTCDateTimeField,
    current_time,
)

TEXT = validate.Length(min=1, max=5000)
NAME = validate.Length(min=1, max=200)


class DocumentIn(InputSchema):
    """A document the answer points to, by reference: a URL or a document id."""

    title = fields.String(required=True, validate=NAME)
    url = fields.Url(
        schemes={"http", "https"},
        require_tld=False,
        validate=validate.Length(max=2000),
        metadata={"description": "where to read it (give this or document_id)"},
    )
    document_id = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "the document's id in the library (give this or url)"},
    )
    checksum = Sha256(metadata={"description": "the document's SHA-256, 64 lowercase hex digits"})

    @ma.validates_schema
    def _one_reference(self, data: dict[str, Any], **_: Any) -> None:
        if "url" not in data and "document_id" not in data:
            raise ma.ValidationError("give a url or a document_id", "url")
        if "url" in data and "document_id" in data:
            raise ma.ValidationError("give a url or a document_id, not both", "document_id")


class AnswerCreate(InputSchema):
    answer = fields.String(required=True, validate=TEXT)
    documents = fields.List(
        fields.Nested(DocumentIn),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "documents the answer refers the customer to"},
    )
    answered_at = PastDateTime(metadata={"description": "when it was answered (default: now)"})


class EscalationCreate(InputSchema):
    reason = fields.String(
        required=True, validate=TEXT, metadata={"description": "why the agent cannot answer"}
    )
    engineer = fields.String(
        validate=NAME,
        metadata={"description": "the engineer (token subject) who should answer; any if absent"},
    )
    escalated_at = PastDateTime(metadata={"description": "when it was escalated (default: now)"})


class AnswerRatingCreate(InputSchema):
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    remark = fields.String(validate=TEXT)
    rated_at = PastDateTime(metadata={"description": "when the customer rated it (default: now)"})


class DocumentRead(ReadSchema):
    title = fields.String()
    url = fields.String()
    document_id = fields.String()
    checksum = fields.String()


class ConsultationRead(ReadSchema):
    topic = fields.String()
    response_due_at = UTCDateTimeField()
    response_met = fields.Method(
        "_response_met",
        metadata={
            "type": "boolean",
            "nullable": True,
            "description": "answered by response_due_at; null while not answered and not overdue",
        },
    )
    escalated_at = UTCDateTimeField()
    escalated_by = fields.String()
    escalated_to = fields.String(metadata={"description": "the engineer named, if one was"})
    escalation_reason = fields.String()
    answer = fields.String()
    documents = fields.List(fields.Nested(DocumentRead))
    answered_by = fields.String()
    answered_at = UTCDateTimeField()
    rating = fields.Integer()
    rating_remark = fields.String()
    rated_by = fields.String()
    rated_at = UTCDateTimeField()

    def _response_met(self, consultation: Any) -> bool | None:
        met: bool | None = consultation.response_met(current_time())
        return met


class ConsultationFilters(QuerySchema):
    """The list filters a ticket list takes for consultations."""

    topic = fields.String(
        validate=validate.OneOf(TOPICS), metadata={"description": "consultations on this topic"}
    )
    overdue_response = QueryBoolean(
        metadata={
            "description": "true: consultations not answered and past their response deadline; "
            "false: the rest"
        }
    )
