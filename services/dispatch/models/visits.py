"""A work order's visits, the parts a repair record lists, and follow-up calls."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.dispatch.domain import (
    VISIT_ARRIVED,
    VISIT_COMPLETED,
    VISIT_STOPPED,
    normalise,
    on_time,
)
from services.dispatch.domain.field import require_symptom_check, same_work_id
from services.dispatch.models.base import HOURS, MONEY, Base, as_json, with_times
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
    # How the window was agreed with the customer, and who asked to move it and why.
    agreed_via: Mapped[str | None] = mapped_column(String(20))
    agreed_with: Mapped[str | None] = mapped_column(String(200))
    reschedule_requested_by: Mapped[str | None] = mapped_column(String(20))
    reschedule_reason: Mapped[str | None] = mapped_column(Text)
    scheduled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    arrived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    identity_verified: Mapped[bool | None] = mapped_column(Boolean)
    product_verified: Mapped[bool | None] = mapped_column(Boolean)
    # The work ID the technician showed the customer, and whether it was the assigned one's.
    work_id_shown: Mapped[str | None] = mapped_column(String(50))
    work_id_verified: Mapped[bool | None] = mapped_column(Boolean)
    symptom_confirmed: Mapped[bool | None] = mapped_column(Boolean)
    symptom_observed: Mapped[str | None] = mapped_column(Text)
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

    def agree(self, appointment: dict[str, Any]) -> None:
        """Keep how the window was agreed, and who asked to move it and why."""
        self.agreed_via, self.agreed_with = appointment["agreed_via"], appointment["agreed_with"]
        self.reschedule_requested_by = appointment["requested_by"]
        self.reschedule_reason = appointment["reason"]
        self.rescheduled_by_customer = appointment["requested_by"] == "customer"
        self.departed_at = self.reminded_at = None  # a new appointment: remind, set off anew

    def appointment(self) -> dict[str, Any]:
        """The agreement on the window as ``repair.scheduled`` carries it."""
        return {
            "rescheduled_by_customer": self.rescheduled_by_customer,
            "agreed_via": self.agreed_via,
            "agreed_with": self.agreed_with,
            "requested_by": self.reschedule_requested_by,
            "reschedule_reason": self.reschedule_reason,
        }

    def arrive(
        self, check_in_in: dict[str, Any], *, expected: dict[str, Any], at: dt.datetime
    ) -> None:
        """The technician's check-in (default: now), judged against the deadline; the work
        ID shown must be the assigned technician's (else the identity check fails), and a
        repair that goes ahead re-checks the symptom (``expected``: kind, model, work ID)."""
        arrived_at = check_in_in.get("arrived_at") or at
        if arrived_at < self.scheduled_at:
            raise InvalidInput(
                "arrival before the visit was scheduled",
                errors={"arrived_at": ["before the visit was scheduled"]},
            )
        work_id_ok = same_work_id(check_in_in["work_id_shown"], expected["work_id"])
        product_ok = normalise(check_in_in["product_model"]) == normalise(expected["model"])
        going_ahead = check_in_in["identity_verified"] and work_id_ok and product_ok
        require_symptom_check(expected["kind"], check_in_in, going_ahead=going_ahead)
        self.status = VISIT_ARRIVED
        self.arrived_at = arrived_at
        self.on_time = on_time(arrived_at, self.deadline)
        self.identity_verified = check_in_in["identity_verified"]
        self.work_id_shown, self.work_id_verified = check_in_in["work_id_shown"], work_id_ok
        self.product_verified = product_ok
        symptom = check_in_in.get("symptom_check") or {}
        self.symptom_confirmed = symptom.get("confirmed")
        self.symptom_observed = symptom.get("observed")

    @property
    def checks_passed(self) -> bool:
        return bool(self.identity_verified and self.work_id_verified and self.product_verified)

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
        """A check on arrival failed: the visit stops here; which checks failed (a work ID
        that is not the assigned technician's fails the identity check)."""
        checks = (
            ("identity", self.identity_verified and self.work_id_verified),
            ("product", self.product_verified),
        )
        failed = [name for name, ok in checks if not ok]
        self.status = VISIT_STOPPED
        why = f"{' and '.join(failed)} check failed"
        if not self.work_id_verified:
            why += f" (work ID shown {self.work_id_shown!r} is not the assigned technician's)"
        self.stop_reason = reason or why
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
        self.parts = [PartUsed.of(n, p) for n, p in enumerate(record_in["parts"], start=1)]

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

    def answer_confirmation(self) -> dict[str, Any]:
        """Who recorded the customer's answer and how the customer confirmed it."""
        return {"confirmed_by": self.answer_confirmed_by, "recorded_by": self.answer_recorded_by}


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
    # Why the part was used, and who pays: the warranty, or the customer at the price they
    # agreed to before use (from the fee schedule in force); a non-genuine part's approval.
    reason: Mapped[str | None] = mapped_column(Text)
    covered_by_warranty: Mapped[bool | None] = mapped_column(Boolean)
    unit_price: Mapped[Decimal | None] = mapped_column(MONEY)
    currency: Mapped[str | None] = mapped_column(String(3))
    schedule_version: Mapped[int | None] = mapped_column(Integer)
    agreement: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    non_genuine_approval: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    @classmethod
    def of(cls, line: int, part: dict[str, Any]) -> PartUsed:
        """A recorded part (as ``domain.field.record_parts`` priced it) on line ``line``."""
        names: tuple[str, ...] = ("part_no", "quantity", "genuine", "reason", "covered_by_warranty")
        names += ("unit_price", "currency", "schedule_version")
        return cls(
            line=line,
            **{name: part[name] for name in names},
            agreement=as_json(part["agreement"]),
            non_genuine_approval=as_json(part["non_genuine_approval"]),
        )

    def as_event(self) -> dict[str, Any]:
        """The part as ``repair.completed`` carries it."""
        names: tuple[str, ...] = ("part_no", "quantity", "genuine", "reason", "covered_by_warranty")
        names += ("unit_price", "currency", "schedule_version")
        return {name: getattr(self, name) for name in names} | {
            "agreement": with_times(self.agreement, "agreed_at"),
            "non_genuine_approval": with_times(self.non_genuine_approval, "approved_at"),
        }


class FollowUp(Base):
    """A later call to the customer about a finished work order."""

    __tablename__ = "follow_ups"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_orders.id"), index=True)
    satisfaction: Mapped[int] = mapped_column(Integer)
    remarks: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(200))
