"""Intake's use cases: registering tickets, the assessment-agreement loop, closing."""

from services.intake.services.agreement import (
    assess_ticket,
    record_solution_response,
    resolve_ticket,
)
from services.intake.services.closing import close_ticket_after_repair, escalate_ticket
from services.intake.services.registration import (
    FIRST_RESPONSE_HOURS,
    first_response_due,
    open_ticket_from_issue,
    register_ticket,
)

__all__ = [
    "FIRST_RESPONSE_HOURS",
    "assess_ticket",
    "close_ticket_after_repair",
    "escalate_ticket",
    "first_response_due",
    "open_ticket_from_issue",
    "record_solution_response",
    "register_ticket",
    "resolve_ticket",
]
