"""Dispatch's copy of staff qualifications, on SQL and in memory, with the same methods."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from typing import Any

from sqlalchemy import or_, select

from services.dispatch.domain.qualifications import latest, supersedes
from services.dispatch.models import Qualification, Technician
from shared.unit_of_work import SqlUnitOfWork


class Qualifications(ABC):
    """Per person and skill, the latest passing record."""

    @abstractmethod
    def get(self, person_id: str, skill: str, *, for_update: bool = False) -> Qualification | None:
        """The current record of one person in one skill."""

    @abstractmethod
    def add(self, qualification: Qualification) -> None: ...

    @abstractmethod
    def of(self, person_ids: list[str], skill: str | None = None) -> list[Qualification]:
        """The current records of these person ids (in one skill, if given)."""

    def keep(self, candidate: Qualification) -> bool:
        """Keep a passing record unless a later one is kept already; whether it was."""
        current = self.get(candidate.person_id, candidate.skill, for_update=True)
        if not supersedes(candidate, current):
            return False
        if current is None:
            self.add(candidate)
            return True
        for name in ("record_id", "course", "taken_on", "valid_until", "recorded_at"):
            setattr(current, name, getattr(candidate, name))
        return True

    def current(self, person_ids: list[str], skill: str) -> Qualification | None:
        """A technician's current record in a skill, across their person ids."""
        found = latest(self.of(person_ids, skill))
        assert found is None or isinstance(found, Qualification)
        return found


class SqlQualifications(Qualifications):
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.session = uow.session

    def get(self, person_id: str, skill: str, *, for_update: bool = False) -> Qualification | None:
        return self.session.get(
            Qualification, (person_id, skill), with_for_update=True if for_update else None
        )

    def add(self, qualification: Qualification) -> None:
        self.session.add(qualification)
        self.session.flush()

    def of(self, person_ids: list[str], skill: str | None = None) -> list[Qualification]:
        query = select(Qualification).where(Qualification.person_id.in_(person_ids))
        if skill is not None:
            query = query.where(Qualification.skill == skill)
        return list(self.session.scalars(query.order_by(Qualification.skill)))


class FakeQualifications(Qualifications):
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Qualification] = {}

    def get(self, person_id: str, skill: str, *, for_update: bool = False) -> Qualification | None:
        return self.items.get((person_id, skill))

    def add(self, qualification: Qualification) -> None:
        self.items[(qualification.person_id, qualification.skill)] = qualification

    def of(self, person_ids: list[str], skill: str | None = None) -> list[Qualification]:
        found = [q for (p, s), q in self.items.items() if p in person_ids]
        return sorted(
            (q for q in found if skill is None or q.skill == skill), key=lambda q: q.skill
        )


def valid_clause(skill: str, on: dt.date) -> Any:
    """SQL: the technician's current record in ``skill`` (under their login or work ID) is
    valid on ``on``."""
    current = (
        select(Qualification.valid_until)
        .where(
            Qualification.skill == skill,
            or_(
                Qualification.person_id == Technician.user_sub,
                Qualification.person_id == Technician.work_id,
            ),
        )
        .order_by(
            Qualification.taken_on.desc(),
            Qualification.recorded_at.desc(),
            Qualification.record_id.desc(),
        )
        .limit(1)
        .correlate(Technician)
        .scalar_subquery()
    )
    return current >= on
