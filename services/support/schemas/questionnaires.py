"""Questionnaires' REST schemas."""

from __future__ import annotations

from marshmallow import fields, validate

from services.support.domain import QUESTIONNAIRE_SOURCES, QUESTIONNAIRE_STATUSES
from shared.schemas import InputSchema, ListArgs, ReadSchema, Region, UTCDateTimeField

REF = validate.Length(min=1, max=200)


class QuestionnaireCreate(InputSchema):
    region = Region(required=True)
    work_order_id = fields.UUID(required=True)
    customer_ref = fields.String(
        required=True,
        validate=REF,
        metadata={"description": "the customer the link is sent to; they give it when answering"},
    )
    ticket_id = fields.UUID()
    technician_id = fields.String(validate=validate.Length(min=1, max=100))


class AnswerCreate(InputSchema):
    customer_ref = fields.String(
        required=True, validate=REF, metadata={"description": "as on the message with the link"}
    )
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    remarks = fields.String(validate=validate.Length(min=1, max=2000))


class QuestionnaireRead(ReadSchema):
    id = fields.UUID()
    region = fields.String()
    status = fields.String(metadata={"description": ", ".join(QUESTIONNAIRE_STATUSES)})
    source = fields.String(metadata={"description": ", ".join(QUESTIONNAIRE_SOURCES)})
    work_order_id = fields.UUID()
    ticket_id = fields.UUID()
    technician_id = fields.String()
    customer_ref = fields.String()
    link = fields.String(
        attribute="issued_link",
        metadata={
            "description": "the one-time link: only in the response of POST "
            "/questionnaires/{id}/link"
        },
    )
    link_issued_at = UTCDateTimeField()
    expires_at = UTCDateTimeField()
    created_by = fields.String()
    created_at = UTCDateTimeField()
    rating = fields.Integer()
    remarks = fields.String()
    answered_at = UTCDateTimeField()


class QuestionRead(ReadSchema):
    id = fields.String()
    text = fields.String()
    kind = fields.String(metadata={"description": "rating (1-5) or text"})
    required = fields.Boolean()


class QuestionnaireForm(ReadSchema):
    questions = fields.List(fields.Nested(QuestionRead))
    expires_at = UTCDateTimeField()


class QuestionnaireQueryArgs(ListArgs):
    status = fields.String(validate=validate.OneOf(QUESTIONNAIRE_STATUSES))
    source = fields.String(validate=validate.OneOf(QUESTIONNAIRE_SOURCES))
    work_order_id = fields.UUID()
    technician_id = fields.String(validate=validate.Length(min=1, max=100))
