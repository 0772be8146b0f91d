"""What dispatch publishes: versioned payload schemas, each with a sample for contract tests.

Every event names the work order, the visit number and the technician, and carries what
billing and kpi need (warranty, parts, hours, on-time flag); the region is in the envelope.
"""

from __future__ import annotations

from marshmallow import fields, validate

from services.dispatch.domain import (
    CONFIRMATIONS,
    RESULTS,
    TECHNICIAN_KINDS,
    WARRANTY_STATUSES,
    WORK_ORDER_KINDS,
)
from shared.events import EventCatalog, PayloadSchema

WORK_ORDER_ID = "0b6c2a4e-5d7f-4c1a-9e3b-8a2d4f6c8e10"
TICKET_ID = "6f1c1a52-8c8e-4b5e-9a8e-2f7f1b3d9c10"
TECHNICIAN_ID = "3e9d7b1a-2c4f-4e6a-8b0d-1f3a5c7e9b20"


class Warranty(PayloadSchema):
    status = fields.String(required=True, validate=validate.OneOf(WARRANTY_STATUSES))
    parts_covered = fields.Boolean(required=True)
    labour_covered = fields.Boolean(required=True)


class PartUsed(PayloadSchema):
    part_no = fields.String(required=True)
    quantity = fields.Integer(required=True, validate=validate.Range(min=1))
    genuine = fields.Boolean(required=True)


class VisitEvent(PayloadSchema):
    """Fields every visit event carries."""

    work_order_id = fields.UUID(required=True)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    kind = fields.String(required=True, validate=validate.OneOf(WORK_ORDER_KINDS))
    visit_number = fields.Integer(required=True, validate=validate.Range(min=1))
    technician_id = fields.UUID(required=True)


class RepairScheduledV1(VisitEvent):
    technician_kind = fields.String(required=True, validate=validate.OneOf(TECHNICIAN_KINDS))
    window_start = fields.AwareDateTime(required=True, format="iso")
    window_end = fields.AwareDateTime(required=True, format="iso")
    auto_assigned = fields.Boolean(required=True)
    rescheduled_by_customer = fields.Boolean(
        required=True,
        metadata={"description": "a new window the customer asked for: not lateness"},
    )
    repeat_of = fields.UUID(
        allow_none=True,
        load_default=None,
        metadata={"description": "accepted work order on the same serial within 30 days"},
    )
    scheduled_at = fields.AwareDateTime(required=True, format="iso")


class TechnicianArrivedV1(VisitEvent):
    arrived_at = fields.AwareDateTime(required=True, format="iso")
    window_start = fields.AwareDateTime(required=True, format="iso")
    window_end = fields.AwareDateTime(required=True, format="iso")
    on_time = fields.Boolean(required=True)
    deadline = fields.AwareDateTime(
        allow_none=True,
        load_default=None,
        format="iso",
        metadata={
            "description": "the window end the arrival was judged by: the customer's "
            "rescheduled window, else the earliest one promised"
        },
    )
    identity_verified = fields.Boolean(required=True)
    product_verified = fields.Boolean(required=True)


class VisitMissedV1(VisitEvent):
    window_start = fields.AwareDateTime(required=True, format="iso")
    window_end = fields.AwareDateTime(required=True, format="iso")
    detected_at = fields.AwareDateTime(required=True, format="iso")


class RepairCompletedV1(VisitEvent):
    result = fields.String(required=True, validate=validate.OneOf(RESULTS))
    work_performed = fields.String(required=True)
    labour_hours = fields.Decimal(required=True, as_string=True, places=2)
    parts = fields.List(fields.Nested(PartUsed), required=True)
    started_at = fields.AwareDateTime(required=True, format="iso")
    finished_at = fields.AwareDateTime(required=True, format="iso")
    warranty = fields.Nested(Warranty, required=True)
    product_model = fields.String(required=True)
    serial_no = fields.String(allow_none=True, load_default=None)
    plan_id = fields.UUID(
        allow_none=True,
        load_default=None,
        metadata={"description": "maintenance plan of a maintenance work order"},
    )


class AnswerConfirmation(PayloadSchema):
    confirmed_by = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(CONFIRMATIONS),
        metadata={"description": "how the customer confirmed the answer"},
    )
    recorded_by = fields.String(
        allow_none=True, load_default=None, metadata={"description": "who recorded the answer"}
    )


class VisitStoppedV1(VisitEvent):
    failed_checks = fields.List(
        fields.String(validate=validate.OneOf(("identity", "product"))), required=True
    )
    reason = fields.String(required=True)
    stopped_at = fields.AwareDateTime(required=True, format="iso")


class RepairAcceptedV1(VisitEvent, AnswerConfirmation):
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    first_time_fix = fields.Boolean(required=True)
    repeat_of = fields.UUID(allow_none=True, load_default=None)
    serial_no = fields.String(allow_none=True, load_default=None)
    accepted_at = fields.AwareDateTime(required=True, format="iso")


class RepairRejectedV1(VisitEvent, AnswerConfirmation):
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    reason = fields.String(required=True)
    rejected_at = fields.AwareDateTime(required=True, format="iso")


