"""Corrective measures: checked done by their owner (or a manager), with what came of them."""

from __future__ import annotations

import uuid
from typing import Any

from services.complaints.models import Measure
from services.complaints.repositories import ComplaintsUnitOfWork
from shared.auth import Principal
from shared.domain import require_visible
from shared.errors import Conflict, InvalidInput, NotFound


def complete_measure(
    uow: ComplaintsUnitOfWork, *, measure_id: uuid.UUID, done_in: dict[str, Any], by: Principal
) -> Measure:
    """Check a corrective measure done; 409 when it already is."""
    absent = f"no corrective measure {measure_id}"
    holder = uow.complaints.measure_holder(measure_id)
    complaint = uow.complaints.get(holder, for_update=True) if holder is not None else None
    if complaint is None:
        raise NotFound(absent)
    require_visible(by, complaint.region, absent)
    measure = next(m for m in complaint.measures if m.id == measure_id)
    if measure.done_at is not None:
        raise Conflict(f"corrective measure {measure_id} is done", errors={"status": ["is done"]})
    done_at = done_in.get("done_at") or max(uow.clock.now(), measure.created_at)
    if done_at < measure.created_at:
        raise InvalidInput(
            "done_at is before the measure was decided",
            errors={"done_at": [f"must not be before {measure.created_at.isoformat()}"]},
        )
    measure.done_at = done_at
    measure.done_by, measure.outcome = by.sub, done_in["outcome"]
    details = {"measure_id": str(measure.id), "outcome": measure.outcome}
    complaint.note("measure_done", at=measure.done_at, actor=by.sub, details=details)
    uow.commit()
    return measure
