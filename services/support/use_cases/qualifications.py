"""Staff qualifications: a training or exam record per person and skill."""

from __future__ import annotations

import uuid
from typing import Any

from services.support import domain
from services.support.domain.qualifications import DEFAULT_VALIDITY_MONTHS
from services.support.models import QualificationRecord
from services.support.repositories import SupportUnitOfWork
from shared.auth import Principal
from shared.domain import require_region


def record_qualification(
    uow: SupportUnitOfWork, *, record_in: dict[str, Any], by: Principal
) -> QualificationRecord:
    """A training or exam taken (``qualification.recorded``); a pass without a stated
    validity is valid for the configured months (option ``qualification_validity_months``,
    default 24)."""
    require_region(by, record_in["region"])
    passed, taken_on = record_in["passed"], record_in["taken_on"]
    valid_until = record_in.get("valid_until")
    domain.require_validity(passed=passed, taken_on=taken_on, valid_until=valid_until)
    if passed and valid_until is None:
        months = int(uow.option("qualification_validity_months", str(DEFAULT_VALIDITY_MONTHS)))
        valid_until = domain.default_valid_until(taken_on, months)
    record = QualificationRecord(
        id=uuid.uuid4(),
        person_id=record_in["person_id"],
        person_name=record_in["person_name"],
        region=record_in["region"],
        skill=record_in["skill"],
        course=record_in["course"],
        kind=record_in["kind"],
        taken_on=taken_on,
        score=record_in["score"],
        passed=passed,
        valid_until=valid_until,
        recorded_by=by.sub,
        recorded_at=uow.clock.now(),
        version=0,
    )
    uow.qualifications.add(record)
    record.announce()
    uow.commit()
    return record
