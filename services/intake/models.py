"""Intake's tables: tickets, their assessment rounds and their timeline."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import BigIntPK, UTCDateTime, service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata()


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30), index=True)
    priority: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(50), index=True)
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_phone: Mapped[str | None] = mapped_column(String(50))
    customer_email: Mapped[str | None] = mapped_column(String(200))
    product_model: Mapped[str] = mapped_column(String(100))
    serial_no: Mapped[str | None] = mapped_column(String(100), index=True)
    purchase_date: Mapped[dt.date | None] = mapped_column(Date)
    installation_date: Mapped[dt.date | None] = mapped_column(Date)
    symptom: Mapped[str] = mapped_column(Text)
    usage_environment: Mapped[str | None] = mapped_column(String(200))
    reported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    created_by: Mapped[str] = mapped_column(String(200))
    # Per-aggregate sequence carried on every event of this ticket.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Warranty as of the report date (null on tickets recorded before it was stored).
    warranty_status: Mapped[str | None] = mapped_column(String(20))
    warranty_parts_covered: Mapped[bool | None]
    warranty_labour_covered: Mapped[bool | None]
    warranty_reason: Mapped[str | None] = mapped_column(Text)
    first_response_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    first_responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    close_reason: Mapped[str | None] = mapped_column(String(20))
    work_order_id: Mapped[uuid.UUID | None]
    # The maintenance.issue_found event that opened this ticket: one ticket per event.
    source_event_id: Mapped[str | None] = mapped_column(String(36), unique=True, index=True)

    assessments: Mapped[list[Assessment]] = relationship(
        order_by="Assessment.round", back_populates="ticket"
    )
    timeline: Mapped[list[TimelineEntry]] = relationship(
        order_by="(TimelineEntry.at, TimelineEntry.id)", back_populates="ticket"
    )

    @property
    def warranty(self) -> dict[str, Any] | None:
        """The stored warranty decision, or None for tickets recorded before it was kept."""
        if self.warranty_status is None:
            return None
        return {
            "status": self.warranty_status,
            "parts_covered": bool(self.warranty_parts_covered),
            "labour_covered": bool(self.warranty_labour_covered),
            "reason": self.warranty_reason or "",
        }

    def first_response_met(self, now: dt.datetime) -> bool | None:
        """Whether the first response came by its deadline; None while it still may."""
        due = self.first_response_due_at
        if due is None:
            return None
        if self.first_responded_at is not None:
            return self.first_responded_at <= due
        return False if now > due else None


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
    assessed_by: Mapped[str] = mapped_column(String(200))
    assessed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The customer's answer: None until given.
    accepted: Mapped[bool | None]
    objection: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    ticket: Mapped[Ticket] = relationship(back_populates="assessments")


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
