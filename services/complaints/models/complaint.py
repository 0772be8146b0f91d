"""The complaint aggregate: each step changes the complaint, writes its timeline and records
the event it causes (``complaint.filed``, ``complaint.investigated``, ...), each carrying the
deadline the complaint is judged by."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.complaints import domain
from services.complaints.domain import Owner
from services.complaints.models.base import Base
from services.complaints.models.parts import Evidence, Measure, Pause, Resolution, TimelineEntry
from shared.db import UTCDateTime
from shared.domain import Aggregate
from shared.notices.recipient import Recipient


class Complaint(Base, Aggregate):
    """A customer's complaint, from filing to closing."""

    __tablename__ = "complaints"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    region: Mapped[str] = mapped_column(String(50), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(50), index=True)
    severity: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    complainant_name: Mapped[str] = mapped_column(String(200))
    complainant_phone: Mapped[str | None] = mapped_column(String(50))
    complainant_email: Mapped[str | None] = mapped_column(String(200))
    complainant_language: Mapped[str] = mapped_column(String(5))
    complainant_key: Mapped[str] = mapped_column(String(40), index=True)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    work_order_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    handling_hours: Mapped[float] = mapped_column(Float)
    deadline_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    handling_notice: Mapped[str] = mapped_column(Text)
    owner_department: Mapped[str] = mapped_column(String(100))
    owner_person: Mapped[str] = mapped_column(String(200), index=True)
    escalation_level: Mapped[int] = mapped_column(Integer)
    findings: Mapped[str | None] = mapped_column(Text)
    responsibility: Mapped[str | None] = mapped_column(String(20))
    root_cause: Mapped[str | None] = mapped_column(String(200))
    partner: Mapped[str | None] = mapped_column(String(200))
    investigated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    investigated_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Per-aggregate sequence carried on every event of this complaint.
    version: Mapped[int] = mapped_column(Integer)

    evidence: Mapped[list[Evidence]] = relationship(order_by="Evidence.number", lazy="selectin")
    resolutions: Mapped[list[Resolution]] = relationship(
        order_by="Resolution.round", lazy="selectin"
    )
    measures: Mapped[list[Measure]] = relationship(
        order_by="(Measure.round, Measure.due_on, Measure.created_at)", lazy="selectin"
    )
    pauses: Mapped[list[Pause]] = relationship(order_by="Pause.started_at", lazy="selectin")
    timeline: Mapped[list[TimelineEntry]] = relationship(
        order_by="(TimelineEntry.at, TimelineEntry.id)", lazy="selectin"
    )

    def event_identity(self) -> dict[str, Any]:
        """Every event names the complaint and the deadline it is judged by."""
        return {"complaint_id": self.id, "deadline_at": self.deadline_at}

    @property
    def latest_resolution(self) -> Resolution | None:
        return self.resolutions[-1] if self.resolutions else None

    @property
    def within_deadline(self) -> bool | None:
        """Whether the standing resolution came by the deadline (None while there is none:
        before the first, and once the complainant rejected the latest)."""
        latest = self.latest_resolution
        standing = latest is not None and self.status in (domain.RESOLVED, domain.CLOSED)
        return latest.within_deadline if standing and latest is not None else None

    @property
    def rating(self) -> int | None:
        latest = self.latest_resolution
        return latest.rating if latest is not None else None

    @property
    def open_pause(self) -> Pause | None:
        return self.pauses[-1] if self.pauses and self.pauses[-1].ended_at is None else None

    def intervals_paused(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """The finished stretches spent waiting on the complainant."""
        return [(p.started_at, p.ended_at) for p in self.pauses if p.ended_at is not None]

    def require(self, allowed: tuple[str, ...], step: str) -> None:
        domain.require_step(self.id, self.status, allowed, step)

    def step_time(self, given: dt.datetime | None, *, now: dt.datetime, field: str) -> dt.datetime:
        """When a step happened: given (not before the previous step), else now."""
        floor = max((entry.at for entry in self.timeline), default=self.filed_at)
        return domain.step_time(given, now=now, floor=max(floor, self.filed_at), field=field)

    def note(self, kind: str, *, at: dt.datetime, actor: str, details: dict[str, Any]) -> None:
        """Add a step to the timeline."""
        self.timeline.append(TimelineEntry(at=at, kind=kind, actor=actor, details=details))

    def announce(self) -> None:
        """The filing: the timeline's first steps and ``complaint.filed``."""
        self.note(
            "filed",
            at=self.filed_at,
            actor=self.created_by,
            details={"channel": self.channel, "severity": self.severity},
        )
        self.note("routed", at=self.filed_at, actor=self.created_by, details=self._owner())
        self.record(
            "complaint.filed",
            {
                "category": self.category,
                "severity": self.severity,
                "channel": self.channel,
                "complainant_key": self.complainant_key,
                "ticket_id": self.ticket_id,
                "work_order_id": self.work_order_id,
                "filed_at": self.filed_at,
            },
        )

    def notice_recipient(self) -> Recipient:
        """The complainant, told the expected handling time when the complaint is filed."""
        return Recipient(
            name=self.complainant_name,
            email=self.complainant_email,
            phone=self.complainant_phone,
            language=self.complainant_language,
        )

    def notice_details(self) -> dict[str, Any]:
        """The complaint's subject and the handling-time promise, in the complainant's words."""
        details = {"subject": self.subject, "handling_notice": self.handling_notice}
        return details | {"reference": str(self.id)[:8], "deadline_at": self.deadline_at}

    def _owner(self) -> dict[str, Any]:
        return {
            "department": self.owner_department,
            "person": self.owner_person,
            "level": self.escalation_level,
        }

    def assign(self, owner: Owner, *, level: int, reason: str, at: dt.datetime, by: str) -> None:
        """Give the complaint to another owner, with the reason on the timeline."""
        self.require(domain.NOT_CLOSED, "a reassignment")
        self.owner_department, self.owner_person = owner.department, owner.person
        self.escalation_level = level
        self.note("reassigned", at=at, actor=by, details=self._owner() | {"reason": reason})

    def investigate(self, findings_in: dict[str, Any], *, at: dt.datetime, by: str) -> None:
        """The investigation's findings, responsibility and root cause."""
        self.require(domain.IN_HANDS, "an investigation")
        self.findings, self.root_cause = findings_in["findings"], findings_in["root_cause"]
        self.responsibility, self.partner = (
            findings_in["responsibility"],
            findings_in.get("partner"),
        )
        self.investigated_at, self.investigated_by = at, by
        self.status = domain.INVESTIGATED
        details = {"responsibility": self.responsibility, "root_cause": self.root_cause}
        self.note("investigated", at=at, actor=by, details=details)
        self.record(
            "complaint.investigated",
            {**details, "evidence_count": len(self.evidence), "investigated_at": at},
        )

    def add_evidence(self, item: Evidence) -> Evidence:
        """An evidence item, numbered in the order it came."""
        self.require(domain.IN_HANDS, "adding evidence")
        item.number = len(self.evidence) + 1
        self.evidence.append(item)
        details = {"number": item.number, "kind": item.kind, "verified": item.verified}
        self.note("evidence_added", at=item.added_at, actor=item.added_by, details=details)
        return item

    def wait_for_complainant(self, reason: str, *, at: dt.datetime, by: str) -> None:
        """Wait on the complainant: the deadline's clock stops."""
        self.require(domain.IN_HANDS, "waiting on the complainant")
        self.pauses.append(
            Pause(id=uuid.uuid4(), reason=reason, started_at=at, resumed_status=self.status)
        )
        self.status = domain.WAITING
        self.note("waiting", at=at, actor=by, details={"reason": reason})

    def resume(self, *, at: dt.datetime, by: str, deadline_at: dt.datetime) -> None:
        """The complainant answered: the clock runs again, the deadline moved by the pause."""
        pause = self.open_pause
        self.require((domain.WAITING,), "resuming")
        assert pause is not None, "a waiting complaint has an open pause"
        pause.ended_at = at
        self.status, self.deadline_at = pause.resumed_status, deadline_at
        self.note("resumed", at=at, actor=by, details={"deadline_at": deadline_at.isoformat()})

    def resolve(self, resolution: Resolution, measures: list[Measure]) -> None:
        """Measures taken and communicated with the reasons: the next resolution round."""
        self.require(domain.RESOLVABLE, "a resolution")
        at = resolution.resolved_at
        resolution.round = len(self.resolutions) + 1
        resolution.within_deadline = domain.within_deadline(at, self.deadline_at)
        self.resolutions.append(resolution)
        for measure in measures:
            measure.round = resolution.round
            self.measures.append(measure)
        self.status, self.resolved_at = domain.RESOLVED, at
        details = {"round": resolution.round, "within_deadline": resolution.within_deadline}
        self.note("resolved", at=at, actor=resolution.resolved_by, details=details)
        self.record(
            "complaint.resolved",
            {
                "resolution_round": resolution.round,
                "resolved_at": at,
                "within_deadline": resolution.within_deadline,
            },
        )

    def answer(self, feedback_in: dict[str, Any], *, at: dt.datetime, by: str) -> Resolution:
        """The complainant's feedback on the standing resolution (satisfied or not, 1-5)."""
        self.require(domain.ANSWERABLE, "feedback")
        resolution = self.latest_resolution
        assert resolution is not None, "a resolved complaint has a resolution"
        resolution.satisfied, resolution.rating = feedback_in["satisfied"], feedback_in["rating"]
        resolution.comment, resolution.feedback_at = feedback_in.get("comment"), at
        details = {"round": resolution.round, "satisfied": resolution.satisfied}
        self.note("feedback", at=at, actor=by, details=details | {"rating": resolution.rating})
        return resolution

    def close(self, resolution: Resolution, *, at: dt.datetime) -> None:
        """Satisfied: closed, judged on this final resolution against the deadline."""
        self.status, self.closed_at = domain.CLOSED, at
        self.record(
            "complaint.closed",
            {
                "resolution_round": resolution.round,
                "resolved_at": resolution.resolved_at,
                "within_deadline": resolution.within_deadline,
                "satisfied": bool(resolution.satisfied),
                "rating": resolution.rating,
                "closed_at": at,
            },
        )

    def reopen(
        self, resolution: Resolution, owner: Owner, level: int, *, at: dt.datetime, by: str
    ) -> None:
        """Not satisfied: reopened and escalated; the original deadline stays."""
        self.status = domain.REOPENED
        reason = resolution.comment or "the complainant is not satisfied"
        self.assign(owner, level=level, reason=f"escalated: {reason}", at=at, by=by)
        self.record(
            "complaint.reopened",
            {
                "resolution_round": resolution.round,
                "rating": resolution.rating,
                "reason": reason,
                "reopened_at": at,
            },
        )
