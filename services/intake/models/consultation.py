"""A consultation ticket's own record (topic, response deadline, escalation, answer with its
documents, the customer's rating of it), and the steps a consultation ticket takes: each
changes it, writes the ticket's timeline and records the event it causes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.intake import domain
from services.intake.models.base import Base
from shared.clock import rfc3339
from shared.db import UTCDateTime
from shared.errors import Conflict

if TYPE_CHECKING:
    from services.intake.models.ticket import Ticket


class Consultation(Base):
    """What a consultation ticket asks about and how it was answered."""

    __tablename__ = "consultations"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    # Null only for consultations registered before topics were kept.
    topic: Mapped[str | None] = mapped_column(String(40))
    response_due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    escalated_by: Mapped[str | None] = mapped_column(String(200))
    escalated_to: Mapped[str | None] = mapped_column(String(200))
    escalation_reason: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    documents: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    answered_by: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_remark: Mapped[str | None] = mapped_column(Text)
    rated_by: Mapped[str | None] = mapped_column(String(200))
    rated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    ticket: Mapped[Ticket] = relationship(back_populates="consultation")

    @property
    def escalated(self) -> bool:
        return self.escalated_at is not None

    def response_met(self, now: dt.datetime) -> bool | None:
        """Whether the answer came by its deadline; None while it still may."""
        if self.answered_at is not None:
            return self.answered_at <= self.response_due_at
        return False if now > self.response_due_at else None


# The steps of a consultation ticket. The ticket (the aggregate) is changed and records the
# events; they live here to keep the ticket's module to its own steps.
def open_for(ticket: Ticket, *, topic: str | None, due: dt.datetime) -> Consultation:
    """Keep the consultation's topic and response deadline (on the timeline's first step)."""
    consultation = Consultation(ticket_id=ticket.id, topic=topic, response_due_at=due)
    ticket.consultation = consultation
    reported = next((e for e in ticket.timeline if e.kind == "reported"), None)
    if reported is not None:
        more = {"topic": topic, "response_due_at": rfc3339(due)}
        reported.details = {**reported.details, **more}
    return consultation


def _consultation_for(ticket: Ticket, step: str, allowed: tuple[str, ...]) -> Consultation:
    domain.require_consultation(ticket.id, ticket.kind, step)
    domain.require_step(ticket.id, ticket.status, allowed, step)
    consultation = ticket.consultation
    assert consultation is not None, "the use case opens a legacy consultation's record"
    return consultation


def _facts(ticket: Ticket, consultation: Consultation) -> dict[str, Any]:
    return {
        "region": ticket.region,
        "topic": consultation.topic,
        "priority": ticket.priority,
        "response_due_at": consultation.response_due_at,
    }


def escalate(
    ticket: Ticket, *, engineer: str | None, reason: str, at: dt.datetime, by: str
) -> None:
    """The agent cannot answer: an engineer (the one named, if any) will
    (``consultation.escalated``)."""
    allowed = domain.CONSULTATION_ESCALATABLE
    consultation = _consultation_for(ticket, "an escalation", allowed)
    consultation.escalated_at, consultation.escalated_by = at, by
    consultation.escalated_to, consultation.escalation_reason = engineer, reason
    ticket.status = domain.AWAITING_ENGINEER
    details = {"escalated_to": engineer, "reason": reason}
    ticket.note("consultation_escalated", at=at, actor=by, details=details)
    ticket.record(
        "consultation.escalated",
        {**_facts(ticket, consultation), **details, "escalated_by": by, "escalated_at": at},
    )


def answer(
    ticket: Ticket,
    *,
    answer: str,
    documents: list[dict[str, Any]],
    at: dt.datetime,
    by: str,
    roles: frozenset[str],
) -> None:
    """Record the answer and resolve the consultation (``consultation.answered``, then
    ``ticket.resolved`` and ``ticket.closed``); once escalated, an engineer answers."""
    consultation = _consultation_for(ticket, "an answer", domain.CONSULTATION_RESOLVABLE)
    domain.require_answerer(
        ticket.id,
        escalated=consultation.escalated,
        engineer=consultation.escalated_to,
        sub=by,
        roles=roles,
    )
    consultation.answer, consultation.documents = answer, documents
    consultation.answered_by, consultation.answered_at = by, at
    within = at <= consultation.response_due_at
    details = {"documents": len(documents), "within_deadline": within}
    ticket.note("consultation_answered", at=at, actor=by, details=details)
    ticket.record(
        "consultation.answered",
        {
            **_facts(ticket, consultation),
            "answered_by": by,
            "answered_at": at,
            "asked_at": ticket.reported_at,
            "within_deadline": within,
            "escalated": consultation.escalated,
        },
    )
    ticket.resolve(answer, at=at, actor=by)


def rate(ticket: Ticket, *, rating: int, remark: str | None, at: dt.datetime, by: str) -> None:
    """The customer's rating of the answer, once (``consultation.rated``)."""
    domain.require_consultation(ticket.id, ticket.kind, "a rating of the answer")
    consultation = ticket.consultation
    if consultation is None or consultation.answered_by is None:
        raise Conflict(
            f"consultation {ticket.id} is {ticket.status} and not answered: "
            "a rating of the answer needs an answer",
            errors={"status": [f"is {ticket.status}"]},
        )
    if consultation.rated_at is not None:
        raise Conflict(
            f"the answer to consultation {ticket.id} was already rated",
            errors={"rating": [f"already recorded: {consultation.rating}"]},
        )
    consultation.rating, consultation.rating_remark = rating, remark
    consultation.rated_by, consultation.rated_at = by, at
    details = {"rating": rating, "remark": remark}
    ticket.note("answer_rated", at=at, actor=by, details=details)
    ticket.record(
        "consultation.rated",
        {
            **details,
            "source": "consultation",
            "region": ticket.region,
            "topic": consultation.topic,
            "answered_by": consultation.answered_by,
            "rated_at": at,
        },
    )
