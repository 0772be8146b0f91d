"""Intake's REST schemas: tickets and their steps, and consultations."""

from __future__ import annotations

from services.intake.schemas.consultations import (
    AnswerCreate,
    AnswerRatingCreate,
    ConsultationRead,
    EscalationCreate,
)
from services.intake.schemas.tickets import (
    AssessmentCreate,
    ResolutionCreate,
    SolutionResponseCreate,
    TicketCreate,
    TicketQueryArgs,
    TicketRead,
    TicketSummaryRead,
    TimelineEntryRead,
)

__all__ = [
    "AnswerCreate",
    "AnswerRatingCreate",
    "AssessmentCreate",
    "ConsultationRead",
    "EscalationCreate",
    "ResolutionCreate",
    "SolutionResponseCreate",
    "TicketCreate",
    "TicketQueryArgs",
    "TicketRead",
    "TicketSummaryRead",
    "TimelineEntryRead",
]
