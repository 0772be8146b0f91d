"""What complaints publishes: every ``complaint.*`` event names the complaint and the deadline
it is judged by, and carries what kpi needs to judge timeliness and satisfaction (the
resolution round, when it was resolved, whether within the deadline, the rating)."""

from __future__ import annotations

from marshmallow import fields, validate

from services.complaints.domain import RESPONSIBILITIES, SEVERITIES
from shared.events import EventCatalog, PayloadSchema

COMPLAINT_ID = "9e1b3d5f-7a9c-4e1b-8d5f-7a9c1e3b5d70"


class ComplaintEvent(PayloadSchema):
    complaint_id = fields.UUID(required=True)
    deadline_at = fields.AwareDateTime(
        required=True,
        format="iso",
        metadata={
            "description": (
                "the original resolution deadline (business hours): set at filing by "
                "severity, never reset by a reopening; only time spent waiting on the "
                "complainant moves it later"
            )
        },
    )


class ComplaintFiledV1(ComplaintEvent):
    category = fields.String(required=True)
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    channel = fields.String(required=True)
    complainant_key = fields.String(
        required=True, metadata={"description": "stable pseudonymous key of the complainant"}
    )
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    work_order_id = fields.UUID(allow_none=True, load_default=None)
    filed_at = fields.AwareDateTime(required=True, format="iso")


class ComplaintInvestigatedV1(ComplaintEvent):
    responsibility = fields.String(required=True, validate=validate.OneOf(RESPONSIBILITIES))
    root_cause = fields.String(required=True)
    evidence_count = fields.Integer(required=True, validate=validate.Range(min=0))
    investigated_at = fields.AwareDateTime(required=True, format="iso")


class ComplaintResolvedV1(ComplaintEvent):
    resolution_round = fields.Integer(required=True, validate=validate.Range(min=1))
    resolved_at = fields.AwareDateTime(required=True, format="iso")
    within_deadline = fields.Boolean(required=True)


class ComplaintReopenedV1(ComplaintEvent):
    resolution_round = fields.Integer(required=True, validate=validate.Range(min=1))
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    reason = fields.String(required=True)
    reopened_at = fields.AwareDateTime(required=True, format="iso")


class ComplaintClosedV1(ComplaintEvent):
    resolution_round = fields.Integer(required=True, validate=validate.Range(min=1))
    resolved_at = fields.AwareDateTime(required=True, format="iso")
    within_deadline = fields.Boolean(
        required=True, metadata={"description": "final resolution against the original deadline"}
    )
    satisfied = fields.Boolean(required=True)
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    closed_at = fields.AwareDateTime(required=True, format="iso")


BASE = {"complaint_id": COMPLAINT_ID, "deadline_at": "2026-11-06T09:30:00+00:00"}
PUBLISHES = EventCatalog("complaints")
PUBLISHES.declare(
    "complaint.filed",
    1,
    ComplaintFiledV1,
    description="A complaint was filed; its resolution deadline is set by severity.",
    sample={
        **BASE,
        "category": "service_attitude",
        "severity": "medium",
        "channel": "hotline",
        "complainant_key": "c-4f2a9e",
        "ticket_id": None,
        "work_order_id": None,
        "filed_at": "2026-11-04T01:30:00+00:00",
    },
)
PUBLISHES.declare(
    "complaint.investigated",
    1,
    ComplaintInvestigatedV1,
    description="The investigation's findings: responsibility and root cause.",
    sample={
        **BASE,
        "responsibility": "partner",
        "root_cause": "technician skipped primer",
        "evidence_count": 2,
        "investigated_at": "2026-11-05T02:00:00+00:00",
    },
)
PUBLISHES.declare(
    "complaint.resolved",
    1,
    ComplaintResolvedV1,
    description="Measures were taken and communicated to the complainant.",
    sample={
        **BASE,
        "resolution_round": 1,
        "resolved_at": "2026-11-05T08:00:00+00:00",
        "within_deadline": True,
    },
)
PUBLISHES.declare(
    "complaint.reopened",
    1,
    ComplaintReopenedV1,
    description="The complainant was not satisfied: reopened and escalated.",
    sample={
        **BASE,
        "resolution_round": 1,
        "rating": 2,
        "reason": "no apology received",
        "reopened_at": "2026-11-06T02:00:00+00:00",
    },
)
PUBLISHES.declare(
    "complaint.closed",
    1,
    ComplaintClosedV1,
    description="The complainant is satisfied; judged on the final resolution.",
    sample={
        **BASE,
        "resolution_round": 2,
        "resolved_at": "2026-11-07T03:00:00+00:00",
        "within_deadline": False,
        "satisfied": True,
        "rating": 4,
        "closed_at": "2026-11-07T06:00:00+00:00",
    },
)