class RepairEscalatedV1(VisitEvent):
    escalated_to = fields.String(required=True, validate=validate.OneOf(("replacement", "return")))
    failed_visits = fields.Integer(required=True, validate=validate.Range(min=1))
    nature = fields.String(required=True)
    product_model = fields.String(required=True)
    serial_no = fields.String(allow_none=True, load_default=None)
    warranty = fields.Nested(Warranty, required=True)
    escalated_at = fields.AwareDateTime(required=True, format="iso")
    customer_name = fields.String(
        allow_none=True, load_default=None, metadata={"description": "whom returns deals with"}
    )
    customer_phone = fields.String(allow_none=True, load_default=None)


class FollowupRecordedV1(PayloadSchema):
    work_order_id = fields.UUID(required=True)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    technician_id = fields.UUID(allow_none=True, load_default=None)
    satisfaction = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    remarks = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True, format="iso")


VISIT = {
    "work_order_id": WORK_ORDER_ID,
    "ticket_id": TICKET_ID,
    "kind": "repair",
    "visit_number": 1,
    "technician_id": TECHNICIAN_ID,
}
WINDOW = {"window_start": "2026-11-03T01:00:00+00:00", "window_end": "2026-11-03T03:00:00+00:00"}
WARRANTY = {"status": "in_warranty", "parts_covered": True, "labour_covered": True}

PUBLISHES = EventCatalog("dispatch")
PUBLISHES.declare(
    "repair.scheduled",
    1,
    RepairScheduledV1,
    description="A visit was scheduled (or rescheduled) with a technician and a window.",
    sample={
        **VISIT,
        **WINDOW,
        "technician_kind": "employee",
        "auto_assigned": True,
        "rescheduled_by_customer": False,
        "repeat_of": None,
        "scheduled_at": "2026-11-02T12:00:00+00:00",
    },
)
PUBLISHES.declare(
    "technician.arrived",
    1,
    TechnicianArrivedV1,
    description="The technician checked in on site; on time means at or before window end.",
    sample={
        **VISIT,
        **WINDOW,
        "arrived_at": "2026-11-03T02:10:00+00:00",
        "on_time": True,
        "deadline": "2026-11-03T03:00:00+00:00",
        "identity_verified": True,
        "product_verified": True,
    },
)
PUBLISHES.declare(
    "visit.missed",
    1,
    VisitMissedV1,
    description="A visit window ended with no check-in (counted late).",
    sample={**VISIT, **WINDOW, "detected_at": "2026-11-03T03:01:00+00:00"},
)
PUBLISHES.declare(
    "visit.stopped",
    1,
    VisitStoppedV1,
    description="A check on arrival failed (the customer's identity or the product): the "
    "visit stopped there and the work order went back to scheduling.",
    sample={
        **VISIT,
        "failed_checks": ["product"],
        "reason": "a CP-200 on site, the ticket names a CP-400",
        "stopped_at": "2026-11-03T02:20:00+00:00",
    },
)
PUBLISHES.declare(
    "repair.completed",
    1,
    RepairCompletedV1,
    description="The repair record of a visit: work, parts, hours, result.",
    sample={
        **VISIT,
        "result": "fixed",
        "work_performed": "replaced anode, touched up coating",
        "labour_hours": "2.50",
        "parts": [{"part_no": "CP-400-ANODE", "quantity": 1, "genuine": True}],
        "started_at": "2026-11-03T02:15:00+00:00",
        "finished_at": "2026-11-03T04:45:00+00:00",
        "warranty": WARRANTY,
        "product_model": "CP-400",
        "serial_no": "SN-2024-000123",
        "plan_id": None,
    },
)
PUBLISHES.declare(
    "repair.accepted",
    1,
    RepairAcceptedV1,
    description="The customer accepted the repair and rated it.",
    sample={
        **VISIT,
        "rating": 5,
        "first_time_fix": True,
        "repeat_of": None,
        "serial_no": "SN-2024-000123",
        "accepted_at": "2026-11-03T05:00:00+00:00",
        "confirmed_by": "customer_signature",
        "recorded_by": "tech-007",
    },
)
PUBLISHES.declare(
    "repair.rejected",
    1,
    RepairRejectedV1,
    description="The customer rejected the repair; another visit follows.",
    sample={
        **VISIT,
        "rating": 2,
        "reason": "still leaking at the flange",
        "rejected_at": "2026-11-03T05:00:00+00:00",
        "confirmed_by": "agent_call",
        "recorded_by": "agent-12",
    },
)
PUBLISHES.declare(
    "repair.escalated",
    1,
    RepairEscalatedV1,
    description="Repeated failed visits on a product defect: replacement or return.",
    sample={
        **VISIT,
        "visit_number": 3,
        "escalated_to": "replacement",
        "failed_visits": 3,
        "nature": "product_defect",
        "product_model": "CP-400",
        "serial_no": "SN-2024-000123",
        "warranty": WARRANTY,
        "escalated_at": "2026-11-10T05:00:00+00:00",
        "customer_name": "Li Wei",
        "customer_phone": "+86 138 0000 0000",
    },
)
PUBLISHES.declare(
    "followup.recorded",
    1,
    FollowupRecordedV1,
    description="A follow-up call recorded the customer's satisfaction.",
    sample={
        "work_order_id": WORK_ORDER_ID,
        "ticket_id": TICKET_ID,
        "technician_id": TECHNICIAN_ID,
        "satisfaction": 4,
        "remarks": "works well",
        "recorded_at": "2026-11-12T06:00:00+00:00",
    },
)
