"""The ticket aggregate: each step changes the ticket, writes its timeline and records the
event it causes."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.intake import domain
from services.intake.models.base import Base
from services.intake.models.consultation import Consultation
from services.intake.models.steps import Assessment, TimelineEntry
from shared.clock import rfc3339
from shared.db import UTCDateTime
from shared.domain import Aggregate
from shared.notices.recipient import DEFAULT_LANGUAGE


class Ticket(Base, Aggregate):
    """A customer's report or consultation, from registration to closing."""

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
    # zh-CN or en: the language of the customer's notices (null on older tickets: zh-CN).
    customer_language: Mapped[str | None] = mapped_column(String(10))
    product_model: Mapped[str] = mapped_column(String(100))
    serial_no: Mapped[str | None] = mapped_column(String(100), index=True)
    purchase_date: Mapped[dt.date | None] = mapped_column(Date)
    installation_date: Mapped[dt.date | None] = mapped_column(Date)
    symptom: Mapped[str] = mapped_column(Text)
    usage_environment: Mapped[str | None] = mapped_column(String(200))
    # Where the product is installed: where a visit goes.
    site_address: Mapped[str | None] = mapped_column(String(500))
    site_contact_name: Mapped[str | None] = mapped_column(String(200))
    site_contact_phone: Mapped[str | None] = mapped_column(String(50))
    site_latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    site_longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    preferred_time: Mapped[str | None] = mapped_column(String(200))
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
    # A consultation's own record (None for other kinds).
    consultation: Mapped[Consultation | None] = relationship(back_populates="ticket")

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

    def event_identity(self) -> dict[str, Any]:
        return {"ticket_id": self.id}

    @property
    def latest_round(self) -> Assessment | None:
        """The latest assessment round, if any."""
        return self.assessments[-1] if self.assessments else None

    def step_time(self, given: dt.datetime | None, *, now: dt.datetime, field: str) -> dt.datetime:
        """When a step happened: given (not before the previous step), else now."""
        floor = max((entry.at for entry in self.timeline), default=self.reported_at)
        return domain.step_time(given, now=now, floor=max(floor, self.reported_at), field=field)

    def note(self, kind: str, *, at: dt.datetime, actor: str, details: dict[str, Any]) -> None:
        """Add a step to the timeline."""
        self.timeline.append(TimelineEntry(at=at, kind=kind, actor=actor, details=details))

    def set_warranty(self, warranty: domain.WarrantyStatus) -> None:
        """Keep the warranty decision as of the report date."""
        self.warranty_status, self.warranty_reason = warranty.status, warranty.reason
        self.warranty_parts_covered = warranty.parts_covered
        self.warranty_labour_covered = warranty.labour_covered

    def warranty_or_unknown(self) -> dict[str, Any]:
        """The warranty carried on events (unknown for tickets recorded before it was kept)."""
        return self.warranty or dict(domain.UNKNOWN_WARRANTY)

    def announce(self, *, actor: str) -> None:
        """Record the registration: the timeline's first step and ``ticket.created``."""
        due = self.first_response_due_at
        assert due is not None and self.warranty is not None
        self.note(
            "reported",
            at=self.reported_at,
            actor=actor,
            details={
                "channel": self.channel,
                "kind": self.kind,
                "priority": self.priority,
                "warranty": self.warranty_status,
                "first_response_due_at": rfc3339(due),
            },
        )
        self.record(
            "ticket.created",
            {
                "channel": self.channel,
                "kind": self.kind,
                "priority": self.priority,
                "product_model": self.product_model,
                "serial_no": self.serial_no,
                "reported_at": self.reported_at,
                "warranty": self.warranty,
                "first_response_due_at": due,
                "source_event_id": self.source_event_id,
            },
        )

    def assess(self, assessment: Assessment, *, at: dt.datetime) -> None:
        """Take an engineer's assessment as the next round (``ticket.assessed``)."""
        domain.require_step(self.id, self.status, domain.ASSESSABLE, "an assessment")
        previous = self.latest_round
        assessment.round = previous.round + 1 if previous else 1
        self.assessments.append(assessment)
        if self.first_responded_at is None:
            self.first_responded_at = at
        self.status = domain.ASSESSED
        self.note("assessed", at=at, actor=assessment.assessed_by, details=assessment.summary())
        self.record(
            "ticket.assessed",
            {
                **assessment.proposal(),
                "assessed_by": assessment.assessed_by,
                "assessed_at": at,
                "first_response_due_at": self.first_response_due_at,
                "first_response": assessment.round == 1,
            },
        )

    def answer(self, *, accepted: bool, objection: str | None, at: dt.datetime, by: str) -> None:
        """The customer's answer to the proposed solution: accepted, the work goes to
        dispatch (or the ticket is resolved when no visit is needed); rejected, back to
        assessment with the objection kept."""
        domain.require_step(self.id, self.status, domain.ANSWERABLE, "a solution response")
        proposal = self.latest_round
        assert proposal is not None, "an assessed ticket has a round"
        proposal.accepted, proposal.answered_by, proposal.answered_at = accepted, by, at
        if not accepted:
            proposal.objection = objection
            self.status = domain.AWAITING_REASSESSMENT
            details = {"round": proposal.round, "objection": objection}
            self.note("solution_rejected", at=at, actor=by, details=details)
            self.record("ticket.solution_rejected", {**details, "rejected_at": at})
            return
        details = {"round": proposal.round, "visit_needed": proposal.visit_needed}
        self.note("solution_accepted", at=at, actor=by, details=details)
        if not proposal.visit_needed:
            # Nothing for dispatch to do: the accepted solution is the resolution.
            self.resolve(proposal.proposed_solution, at=at, actor=by)
            return
        self.status = domain.AWAITING_REPAIR
        self.record("ticket.solution_accepted", self._accepted_payload(proposal))

    def _accepted_payload(self, proposal: Assessment) -> dict[str, Any]:
        return {
            **proposal.proposal(),
            "kind": self.kind,
            "priority": self.priority,
            "product_model": self.product_model,
            "serial_no": self.serial_no,
            "warranty": self.warranty_or_unknown(),
            "customer_name": self.customer_name,
            "customer_phone": self.customer_phone,
            "customer_email": self.customer_email,
            "customer_language": self.customer_language or DEFAULT_LANGUAGE,
            "ticket_created_at": self.reported_at,
            "accepted_at": proposal.answered_at,
            "symptom": self.symptom,
            "usage_environment": self.usage_environment,
            "site": self.site(),
            "preferred_time": self.preferred_time,
        }

    def site(self) -> dict[str, Any] | None:
        """Where the product is installed, as events carry it (None when not given)."""
        if self.site_address is None:
            return None
        return {
            "address": self.site_address,
            "contact_name": self.site_contact_name,
            "contact_phone": self.site_contact_phone,
            "latitude": self.site_latitude,
            "longitude": self.site_longitude,
        }

    def require_resolvable(self) -> None:
        """409 unless this ticket may be resolved without dispatch."""
        latest = self.latest_round
        visit_needed = bool(latest is not None and latest.visit_needed)
        domain.require_resolvable(self.id, self.kind, self.status, visit_needed)

    def resolve(self, resolution: str, *, at: dt.datetime, actor: str) -> None:
        """Resolve and close (``ticket.resolved``, ``ticket.closed``)."""
        first_response = self.first_responded_at is None
        if first_response:
            self.first_responded_at = at
        self.resolution, self.resolved_at = resolution, at
        self.note("resolved", at=at, actor=actor, details={"resolution": resolution})
        self.record(
            "ticket.resolved",
            {
                "resolution": resolution,
                "resolved_at": at,
                "ticket_created_at": self.reported_at,
                "first_response": first_response,
                "first_response_due_at": self.first_response_due_at,
            },
        )
        self.note("closed", at=at, actor=actor, details={"reason": "resolved"})
        self.close(status=domain.CLOSED, reason="resolved", at=at)

    def close(
        self, *, status: str, reason: str, at: dt.datetime, work_order_id: uuid.UUID | None = None
    ) -> None:
        """Close the ticket (``ticket.closed``)."""
        self.status, self.close_reason, self.closed_at = status, reason, at
        if work_order_id is not None:
            self.work_order_id = work_order_id
        self.record(
            "ticket.closed",
            {
                "reason": reason,
                "work_order_id": self.work_order_id,
                "closed_at": at,
                "ticket_created_at": self.reported_at,
            },
        )
