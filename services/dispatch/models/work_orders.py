"""The work order, dispatch's aggregate: its methods change it and record what they did."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.dispatch.domain import (
    ACCEPTED,
    AWAITING_ACCEPTANCE,
    ESCALATED,
    FINAL,
    IN_PROGRESS,
    SCHEDULED,
    UNSCHEDULED,
    VISIT_ACCEPTED,
    VISIT_MISSED,
    VISIT_REJECTED,
    VISIT_SCHEDULED,
    escalates,
    escalation_target,
    refusal,
    rescheduled_deadline,
)
from services.dispatch.models.base import HOURS, Base
from services.dispatch.models.contact import Contact
from services.dispatch.models.field import FieldWork
from services.dispatch.models.site import OnSite
from services.dispatch.models.technicians import Technician
from services.dispatch.models.training import TrainingWork
from services.dispatch.models.visits import FollowUp, Visit
from shared.db import UTCDateTime


class WorkOrder(Contact, Base, TrainingWork, OnSite, FieldWork):
    """Work opened by an accepted solution, a due maintenance or an on-site training."""

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

    def event_identity(self) -> dict[str, Any]:
        """Every event of a work order names it and its ticket."""
        return {"work_order_id": self.id, "ticket_id": self.ticket_id}

    @property
    def current_visit(self) -> Visit | None:
        return self.visits[-1] if self.visits else None

    @property
    def pending_visit(self) -> Visit | None:
        """The booked visit the technician has not arrived for yet."""
        return self.current_visit if self.status == SCHEDULED else None

    @property
    def warranty(self) -> dict[str, Any]:
        covered = {"parts_covered": self.parts_covered, "labour_covered": self.labour_covered}
        return {"status": self.warranty_status, **covered}

    def require(self, allowed: Iterable[str], action: str) -> None:
        """409 unless the work order's status admits ``action``."""
        if self.status not in tuple(allowed):
            raise refusal(action, self.id, self.status)

    def visit_in(self, status: str, action: str) -> Visit:
        """The current visit, for an ``action`` only a work order in ``status`` admits."""
        self.require((status,), action)
        visit = self.current_visit
        assert visit is not None, "a work order past unscheduled has a visit"
        return visit

    def _record_visit(self, type_: str, visit: Visit, data: dict[str, Any]) -> None:
        """Record an event of one of its visits: every such event names the visit."""
        about = {
            "kind": self.kind,
            "visit_number": visit.number,
            "technician_id": visit.technician_id,
        }
        self.record(type_, about | data)

    def miss(self, visit: Visit, *, at: dt.datetime) -> None:
        """A window ended with no check-in: the visit is missed (counted late) and the work
        order waits for another visit."""
        visit.status = VISIT_MISSED
        visit.missed_at = at
        self.status = UNSCHEDULED
        self._record_visit("visit.missed", visit, visit.window() | {"detected_at": at})

    def miss_if_ended(self, *, at: dt.datetime) -> None:
        """A pending visit whose window has ended is missed before anything else happens."""
        pending = self.pending_visit
        if pending is not None and pending.window_end < at:
            self.miss(pending, at=at)

    def book(
        self,
        technician: Technician,
        *,
        auto: bool,
        window: tuple[dt.datetime, dt.datetime],
        appointment: dict[str, Any],
        at: dt.datetime,
    ) -> Visit:
        """Book a new visit, or move the pending one, with a technician and a window agreed
        with the customer; a move the customer asked for is judged by its new window."""
        start, end = window
        by_customer = appointment["requested_by"] == "customer"
        visit = self.pending_visit
        if visit is None:
            self.visit_count += 1
            visit = Visit(
                id=uuid.uuid4(), number=self.visit_count, status=VISIT_SCHEDULED, deadline=end
            )
            self.visits.append(visit)
        else:
            visit.deadline = rescheduled_deadline(visit.deadline, end, by_customer=by_customer)
        visit.agree(appointment)
        visit.technician_id, visit.auto_assigned = technician.id, auto
        visit.window_start, visit.window_end, visit.scheduled_at = start, end, at
        self.technician_id = technician.id
        self.status = SCHEDULED
        data = visit.window() | {
            "technician_kind": technician.kind,
            "auto_assigned": auto,
            "repeat_of": self.repeat_of,
            "scheduled_at": at,
            **visit.appointment(),
        }
        self._record_visit("repair.scheduled", visit, data)
        return visit

    def check_in(
        self, visit: Visit, check_in_in: dict[str, Any], *, work_id: str | None, at: dt.datetime
    ) -> None:
        """The technician arrives: identity (the customer's, and the work ID shown) and
        product checked, punctuality judged. A failed check stops the visit there and the
        work order goes back to scheduling."""
        expected = {"kind": self.kind, "model": self.product_model, "work_id": work_id}
        visit.arrive(check_in_in, expected=expected, at=at)
        self.status = IN_PROGRESS
        data = visit.window() | {
            "arrived_at": visit.arrived_at,
            "on_time": visit.on_time,
            "deadline": visit.deadline,
            "identity_verified": visit.identity_verified,
            "product_verified": visit.product_verified,
            "work_id_shown": visit.work_id_shown,
            "work_id_verified": visit.work_id_verified,
            "symptom_confirmed": visit.symptom_confirmed,
        }
        self._record_visit("technician.arrived", visit, data)
        if not visit.checks_passed:
            self._stop(visit, check_in_in.get("stop_reason"), at=at)

    def _stop(self, visit: Visit, reason: str | None, *, at: dt.datetime) -> None:
        failed = visit.stop(reason)
        self.status = UNSCHEDULED
        data = {"failed_checks": failed, "reason": visit.stop_reason, "stopped_at": at}
        self._record_visit("visit.stopped", visit, data)

    def complete(self, visit: Visit, record_in: dict[str, Any], *, at: dt.datetime) -> None:
        """The repair record of the visit in progress: work, parts, hours, result."""
        visit.record_repair(record_in, at=at)
        self.status = AWAITING_ACCEPTANCE
        data = {
            "result": visit.result,
            "work_performed": visit.work_performed,
            "labour_hours": visit.labour_hours,
            "parts": [p.as_event() for p in visit.parts],
            "started_at": visit.started_at,
            "finished_at": visit.finished_at,
            "warranty": self.warranty,
            "product_model": self.product_model,
            "serial_no": self.serial_no,
            "plan_id": self.plan_id,
        }
        self._record_visit("repair.completed", visit, data)

    def answer(
        self, visit: Visit, answer_in: dict[str, Any], *, at: dt.datetime, escalate_after: int
    ) -> None:
        """The customer accepts and rates the repair, or rejects it: another visit follows,
        or escalation after ``escalate_after`` failed visits on a product defect."""
        visit.respond(answer_in, at=at)
        if visit.accepted:
            self._accept(visit, at=at)
        else:
            self._reject(visit, answer_in["reason"], at=at, escalate_after=escalate_after)

    def _accept(self, visit: Visit, *, at: dt.datetime) -> None:
        visit.status = VISIT_ACCEPTED
        self.status, self.accepted_at, self.closed_at = ACCEPTED, visit.responded_at, at
        first_time_fix = not any(v.completed_at for v in self.visits if v is not visit)
        data = {
            "rating": visit.rating,
            "first_time_fix": first_time_fix,
            "repeat_of": self.repeat_of,
            "serial_no": self.serial_no,
            "accepted_at": visit.responded_at,
            **visit.answer_confirmation(),
        }
        self._record_visit("repair.accepted", visit, data | self.customer_contact())

    def _reject(self, visit: Visit, reason: str, *, at: dt.datetime, escalate_after: int) -> None:
        visit.status = VISIT_REJECTED
        visit.rejection_reason = reason
        self.status = UNSCHEDULED
        data = {
            "rating": visit.rating,
            "reason": reason,
            "rejected_at": visit.responded_at,
            **visit.answer_confirmation(),
        }
        self._record_visit("repair.rejected", visit, data)
        failed = sum(1 for v in self.visits if v.status == VISIT_REJECTED)
        if escalates(self.kind, self.nature, failed, escalate_after):
            self._escalate(visit, failed, at=at)

    def _escalate(self, visit: Visit, failed_visits: int, *, at: dt.datetime) -> None:
        self.status, self.closed_at = ESCALATED, at
        self.escalated_to = escalation_target(self.warranty_status)
        data = {
            "escalated_to": self.escalated_to,
            "failed_visits": failed_visits,
            "nature": self.nature,
            "product_model": self.product_model,
            "serial_no": self.serial_no,
            "warranty": self.warranty,
            "escalated_at": at,
            "customer_name": self.customer_name,
            "customer_phone": self.customer_phone,
        }
        self._record_visit("repair.escalated", visit, data)

    def record_follow_up(
        self, follow_up_in: dict[str, Any], *, by: str, at: dt.datetime
    ) -> FollowUp:
        """A later call to the customer about the finished work: satisfaction, remarks."""
        self.require(FINAL, "record a follow-up before the work order is finished")
        follow_up = FollowUp(
            id=uuid.uuid4(),
            satisfaction=follow_up_in["satisfaction"],
            remarks=follow_up_in["remarks"],
            recorded_at=at,
            recorded_by=by,
        )
        self.follow_ups.append(follow_up)
        data = {
            "technician_id": self.technician_id,
            "satisfaction": follow_up.satisfaction,
            "remarks": follow_up.remarks,
            "recorded_at": at,
        }
        self.record("followup.recorded", data)
        return follow_up
