"""What support publishes: versioned payload schemas (``payloads.py``), each with a sample for
contract tests.

Designed for its consumers: dispatch books an on-site session as a work order of kind
``training`` from ``training.requested`` (region, site, customer, preferred time, trainer if
known, model) and drops it on ``training.cancelled``; dispatch counts a skill for automatic
assignment only while the latest passing ``qualification.recorded`` is valid; kpi counts
``training.held`` and takes ``survey.answered`` into CSAT by source; the customer notices send
the link of a ``questionnaire.created`` (the token itself is never on an event).
"""

from __future__ import annotations

from services.support.events.payloads import (
    QualificationRecordedV1,
    QuestionnaireCreatedV1,
    SurveyAnsweredV1,
    TrainingCancelledV1,
    TrainingHeldV1,
    TrainingRequestedV1,
    TrainingScheduledV1,
)
from shared.events import EventCatalog

SESSION = {
    "session_id": "5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e30",
    "kind": "on_site",
    "product_model": "CP-400",
    "topics": ["operation_demo", "maintenance"],
    "trainer_id": "tech-wang",
    "trainer_name": "Wang Fang",
}
QUESTIONNAIRE = {
    "questionnaire_id": "8e0a2c4e-6f8a-4c0e-a2c4-6e8f0a2c4e50",
    "work_order_id": "0b6c2a4e-5d7f-4c1a-9e3b-8a2d4f6c8e10",
    "technician_id": "3e9d7b1a-2c4f-4e6a-8b0d-1f3a5c7e9b20",
}
PUBLISHES = EventCatalog("support")
PUBLISHES.declare(
    "training.requested",
    1,
    TrainingRequestedV1,
    description="A customer asked for training (through an agent), or a manager planned it; "
    "an on_site one is for dispatch to book as a work order of kind training.",
    sample=SESSION
    | {
        "origin": "customer_request",
        "customer_name": "Hai Tong Shipyard",
        "customer_ref": "C-1042",
        "customers": ["Hai Tong Shipyard"],
        "contact_name": "Li Wei",
        "contact_phone": "+86 138 0000 0000",
        "site_address": "88 Harbour Road, Ningbo",
        "preferred_time": "2026-12-14T01:30:00+00:00",
        "requested_by": "agent-1",
        "requested_at": "2026-12-07T02:00:00+00:00",
    },
)
PUBLISHES.declare(
    "training.scheduled",
    1,
    TrainingScheduledV1,
    description="A session was given its trainer, time, place or link and attendees.",
    sample=SESSION
    | {
        "starts_at": "2026-12-14T01:30:00+00:00",
        "ends_at": "2026-12-14T04:00:00+00:00",
        "place": "88 Harbour Road, Ningbo",
        "link": None,
        "site_address": "88 Harbour Road, Ningbo",
        "customers": ["Hai Tong Shipyard"],
        "attendees_count": 3,
        "scheduled_at": "2026-12-08T02:00:00+00:00",
    },
)
PUBLISHES.declare(
    "training.held",
    1,
    TrainingHeldV1,
    description="A session took place: attendance and the attendees' feedback ratings.",
    sample=SESSION
    | {
        "attendees_count": 3,
        "attended_count": 2,
        "attendee_ids": ["p-1", "p-2"],
        "feedback": {
            "count": 2,
            "mean": "4.50",
            "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1},
        },
        "starts_at": "2026-12-14T01:30:00+00:00",
        "held_at": "2026-12-14T04:00:00+00:00",
    },
)
PUBLISHES.declare(
    "training.cancelled",
    1,
    TrainingCancelledV1,
    description="A session was called off (dispatch drops an on-site session's visit).",
    sample=SESSION
    | {
        "reason": "the customer postponed indefinitely",
        "cancelled_at": "2026-12-09T02:00:00+00:00",
    },
)
PUBLISHES.declare(
    "qualification.recorded",
    1,
    QualificationRecordedV1,
    description="A person's training or exam in a skill was recorded, with its validity.",
    sample={
        "record_id": "2c4e6a8c-0e2a-4c6e-8a0c-2e4a6c8e0a70",
        "person_id": "tech-wang",
        "person_name": "Wang Fang",
        "skill": "welding",
        "course": "Welding of lined pipes, level 2",
        "kind": "exam",
        "taken_on": "2026-12-01",
        "score": 86,
        "passed": True,
        "valid_until": "2028-12-01",
        "recorded_at": "2026-12-02T02:00:00+00:00",
    },
)
PUBLISHES.declare(
    "questionnaire.created",
    1,
    QuestionnaireCreatedV1,
    description="A satisfaction questionnaire about a completed job awaits its customer.",
    sample=QUESTIONNAIRE
    | {
        "ticket_id": "6f1c1a52-8c8e-4b5e-9a8e-2f7f1b3d9c10",
        "customer_ref": "6f1c1a52-8c8e-4b5e-9a8e-2f7f1b3d9c10",
        "source": "repair_accepted",
        "created_at": "2026-11-03T05:00:01+00:00",
    },
)
PUBLISHES.declare(
    "survey.answered",
    1,
    SurveyAnsweredV1,
    description="A customer rated a completed job through a questionnaire link.",
    sample=QUESTIONNAIRE
    | {"source": "questionnaire", "rating": 4, "answered_at": "2026-11-05T09:00:00+00:00"},
)
