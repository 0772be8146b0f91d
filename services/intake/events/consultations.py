"""What intake publishes of consultations: answered (for kpi's consultation response
timeliness), escalated to an engineer, and the customer's rating of the answer (counted in
satisfaction with its source)."""

from __future__ import annotations

from marshmallow import fields, validate

from services.intake.domain import PRIORITIES, TOPICS
from services.intake.events.tickets import PUBLISHES, TICKET_ID
from shared.events import PayloadSchema

TOPIC_DOC = {"description": "null only for consultations registered before topics were kept"}


class _ConsultationFacts(PayloadSchema):
    ticket_id = fields.UUID(required=True)
    region = fields.String(required=True)
    topic = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(TOPICS), metadata=TOPIC_DOC
    )
    priority = fields.String(required=True, validate=validate.OneOf(PRIORITIES))
    response_due_at = fields.AwareDateTime(
        required=True, format="iso", metadata={"description": "the answer was due by then"}
    )


class ConsultationEscalatedV1(_ConsultationFacts):
    escalated_by = fields.String(required=True)
    escalated_to = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "the engineer named, or null for any"},
    )
    reason = fields.String(required=True)
    escalated_at = fields.AwareDateTime(required=True, format="iso")


class ConsultationAnsweredV1(_ConsultationFacts):
    answered_by = fields.String(required=True)
    answered_at = fields.AwareDateTime(required=True, format="iso")
    asked_at = fields.AwareDateTime(
        required=True, format="iso", metadata={"description": "when the customer asked"}
    )
    within_deadline = fields.Boolean(
        required=True, metadata={"description": "answered_at <= response_due_at"}
    )
    escalated = fields.Boolean(required=True, metadata={"description": "an engineer answered"})


class ConsultationRatedV1(PayloadSchema):
    ticket_id = fields.UUID(required=True)
    source = fields.String(
        required=True,
        validate=validate.OneOf(("consultation",)),
        metadata={"description": "where the rating comes from, for satisfaction by source"},
    )
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    remark = fields.String(allow_none=True, load_default=None)
    region = fields.String(required=True)
    topic = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(TOPICS), metadata=TOPIC_DOC
    )
    answered_by = fields.String(required=True, metadata={"description": "whose answer"})
    rated_at = fields.AwareDateTime(required=True, format="iso")


FACTS = {
    "ticket_id": TICKET_ID,
    "region": "east",
    "topic": "installation_commissioning",
    "priority": "normal",
    "response_due_at": "2026-11-02T05:15:00+00:00",
}
PUBLISHES.declare(
    "consultation.escalated",
    1,
    ConsultationEscalatedV1,
    description="The agent could not answer a consultation: an engineer will.",
    sample={
        **FACTS,
        "escalated_by": "agent-1",
        "escalated_to": "engineer-1",
        "reason": "needs the anode mass calculated for the tank's coating breakdown",
        "escalated_at": "2026-11-02T02:00:00+00:00",
    },
)
PUBLISHES.declare(
    "consultation.answered",
    1,
    ConsultationAnsweredV1,
    description="A consultation was answered (and so resolved), in time or late.",
    sample={
        **FACTS,
        "answered_by": "engineer-1",
        "answered_at": "2026-11-02T04:30:00+00:00",
        "asked_at": "2026-11-02T01:15:00+00:00",
        "within_deadline": True,
        "escalated": True,
    },
)
PUBLISHES.declare(
    "consultation.rated",
    1,
    ConsultationRatedV1,
    description="The customer rated the answer to a consultation (1-5).",
    sample={
        "ticket_id": TICKET_ID,
        "source": "consultation",
        "rating": 4,
        "remark": "clear, but took a day",
        "region": "east",
        "topic": "installation_commissioning",
        "answered_by": "engineer-1",
        "rated_at": "2026-11-03T02:00:00+00:00",
    },
)
