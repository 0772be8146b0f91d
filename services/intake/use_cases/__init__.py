"""Intake's use cases: registering tickets, the assessment-agreement loop, closing on what
dispatch reports, and answering consultations."""

from __future__ import annotations

from services.intake.use_cases.consultations import (
    answer_consultation,
    escalate_consultation,
    rate_answer,
)
from services.intake.use_cases.tickets import (
    assess_ticket,
    close_ticket_after_repair,
    escalate_ticket,
    open_ticket_from_issue,
    record_solution_response,
    register_ticket,
    resolve_ticket,
)

__all__ = [
    "answer_consultation",
    "assess_ticket",
    "close_ticket_after_repair",
    "escalate_consultation",
    "escalate_ticket",
    "open_ticket_from_issue",
    "rate_answer",
    "record_solution_response",
    "register_ticket",
    "resolve_ticket",
]
