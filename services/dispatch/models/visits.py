"""A work order's visits, the parts a repair record lists, and follow-up calls."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.dispatch.domain import (
    VISIT_ARRIVED,
    VISIT_COMPLETED,
    VISIT_STOPPED,
    normalise,
    on_time,
)
from services.dispatch.models.base import HOURS, Base
from shared.db import UTCDateTime
from shared.errors import Conflict, InvalidInput

if TYPE_CHECKING:
    from services.dispatch.models.work_orders import WorkOrder


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
    stop_reason: Mapped[str | None] = mapped_column(Text)
    # When the technician set off (the "on the way" notice) and when the day-before
    # reminder was staged; both cleared when the appointment moves.
    departed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    # Who recorded the customer's answer and how the customer confirmed it (bonuses hang on
    # the rating: never the visit's technician's word alone).
    answer_recorded_by: Mapped[str | None] = mapped_column(String(200))
    answer_confirmed_by: Mapped[str | None] = mapped_column(String(30))
    answer_signature: Mapped[str | None] = mapped_column(Text)
    work_order: Mapped[WorkOrder] = relationship(back_populates="visits")
    parts: Mapped[list[PartUsed]] = relationship(
        order_by="PartUsed.line", lazy="selectin", cascade="all, delete-orphan"
    )

    def window(self) -> dict[str, Any]:
        """The appointment window as events carry it."""
        return {"window_start": self.window_start, "window_end": self.window_end}

    def arrive(self, check_in_in: dict[str, Any], *, expected_model: str, at: dt.datetime) -> None:
        """The technician's check-in (default: now), judged against the deadline."""
        arrived_at = check_in_in.get("arrived_at") or at
        if arrived_at < self.scheduled_at:
            raise InvalidInput(
                "arrival before the visit was scheduled",
                errors={"arrived_at": ["before the visit was scheduled"]},
            )
        self.status = VISIT_ARRIVED
        self.arrived_at = arrived_at
        self.on_time = on_time(arrived_at, self.deadline)
        self.identity_verified = check_in_in["identity_verified"]
        found = normalise(check_in_in["product_model"])
        self.product_verified = found == normalise(expected_model)

    def depart(self, departure_in: dict[str, Any], *, at: dt.datetime) -> dt.datetime:
        """The technician sets off (default: now); once per appointment."""
        if self.departed_at is not None:
            raise Conflict(
                "the technician already set off for this visit",
                errors={"departed_at": [f"already {self.departed_at.isoformat()}"]},
            )
        departed_at = departure_in.get("departed_at") or at
        if departed_at < self.scheduled_at:
            raise InvalidInput(
                "set off before the visit was scheduled",
                errors={"departed_at": ["before the visit was scheduled"]},
            )
        self.departed_at = departed_at
        return departed_at

    def stop(self, reason: str | None) -> list[str]:
        """A check on arrival failed: the visit stops here; which checks failed."""
        failed = [
            name
            for name, ok in (
                ("identity", self.identity_verified),
                ("product", self.product_verified),
            )
            if not ok
        ]
        self.status = VISIT_STOPPED
        self.stop_reason = reason or f"{' and '.join(failed)} check failed"
        return failed

    def record_repair(self, record_in: dict[str, Any], *, at: dt.datetime) -> None:
        """The repair record: work started on site, parts numbered from 1."""
        assert self.arrived_at is not None
        if record_in["started_at"] < self.arrived_at:
            raise InvalidInput(
                "work started before the technician arrived",
                errors={"started_at": ["before the arrival"]},
            )
        self.status = VISIT_COMPLETED
        self.work_performed = record_in["work_performed"]
        self.labour_hours = record_in["labour_hours"]
        self.started_at, self.finished_at = record_in["started_at"], record_in["finished_at"]
        self.result = record_in["result"]
        self.customer_signature = record_in["customer_signature"]
        self.completed_at = at
        self.parts = [
            PartUsed(line=n, part_no=p["part_no"], quantity=p["quantity"], genuine=p["genuine"])
            for n, p in enumerate(record_in["parts"], start=1)
        ]

    def respond(self, answer_in: dict[str, Any], *, at: dt.datetime) -> None:
        """The customer's answer (default: now); only a fixed repair can be accepted."""
        responded_at = answer_in.get("responded_at") or at
        assert self.finished_at is not None
        if responded_at < self.finished_at:
            raise InvalidInput(
                "answer before the repair finished",
                errors={"responded_at": ["before the repair finished"]},
            )
        accepted = answer_in["accepted"]
        if accepted and self.result != "fixed":
            raise Conflict("the repair record says not fixed: it can only be rejected")
        self.accepted, self.rating, self.responded_at = accepted, answer_in["rating"], responded_at
        self.answer_recorded_by = answer_in["recorded_by"]
        self.answer_confirmed_by = answer_in["confirmed_by"]
        self.answer_signature = (answer_in.get("confirmation") or {}).get("customer_signature")


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
