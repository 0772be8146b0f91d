"""support's use cases: each loads through the unit of work, asks the domain, lets the
aggregate record what happened, and commits."""

from services.support.use_cases.qualifications import record_qualification
from services.support.use_cases.questionnaires import (
    answer_questionnaire,
    create_questionnaire,
    issue_questionnaire_link,
    open_questionnaire_for_repair,
)
from services.support.use_cases.training import (
    cancel_training,
    record_attendance,
    request_training,
    schedule_training,
)

__all__ = [
    "answer_questionnaire",
    "cancel_training",
    "create_questionnaire",
    "issue_questionnaire_link",
    "open_questionnaire_for_repair",
    "record_attendance",
    "record_qualification",
    "request_training",
    "schedule_training",
]
