"""Handling a complaint: the investigation and its evidence, the resolution with its
corrective measures, and the complainant's feedback (closing, or reopening and escalating)."""

from __future__ import annotations

import uuid
from typing import Any

from services.complaints import domain
from services.complaints.models import Complaint, Evidence, Measure, Resolution
from services.complaints.repositories import ComplaintsUnitOfWork
from shared.auth import Principal


def investigate_complaint(
    uow: ComplaintsUnitOfWork,
    *,
    complaint_id: uuid.UUID,
    investigation_in: dict[str, Any],
    by: Principal,
) -> Complaint:
    """Record the findings, responsibility and root cause (``complaint.investigated``)."""
    complaint = uow.complaints.get_for_step(complaint_id, by=by)
    complaint.require(domain.IN_HANDS, "an investigation")
    now = uow.clock.now()
    at = complaint.step_time(
        investigation_in.get("investigated_at"), now=now, field="investigated_at"
    )
    complaint.investigate(investigation_in, at=at, by=by.sub)
    uow.commit()
    return complaint


def add_evidence(
    uow: ComplaintsUnitOfWork,
    *,
    complaint_id: uuid.UUID,
    evidence_in: dict[str, Any],
    by: Principal,
) -> Evidence:
    """Attach an evidence item; uploaded content must match its declared SHA-256."""
    complaint = uow.complaints.get_for_step(complaint_id, by=by)
    complaint.require(domain.IN_HANDS, "adding evidence")
    content: bytes | None = evidence_in.get("content")
    verified = domain.verify_checksum(content, evidence_in["sha256"])
    item = Evidence(
        id=uuid.uuid4(),
        kind=evidence_in["kind"],
        reference=evidence_in["reference"],
        sha256=evidence_in["sha256"].lower(),
        size_bytes=len(content) if content is not None else None,
        verified=verified,
        content=content,
        description=evidence_in.get("description"),
        added_by=by.sub,
        added_at=complaint.step_time(None, now=uow.clock.now(), field="added_at"),
    )
    complaint.add_evidence(item)
    uow.commit()
    return item


def resolve_complaint(
    uow: ComplaintsUnitOfWork,
    *,
    complaint_id: uuid.UUID,
    resolution_in: dict[str, Any],
    by: Principal,
) -> Complaint:
    """Measures taken, communicated with the reasons; corrective measures to follow up
    (``complaint.resolved``, judged against the deadline)."""
    complaint = uow.complaints.get_for_step(complaint_id, by=by)
    complaint.require(domain.RESOLVABLE, "a resolution")
    now = uow.clock.now()
    at = complaint.step_time(resolution_in.get("resolved_at"), now=now, field="resolved_at")
    resolution = Resolution(
        id=uuid.uuid4(),
        measures_taken=resolution_in["measures_taken"],
        reasons=resolution_in["reasons"],
        communicated_via=resolution_in["communicated_via"],
        resolved_by=by.sub,
        resolved_at=at,
    )
    measures = [
        Measure(
            id=uuid.uuid4(),
            region=complaint.region,
            description=m["description"],
            owner=m["owner"],
            due_on=m["due_on"],
            created_at=now,
        )
        for m in resolution_in["corrective_measures"]
    ]
    complaint.resolve(resolution, measures)
    uow.commit()
    return complaint


def record_feedback(
    uow: ComplaintsUnitOfWork,
    *,
    complaint_id: uuid.UUID,
    feedback_in: dict[str, Any],
    by: Principal,
) -> Complaint:
    """The complainant's answer: satisfied closes the complaint (``complaint.closed``); not
    satisfied reopens it with the next owner up its chain (``complaint.reopened``)."""
    complaint = uow.complaints.get_for_step(complaint_id, by=by)
    complaint.require(domain.ANSWERABLE, "feedback")
    at = complaint.step_time(feedback_in.get("given_at"), now=uow.clock.now(), field="given_at")
    resolution = complaint.answer(feedback_in, at=at, by=by.sub)
    if feedback_in["satisfied"]:
        complaint.close(resolution, at=at)
    else:
        chain = uow.routing().chain(complaint.category, complaint.region)
        owner, level = domain.escalation(chain, complaint.escalation_level)
        complaint.reopen(resolution, owner, level, at=at, by=by.sub)
    uow.commit()
    return complaint
