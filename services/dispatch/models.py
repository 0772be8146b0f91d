"""Dispatch's tables: technicians, work orders, their visits, parts used and follow-up calls."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import UTCDateTime, service_metadata

HOURS = Numeric(6, 2)


class Base(DeclarativeBase):
    metadata = service_metadata()


class Technician(Base):
    """An employee or a partner workshop that carries out visits in one region."""

    __tablename__ = "technicians"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    region: Mapped[str] = mapped_column(String(50), index=True)
    active: Mapped[bool] = mapped_column(Boolean)
    phone: Mapped[str | None] = mapped_column(String(50))
    # The JWT ``sub`` of the technician's login: only they may check in on their visits.
    user_sub: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    skill_rows: Mapped[list[TechnicianSkill]] = relationship(
        cascade="all, delete-orphan", order_by="TechnicianSkill.skill", lazy="selectin"
    )

    @property
    def skills(self) -> list[str]:
        return [row.skill for row in self.skill_rows]


class TechnicianSkill(Base):
    __tablename__ = "technician_skills"

    technician_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("technicians.id", ondelete="CASCADE"), primary_key=True
    )
    skill: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class WorkOrder(Base):
    """Work opened by an accepted solution (repair) or a due maintenance (maintenance)."""

    __tablename__ = "work_orders"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30), index=True)
    region: Mapped[str] = mapped_column(String(50), index=True)
    # The event that opened it: redelivery never opens a second one.
    source_event_id: Mapped[str] = mapped_column(String(36), unique=True)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    plan_id: Mapped[uuid.UUID | None] = mapped_column()
    priority: Mapped[str | None] = mapped_column(String(20))
    nature: Mapped[str | None] = mapped_column(String(30))
    severity: Mapped[str | None] = mapped_column(String(20))
    required_skill: Mapped[str | None] = mapped_column(String(100))
    estimated_hours: Mapped[Decimal] = mapped_column(HOURS)
    parts_likely: Mapped[list[str] | None] = mapped_column(JSON)
    tasks: Mapped[list[str] | None] = mapped_column(JSON)
    due_date: Mapped[dt.date | None] = mapped_column()
    product_model: Mapped[str] = mapped_column(String(100))
    serial_no: Mapped[str | None] = mapped_column(String(100), index=True)
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_phone: Mapped[str | None] = mapped_column(String(50))
    warranty_status: Mapped[str] = mapped_column(String(30))
    parts_covered: Mapped[bool] = mapped_column(Boolean)
    labour_covered: Mapped[bool] = mapped_column(Boolean)
    repeat_of: Mapped[uuid.UUID | None] = mapped_column()
    technician_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("technicians.id"), index=True
    )
    visit_count: Mapped[int] = mapped_column(Integer)
    escalated_to: Mapped[str | None] = mapped_column(String(20))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Per-aggregate sequence carried on every event of this work order.
    version: Mapped[int] = mapped_column(Integer)
    visits: Mapped[list[Visit]] = relationship(
        order_by="Visit.number", lazy="selectin", back_populates="work_order"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        order_by="FollowUp.recorded_at", lazy="selectin"
    )

    @property
    def current_visit(self) -> Visit | None:
        return self.visits[-1] if self.visits else None

    @property
    def warranty(self) -> dict[str, Any]:
        return {
            "status": self.warranty_status,
            "parts_covered": self.parts_covered,
            "labour_covered": self.labour_covered,
        }


class Visit(Base):
    """One visit of a work order: appointment, check-in, repair record and the customer's
    answer."""

    __tablename__ = "visits"
    __table_args__ = (UniqueConstraint("work_order_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_orders.id"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)
    technician_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("technicians.id"), index=True)
    auto_assigned: Mapped[bool] = mapped_column(Boolean)
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    # The window end the arrival is judged against (moves only when the customer asks).
    deadline: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    rescheduled_by_customer: Mapped[bool] = mapped_column(Boolean)
    scheduled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    arrived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    identity_verified: Mapped[bool | None] = mapped_column(Boolean)
    product_verified: Mapped[bool | None] = mapped_column(Boolean)
    missed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    work_performed: Mapped[str | None] = mapped_column(Text)
    labour_hours: Mapped[Decimal | None] = mapped_column(HOURS)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[str | None] = mapped_column(String(20))
    customer_signature: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    accepted: Mapped[bool | None] = mapped_column(Boolean)
    rating: Mapped[int | None] = mapped_column(Integer)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    work_order: Mapped[WorkOrder] = relationship(back_populates="visits")
    parts: Mapped[list[PartUsed]] = relationship(
        order_by="PartUsed.line", lazy="selectin", cascade="all, delete-orphan"
    )


class PartUsed(Base):
    """A part on a visit's repair record."""

    __tablename__ = "parts_used"

    visit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True
    )
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    part_no: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[int] = mapped_column(Integer)
    genuine: Mapped[bool] = mapped_column(Boolean)


class FollowUp(Base):
    """A later call to the customer about a finished work order."""

    __tablename__ = "follow_ups"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_orders.id"), index=True)
    satisfaction: Mapped[int] = mapped_column(Integer)
    remarks: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(200))
