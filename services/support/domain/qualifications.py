"""Staff qualifications: training and exam records per person, the current qualification per
person and skill (the latest passing record's validity), and which expire soon. A skill
counts for automatic assignment only while its current qualification is valid (dispatch
decides that from ``qualification.recorded``)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from shared.errors import InvalidInput

RECORD_KINDS = ("training", "exam")
DEFAULT_VALIDITY_MONTHS = 24


class RecordLike(Protocol):
    id: Any
    person_id: str
    person_name: str
    region: str
    skill: str
    taken_on: dt.date
    passed: bool
    valid_until: dt.date | None
    recorded_at: dt.datetime


@dataclass(frozen=True)
class Standing:
    """A person's current qualification in one skill."""

    person_id: str
    person_name: str
    region: str
    skill: str
    valid_until: dt.date
    record_id: Any
    taken_on: dt.date


def default_valid_until(taken_on: dt.date, months: int = DEFAULT_VALIDITY_MONTHS) -> dt.date:
    """``months`` after the record's date (the last day of the month when it is shorter)."""
    month_index = taken_on.month - 1 + months
    year, month = taken_on.year + month_index // 12, month_index % 12 + 1
    day = min(taken_on.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def require_validity(*, passed: bool, taken_on: dt.date, valid_until: dt.date | None) -> None:
    """A validity belongs to a pass only, and ends after the record's date (422 naming it)."""
    if valid_until is None:
        return
    if not passed:
        raise InvalidInput(
            "a record that did not pass qualifies for nothing",
            errors={"valid_until": ["only a passing record has a validity"]},
        )
    if valid_until <= taken_on:
        raise InvalidInput(
            "the validity must end after the record's date",
            errors={"valid_until": ["must be after taken_on"]},
        )


def current_standings(records: Iterable[RecordLike]) -> list[Standing]:
    """Per person and skill, the latest passing record (by its date, then when recorded)."""
    latest: dict[tuple[str, str], RecordLike] = {}
    for record in records:
        if not record.passed or record.valid_until is None:
            continue
        key = (record.person_id, record.skill)
        found = latest.get(key)
        if found is None or (record.taken_on, record.recorded_at) > (
            found.taken_on,
            found.recorded_at,
        ):
            latest[key] = record
    return [
        Standing(r.person_id, r.person_name, r.region, r.skill, r.valid_until, r.id, r.taken_on)
        for r in latest.values()
        if r.valid_until is not None
    ]


def is_valid(valid_until: dt.date, today: dt.date) -> bool:
    """Valid through the last day of its validity."""
    return today <= valid_until


def expiring(standings: Iterable[Standing], *, today: dt.date, within_days: int) -> list[Standing]:
    """Still valid today and ending within ``within_days`` (its last valid day at most that
    many days away), soonest first."""
    horizon = today + dt.timedelta(days=within_days)
    found = [s for s in standings if today <= s.valid_until <= horizon]
    return sorted(found, key=lambda s: (s.valid_until, s.person_id, s.skill))
