"""What dispatch publishes: versioned payload schemas, each with a sample for contract tests.

Every event names the work order, the visit number and the technician, and carries what
billing and kpi need (warranty, parts, hours, on-time flag); the region is in the envelope.
"""

from __future__ import annotations

from services.dispatch.events.payloads import (
    FollowupRecordedV1,
    RepairAcceptedV1,
    RepairCompletedV1,
    RepairEscalatedV1,
    RepairRejectedV1,
    RepairScheduledV1,
    TechnicianArrivedV1,
    VisitMissedV1,
    VisitStoppedV1,
)
from shared.events import EventCatalog

WORK_ORDER_ID = "0b6c2a4e-5d7f-4c1a-9e3b-8a2d4f6c8e10"
TICKET_ID = "6f1c1a52-8c8e-4b5e-9a8e-2f7f1b3d9c10"
TECHNICIAN_ID = "3e9d7b1a-2c4f-4e6a-8b0d-1f3a5c7e9b20"
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
        "rescheduled_by_customer": True,
        "repeat_of": None,
        "scheduled_at": "2026-11-02T12:00:00+00:00",
        "agreed_via": "phone",
        "agreed_with": "Li Wei",
        "requested_by": "customer",
        "reschedule_reason": "the customer is away on Monday",
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
        "work_id_shown": "W-00731",
        "work_id_verified": True,
        "symptom_confirmed": True,
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
        "parts": [
            {
                "part_no": "CP-400-ANODE",
                "quantity": 1,
                "genuine": True,
                "reason": "anode consumed",
                "covered_by_warranty": True,
                "unit_price": None,
                "currency": None,
                "schedule_version": None,
                "agreement": None,
                "non_genuine_approval": None,
            },
            {
                "part_no": "SEALANT-7",
                "quantity": 2,
                "genuine": False,
                "reason": "flange resealed",
                "covered_by_warranty": False,
                "unit_price": "12.50",
                "currency": "CNY",
                "schedule_version": 3,
                "agreement": {
                    "agreement_id": "5c2e8a1f-3b7d-4e9a-8c1f-6a2b4d8e0f31",
                    "agreed_at": "2026-11-03T02:40:00+00:00",
                    "confirmed_by": "customer_signature",
                },
                "non_genuine_approval": {
                    "approved_by": "manager-3",
                    "reason": "the genuine sealant is out of stock for weeks",
                    "approved_at": "2026-11-03T02:30:00+00:00",
                },
            },
        ],
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
        "customer_name": "Li Wei",
        "customer_email": "li.wei@example.com",
        "customer_phone": "+86 138 0000 0000",
        "customer_language": "zh-CN",
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
