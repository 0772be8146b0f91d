"""What maintenance publishes: the scheduler's notice and visit of each occurrence, a visit's
record and the problems it found. Versioned payload schemas, each with a sample for the
contract tests; fields are added, never repurposed."""

from __future__ import annotations

from marshmallow import fields, validate

from services.maintenance.domain import TASKS
from shared.events import EventCatalog, PayloadSchema

PLAN_ID = "5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e30"
ASSET = {
    "plan_id": PLAN_ID,
    "serial_no": "SN-2024-000123",
    "product_model": "CP-400",
    "customer_name": "Li Wei",
    "customer_phone": "+86 138 0000 0000",
    "customer_email": "li.wei@example.cn",
    "customer_language": "zh-CN",
}


class AssetEvent(PayloadSchema):
    plan_id = fields.UUID(required=True)
    serial_no = fields.String(required=True)
    product_model = fields.String(required=True)
    customer_name = fields.String(required=True)
    customer_phone = fields.String(allow_none=True, load_default=None)
    customer_email = fields.String(allow_none=True, load_default=None)
    customer_language = fields.String(
        allow_none=True, load_default=None, metadata={"description": "zh-CN or en: for notices"}
    )


class MaintenanceDueV1(AssetEvent):
    due_date = fields.Date(required=True)
    notice_date = fields.Date(required=True)
    tasks = fields.List(fields.String(validate=validate.OneOf(TASKS)), required=True)


class MaintenanceVisitDueV1(AssetEvent):
    due_date = fields.Date(required=True)
    tasks = fields.List(fields.String(validate=validate.OneOf(TASKS)), required=True)
    required_skill = fields.String(allow_none=True, load_default=None)
    estimated_hours = fields.Decimal(required=True, as_string=True, places=2)


class MaintenanceCompletedV1(AssetEvent):
    record_id = fields.UUID(required=True)
    work_order_id = fields.UUID(allow_none=True, load_default=None)
    tasks_done = fields.List(fields.String(validate=validate.OneOf(TASKS)), required=True)
    findings = fields.String(required=True)
    completed_at = fields.AwareDateTime(required=True, format="iso")
    due_date = fields.Date(
        allow_none=True,
        load_default=None,
        metadata={"description": "the announced occurrence the visit answers, if any"},
    )
    visited_on = fields.Date(
        allow_none=True,
        load_default=None,
        metadata={"description": "the visit's day in the region's time zone"},
    )
    next_due_date = fields.Date(allow_none=True, load_default=None)
    problems = fields.Integer(
        load_default=0, metadata={"description": "problems found (each an issue_found)"}
    )


class MaintenanceIssueFoundV1(AssetEvent):
    record_id = fields.UUID(required=True)
    issue_no = fields.Integer(required=True, validate=validate.Range(min=1))
    description = fields.String(required=True)
    environment = fields.String(allow_none=True, load_default=None)
    found_at = fields.AwareDateTime(required=True, format="iso")
    hazard = fields.Boolean(load_default=False, metadata={"description": "a safety hazard"})
    priority = fields.String(
        load_default="normal",
        validate=validate.OneOf(("normal", "high")),
        metadata={"description": "high for a hazard: the ticket it opens is urgent"},
    )


RECORD_ID = "7c9e1b3d-5f7a-4c9e-8b3d-5f7a9c1e3b50"
PUBLISHES = EventCatalog("maintenance")
PUBLISHES.declare(
    "maintenance.due",
    1,
    MaintenanceDueV1,
    description="A maintenance is coming: notify the customer.",
    sample={
        **ASSET,
        "due_date": "2026-12-01",
        "notice_date": "2026-11-24",
        "tasks": ["cleaning", "anode_check"],
    },
)
PUBLISHES.declare(
    "maintenance.visit_due",
    1,
    MaintenanceVisitDueV1,
    description="A maintenance visit is due: dispatch opens a work order.",
    sample={
        **ASSET,
        "due_date": "2026-12-01",
        "tasks": ["cleaning", "anode_check"],
        "required_skill": "cathodic_protection",
        "estimated_hours": "1.50",
    },
)
PUBLISHES.declare(
    "maintenance.completed",
    1,
    MaintenanceCompletedV1,
    description="A maintenance was carried out and recorded.",
    sample={
        **ASSET,
        "record_id": RECORD_ID,
        "work_order_id": None,
        "tasks_done": ["cleaning", "anode_check"],
        "findings": "anode 60% consumed",
        "completed_at": "2026-12-01T06:00:00+00:00",
        "due_date": "2026-12-01",
        "visited_on": "2026-12-01",
        "next_due_date": "2027-01-01",
        "problems": 1,
    },
)
PUBLISHES.declare(
    "maintenance.issue_found",
    1,
    MaintenanceIssueFoundV1,
    description="A maintenance found a problem: intake opens a repair ticket.",
    sample={
        **ASSET,
        "record_id": RECORD_ID,
        "issue_no": 1,
        "description": "coating cracked at the support ring",
        "environment": "marine",
        "found_at": "2026-12-01T05:30:00+00:00",
        "hazard": True,
        "priority": "high",
    },
)
