"""support's rules, as plain Python: customer training sessions (kinds, topics, statuses and
the steps they admit, attendee lists, attendance and the feedback summary), staff
qualifications (the current one per person and skill, validity, what expires soon) and
satisfaction questionnaires (the questions, who may answer a link, and when)."""

from services.support.domain.qualifications import (
    RECORD_KINDS,
    Standing,
    current_standings,
    default_valid_until,
    expiring,
    is_valid,
    require_validity,
)
from services.support.domain.questionnaires import (
    ANSWERED,
    OPEN,
    QUESTIONNAIRE_SOURCES,
    QUESTIONNAIRE_STATUSES,
    QUESTIONS,
    require_answerable,
    require_customer,
    require_unanswered,
)
from services.support.domain.training import (
    CANCELLED,
    HELD,
    KINDS,
    ORIGINS,
    REQUESTED,
    SCHEDULED,
    STATUSES,
    TOPICS,
    attendance_errors,
    duplicate_attendees,
    feedback_summary,
    require_place,
    require_step,
)

__all__ = [
    "ANSWERED",
    "CANCELLED",
    "HELD",
    "KINDS",
    "OPEN",
    "ORIGINS",
    "QUESTIONNAIRE_SOURCES",
    "QUESTIONNAIRE_STATUSES",
    "QUESTIONS",
    "RECORD_KINDS",
    "REQUESTED",
    "SCHEDULED",
    "STATUSES",
    "TOPICS",
    "Standing",
    "attendance_errors",
    "current_standings",
    "default_valid_until",
    "duplicate_attendees",
    "expiring",
    "feedback_summary",
    "is_valid",
    "require_answerable",
    "require_customer",
    "require_place",
    "require_step",
    "require_unanswered",
    "require_validity",
]
