"""Factories for complaints' unit tests: the fake unit of work on a fixed clock, principals,
and the inputs the routes would pass (already loaded by the REST schemas)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from services.complaints import use_cases
from services.complaints.events import PUBLISHES
from services.complaints.models import Complaint
from services.complaints.repositories import FakeComplaintsUnitOfWork
from shared.auth import Principal
from shared.clock import FixedClock
from shared.config import Settings

# Monday 2 November 2026, 09:00 in Shanghai.
MONDAY_9 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
AGENT = Principal("agent-1", frozenset({"agent"}))
ENGINEER = Principal("eng-1", frozenset({"engineer"}))
MANAGER = Principal("boss", frozenset({"manager"}))
NORTH_AGENT = Principal("agent-n", frozenset({"agent"}), region="north")
NORTH_ENGINEER = Principal("eng-n", frozenset({"engineer"}), region="north")


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)  # type: ignore[misc]


def make_uow(at: dt.datetime = MONDAY_9, **options: str) -> FakeComplaintsUnitOfWork:
    """A fake unit of work at ``at``, with these service options."""
    settings = Settings(service="complaints", database_url="sqlite://", extra=dict(options))
    return FakeComplaintsUnitOfWork(PUBLISHES, clock=FixedClock(at), settings=settings)


def clock_of(uow: FakeComplaintsUnitOfWork) -> FixedClock:
    assert isinstance(uow.clock, FixedClock)
    return uow.clock


def complaint_in(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "hotline",
        "category": "repair_quality",
        "severity": "medium",
        "subject": "the repainted pipe is blistering again",
        "description": "blisters along the weld seam two weeks after the repair",
        "region": "east",
        "complainant": {"name": "Li Wei", "phone": "+86 138 0000 0000", "language": "zh"},
    }
    return body | changes


def investigation_in(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "findings": "primer skipped on the weld seam",
        "responsibility": "partner",
        "partner": "Hangzhou Coatings Workshop",
        "root_cause": "technician skipped primer",
    }
    return body | changes


def evidence_in(content: bytes | None = b"photo-bytes", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "photo",
        "reference": "IMG_0042.jpg",
        "sha256": hashlib.sha256(content or b"archived").hexdigest(),
    }
    if content is not None:
        body["content"] = content
    return body | changes


def resolution_in(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "measures_taken": "seam stripped and recoated at no charge",
        "reasons": "the primer was skipped; the partner redoes the work",
        "communicated_via": "phone",
        "corrective_measures": [],
    }
    return body | changes


def filed(uow: FakeComplaintsUnitOfWork, **changes: Any) -> Complaint:
    return use_cases.file_complaint(uow, complaint_in=complaint_in(**changes), by=AGENT)


def investigated(uow: FakeComplaintsUnitOfWork, **changes: Any) -> Complaint:
    complaint = filed(uow, **changes)
    return use_cases.investigate_complaint(
        uow, complaint_id=complaint.id, investigation_in=investigation_in(), by=ENGINEER
    )


def resolved(uow: FakeComplaintsUnitOfWork, at: dt.datetime | None = None) -> Complaint:
    complaint = investigated(uow)
    return resolve(uow, complaint.id, at)


def resolve(
    uow: FakeComplaintsUnitOfWork, complaint_id: uuid.UUID, at: dt.datetime | None
) -> Complaint:
    body = resolution_in(**({"resolved_at": at} if at else {}))
    return use_cases.resolve_complaint(
        uow, complaint_id=complaint_id, resolution_in=body, by=ENGINEER
    )


def feedback(
    uow: FakeComplaintsUnitOfWork, complaint_id: uuid.UUID, *, satisfied: bool, rating: int
) -> Complaint:
    body: dict[str, Any] = {"satisfied": satisfied, "rating": rating}
    if not satisfied:
        body["comment"] = "nobody apologised"
    return use_cases.record_feedback(uow, complaint_id=complaint_id, feedback_in=body, by=AGENT)
