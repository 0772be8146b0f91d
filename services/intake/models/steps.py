"""A ticket's assessment rounds and its timeline."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.intake.models.base import Base
from shared.db import BigIntPK, UTCDateTime

if TYPE_CHECKING:
    from services.intake.models.ticket import Ticket


class Assessment(Base):
    """One round of assessment and the customer's answer to its proposed solution."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("ticket_id", "round"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    nature: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(20))
    diagnosis: Mapped[str] = mapped_column(Text)
    proposed_solution: Mapped[str] = mapped_column(Text)
    visit_needed: Mapped[bool]
    required_skill: Mapped[str | None] = mapped_column(String(100))
    estimated_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    parts_likely: Mapped[list[str]] = mapped_column(JSON)
    tools: Mapped[list[str] | None] = mapped_column(JSON)
    assessed_by: Mapped[str] = mapped_column(String(200))
    assessed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The customer's answer: None until given.
    accepted: Mapped[bool | None]
    objection: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    ticket: Mapped[Ticket] = relationship(back_populates="assessments")

    def summary(self) -> dict[str, Any]:
        """What the timeline says of this round."""
        return {
            "round": self.round,
            "nature": self.nature,
            "severity": self.severity,
            "visit_needed": self.visit_needed,
        }

    def proposal(self) -> dict[str, Any]:
        """What the events say of this round's proposal."""
        return {
            "round": self.round,
            "nature": self.nature,
            "severity": self.severity,
            "visit_needed": self.visit_needed,
            "required_skill": self.required_skill,
            "estimated_hours": self.estimated_hours,
            "parts_likely": self.parts_likely,
            "tools": list(self.tools or []),
        }


class TimelineEntry(Base):
    """A step in a ticket's life, written with every state change."""

    __tablename__ = "timeline_entries"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)

    ticket: Mapped[Ticket] = relationship(back_populates="timeline")
