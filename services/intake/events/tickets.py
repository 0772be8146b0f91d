"""What intake publishes: versioned payload schemas, each with a sample for contract tests.

Consumers read only the fields they need; fields are added, never repurposed.
"""

from __future__ import annotations

from marshmallow import fields, validate

from services.intake.domain import (
    CHANNELS,
    KINDS,
    NATURES,
    PRIORITIES,
    SEVERITIES,
    WARRANTY_STATUSES,
)
from shared.events import EventCatalog, PayloadSchema
from shared.notices.recipient import DEFAULT_LANGUAGE

TICKET_ID = "6f1c1a52-8c8e-4b5e-9a8e-2f7f1b3d9c10"


class Warranty(PayloadSchema):
    """Warranty as of the date the fault was reported."""

    status = fields.String(required=True, validate=validate.OneOf(WARRANTY_STATUSES))
    parts_covered = fields.Boolean(required=True)
    labour_covered = fields.Boolean(required=True)
    reason = fields.String(required=True)


class TicketCreatedV1(PayloadSchema):
    ticket_id = fields.UUID(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    priority = fields.String(required=True, validate=validate.OneOf(PRIORITIES))
    product_model = fields.String(required=True)
    serial_no = fields.String(allow_none=True, load_default=None)
    reported_at = fields.AwareDateTime(required=True, format="iso")
    warranty = fields.Nested(Warranty, required=True)
    first_response_due_at = fields.AwareDateTime(required=True, format="iso")
    source_event_id = fields.String(
        allow_none=True,
        load_default=None,
        metadata={"description": "maintenance.issue_found event that opened it, if any"},
    )


class Site(PayloadSchema):
    address = fields.String(required=True)
    contact_name = fields.String(allow_none=True, load_default=None)
    contact_phone = fields.String(allow_none=True, load_default=None)
    latitude = fields.Decimal(allow_none=True, load_default=None, as_string=True, places=6)
    longitude = fields.Decimal(allow_none=True, load_default=None, as_string=True, places=6)


class TicketAssessedV1(PayloadSchema):
    ticket_id = fields.UUID(required=True)
    round = fields.Integer(required=True, validate=validate.Range(min=1))
    nature = fields.String(required=True, validate=validate.OneOf(NATURES))
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    visit_needed = fields.Boolean(required=True)
    required_skill = fields.String(allow_none=True, load_default=None)
    estimated_hours = fields.Decimal(required=True, as_string=True, places=2)
    parts_likely = fields.List(fields.String(), required=True)
    tools = fields.List(
        fields.String(), load_default=list, metadata={"description": "tools to bring"}
    )
    assessed_by = fields.String(required=True)
    assessed_at = fields.AwareDateTime(required=True, format="iso")
    first_response_due_at = fields.AwareDateTime(required=True, format="iso")
    first_response = fields.Boolean(
        required=True, metadata={"description": "true on the ticket's first assessment"}
    )


class TicketSolutionAcceptedV1(PayloadSchema):
    ticket_id = fields.UUID(required=True)
    round = fields.Integer(required=True, validate=validate.Range(min=1))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    priority = fields.String(required=True, validate=validate.OneOf(PRIORITIES))
    nature = fields.String(required=True, validate=validate.OneOf(NATURES))
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    visit_needed = fields.Boolean(required=True)
    required_skill = fields.String(allow_none=True, load_default=None)
    estimated_hours = fields.Decimal(required=True, as_string=True, places=2)
    parts_likely = fields.List(fields.String(), required=True)
    tools = fields.List(
        fields.String(), load_default=list, metadata={"description": "tools to bring"}
    )
    product_model = fields.String(required=True)
    serial_no = fields.String(allow_none=True, load_default=None)
    warranty = fields.Nested(Warranty, required=True)
    customer_name = fields.String(required=True)
    customer_phone = fields.String(allow_none=True, load_default=None)
    customer_email = fields.String(allow_none=True, load_default=None)
    customer_language = fields.String(
        load_default=DEFAULT_LANGUAGE, metadata={"description": "zh-CN or en: for notices"}
    )
    ticket_created_at = fields.AwareDateTime(
        required=True, format="iso", metadata={"description": "when the customer reported it"}
    )
    accepted_at = fields.AwareDateTime(required=True, format="iso")
    symptom = fields.String(allow_none=True, load_default=None)
    usage_environment = fields.String(allow_none=True, load_default=None)
    site = fields.Nested(Site, allow_none=True, load_default=None)
    preferred_time = fields.String(allow_none=True, load_default=None)


class TicketSolutionRejectedV1(PayloadSchema):
    ticket_id = fields.UUID(required=True)
    round = fields.Integer(required=True, validate=validate.Range(min=1))
    objection = fields.String(required=True)
    rejected_at = fields.AwareDateTime(required=True, format="iso")


class TicketResolvedV1(PayloadSchema):
    ticket_id = fields.UUID(required=True)
    resolution = fields.String(required=True)
    resolved_at = fields.AwareDateTime(required=True, format="iso")
    ticket_created_at = fields.AwareDateTime(
        required=True, format="iso", metadata={"description": "when the customer reported it"}
    )
    first_response = fields.Boolean(
        load_default=False,
        metadata={"description": "true when the resolution was the ticket's first response"},
    )
    first_response_due_at = fields.AwareDateTime(allow_none=True, load_default=None, format="iso")


class TicketClosedV1(PayloadSchema):
    ticket_id = fields.UUID(required=True)
    reason = fields.String(
        required=True, validate=validate.OneOf(("repair_accepted", "escalated", "resolved"))
    )
    work_order_id = fields.UUID(allow_none=True, load_default=None)
    closed_at = fields.AwareDateTime(required=True, format="iso")
    ticket_created_at = fields.AwareDateTime(
        required=True, format="iso", metadata={"description": "when the customer reported it"}
    )


WARRANTY_SAMPLE = {
    "status": "in_warranty",
    "parts_covered": True,
    "labour_covered": True,
    "reason": "purchased 2025-03-01; model CP-400 covers 24 months of parts and labour",
}

PUBLISHES = EventCatalog("intake")
PUBLISHES.declare(
    "ticket.created",
    1,
    TicketCreatedV1,
    description="A customer reported a fault or asked for advice.",
    sample={
        "ticket_id": TICKET_ID,
        "channel": "hotline",
        "kind": "repair",
        "priority": "high",
        "product_model": "CP-400",
        "serial_no": "SN-2024-000123",
        "reported_at": "2026-11-02T09:15:00+00:00",
        "warranty": WARRANTY_SAMPLE,
        "first_response_due_at": "2026-11-02T13:15:00+00:00",
        "source_event_id": None,
    },
)
PUBLISHES.declare(
    "ticket.assessed",
    1,
    TicketAssessedV1,
    description="An engineer assessed the ticket and proposed a solution.",
    sample={
        "ticket_id": TICKET_ID,
        "round": 1,
        "nature": "product_defect",
        "severity": "high",
        "visit_needed": True,
        "required_skill": "coating",
        "estimated_hours": "2.50",
        "parts_likely": ["CP-400-ANODE"],
        "tools": ["reference electrode"],
        "assessed_by": "engineer-1",
        "assessed_at": "2026-11-02T10:00:00+00:00",
        "first_response_due_at": "2026-11-02T13:15:00+00:00",
        "first_response": True,
    },
)
PUBLISHES.declare(
    "ticket.solution_accepted",
    1,
    TicketSolutionAcceptedV1,
    description="The customer accepted the proposed solution.",
    sample={
        "ticket_id": TICKET_ID,
        "round": 1,
        "kind": "repair",
        "priority": "high",
        "nature": "product_defect",
        "severity": "high",
        "visit_needed": True,
        "required_skill": "coating",
        "estimated_hours": "2.50",
        "parts_likely": ["CP-400-ANODE"],
        "product_model": "CP-400",
        "serial_no": "SN-2024-000123",
        "warranty": WARRANTY_SAMPLE,
        "customer_name": "Li Wei",
        "customer_phone": "+86 138 0000 0000",
        "customer_email": "li.wei@example.cn",
        "customer_language": "zh-CN",
        "ticket_created_at": "2026-11-02T09:15:00+00:00",
        "accepted_at": "2026-11-02T11:00:00+00:00",
        "tools": ["reference electrode", "holiday detector"],
        "symptom": "coating blistering near the weld seam",
        "usage_environment": "marine, splash zone",
        "site": {
            "address": "No. 8 Harbour Road, Beilun, Ningbo",
            "contact_name": "Wang Fang",
            "contact_phone": "+86 139 0000 0000",
            "latitude": "29.884000",
            "longitude": "121.812000",
        },
        "preferred_time": "weekday mornings",
    },
)
PUBLISHES.declare(
    "ticket.solution_rejected",
    1,
    TicketSolutionRejectedV1,
    description="The customer rejected the proposed solution; back to assessment.",
    sample={
        "ticket_id": TICKET_ID,
        "round": 1,
        "objection": "does not want the tank drained during the season",
        "rejected_at": "2026-11-02T11:00:00+00:00",
    },
)
PUBLISHES.declare(
    "ticket.resolved",
    1,
    TicketResolvedV1,
    description="Resolved without a visit (advice given, or the solution needs none).",
    sample={
        "ticket_id": TICKET_ID,
        "resolution": "advised on recoating interval",
        "resolved_at": "2026-11-02T11:30:00+00:00",
        "ticket_created_at": "2026-11-02T09:15:00+00:00",
        "first_response": True,
        "first_response_due_at": "2026-11-02T13:15:00+00:00",
    },
)
PUBLISHES.declare(
    "ticket.closed",
    1,
    TicketClosedV1,
    description="The ticket is closed (repair accepted, escalated, or resolved).",
    sample={
        "ticket_id": TICKET_ID,
        "reason": "repair_accepted",
        "work_order_id": "0b6c2a4e-5d7f-4c1a-9e3b-8a2d4f6c8e10",
        "closed_at": "2026-11-05T16:00:00+00:00",
        "ticket_created_at": "2026-11-02T09:15:00+00:00",
    },
)
