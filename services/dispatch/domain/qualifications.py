"""Staff qualifications that gate assignment: which skills need one, which of a person's
passing records is current, and whether it is valid on a day.

Support records each training or exam (``qualification.recorded``); dispatch keeps, per person
and skill, the latest passing record (by the day it was taken, then when it was recorded, then
its id: arrival order never matters). A skill listed in the option ``qualified_skills``
(``AFTERCARE_DISPATCH_QUALIFIED_SKILLS``, comma-separated, ``*`` for every skill) counts for a
technician only while that record's validity has not ended; other skills count as before.
A person is a technician by their login (``user_sub``) or their work ID.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from services.dispatch.domain import normalise
from shared.errors import InvalidInput

EVERY_SKILL = "*"


class RecordLike(Protocol):
    """A passing record as dispatch keeps it."""

    @property
    def taken_on(self) -> dt.date: ...

    @property
    def recorded_at(self) -> dt.datetime: ...

    @property
    def record_id(self) -> str: ...

    @property
    def valid_until(self) -> dt.date: ...


def gated_skills(raw: str) -> frozenset[str]:
    """The skills that need a valid qualification (normalised; ``*`` stands for all)."""
    return frozenset(normalise(part) for part in raw.split(",") if part.strip())


def requires_qualification(skill: str | None, gated: frozenset[str]) -> bool:
    """Whether assigning work that needs ``skill`` asks for a valid qualification in it."""
    return skill is not None and (EVERY_SKILL in gated or normalise(skill) in gated)


def ordering(record: RecordLike) -> tuple[dt.date, dt.datetime, str]:
    """Which record is later: taken later, then recorded later, then by id (a tie-break)."""
    return (record.taken_on, record.recorded_at, record.record_id)


def supersedes(candidate: RecordLike, current: RecordLike | None) -> bool:
    """Whether a passing record replaces the current one (a later pass with a shorter
    validity replaces a longer one; an older pass arriving late never does)."""
    return current is None or ordering(candidate) > ordering(current)


def latest(records: Iterable[RecordLike]) -> RecordLike | None:
    """The current record among a person's (under their login and their work ID)."""
    return max(records, key=ordering, default=None)


def is_valid(valid_until: dt.date | None, today: dt.date) -> bool:
    """Valid through its last valid day."""
    return valid_until is not None and today <= valid_until


def person_ids(user_sub: str | None, work_id: str | None) -> list[str]:
    """The person ids support may know a technician by: their login and their work ID."""
    return [i for i in (user_sub, work_id) if i]


def unqualified(skill: str, valid_until: dt.date | None) -> InvalidInput:
    """The 422 for naming a technician whose qualification in ``skill`` is not valid."""
    why = (
        f"the {skill} qualification expired on {valid_until.isoformat()}"
        if valid_until is not None
        else f"no valid {skill} qualification on record"
    )
    return InvalidInput(
        f"the named technician cannot take this visit: {why}",
        errors={"technician_id": [why]},
    )
