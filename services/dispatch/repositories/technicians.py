"""Technicians, on SQL and in memory, with the same methods."""

from __future__ import annotations

import datetime as dt
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from services.dispatch.domain import ASSIGNED, VISIT_SCHEDULED, LoginTaken, WorkIdTaken
from services.dispatch.domain.qualifications import is_valid, person_ids
from services.dispatch.models import Technician, TechnicianSkill, Visit, WorkOrder
from services.dispatch.repositories.qualifications import FakeQualifications, valid_clause
from services.dispatch.repositories.work_orders import FakeWorkOrders
from shared.auth import Principal
from shared.domain import require_visible
from shared.errors import NotFound
from shared.unit_of_work import FakeRepository, SqlRepository, UnitOfWork

# A visit's window: (start, end), aware, UTC.
Window = tuple[dt.datetime, dt.datetime]


class Technicians(ABC):
    """Where technicians are loaded from and added to."""

    @abstractmethod
    def get(self, id_: uuid.UUID, *, for_update: bool = False) -> Technician | None: ...

    @abstractmethod
    def add(self, aggregate: Technician) -> Technician: ...

    def get_for_change(self, technician_id: uuid.UUID, *, by: Principal) -> Technician:
        """The technician, locked for this transaction; 404 outside the caller's region."""
        # NO KEY UPDATE: visits being booked for this technician (FK readers) need not wait.
        technician = self.get(technician_id, for_update=True)
        absent = f"no technician {technician_id}"
        if technician is None:
            raise NotFound(absent)
        require_visible(by, technician.region, absent)
        return technician

    @abstractmethod
    def login_holder(self, user_sub: str) -> uuid.UUID | None:
        """The technician whose login is ``user_sub``, if any."""

    @abstractmethod
    def work_id_holder(self, work_id: str) -> uuid.UUID | None:
        """The technician whose work ID is ``work_id``, if any."""

    @abstractmethod
    def save(self, technician: Technician) -> None:
        """Write the technician now; raises LoginTaken (WorkIdTaken) if another took its
        login (work ID) meanwhile."""

    @abstractmethod
    def least_busy(
        self,
        *,
        region: str,
        skill: str | None,
        excluding: uuid.UUID,
        qualified_on: dt.date | None = None,
        free_between: Window | None = None,
    ) -> Technician | None:
        """The active technician of a region with the skill (if one is needed; with a
        qualification in it valid on ``qualified_on``, if given), with no other visit booked
        in ``free_between``, and the fewest open work orders besides ``excluding``; ties
        broken by name, then id."""

    @abstractmethod
    def booked_between(
        self, technician_id: uuid.UUID, window: Window, *, excluding: uuid.UUID
    ) -> Visit | None:
        """A visit of another work order booked for the technician that overlaps ``window``."""


class SqlTechnicians(SqlRepository[Technician], Technicians):
    model = Technician

    def login_holder(self, user_sub: str) -> uuid.UUID | None:
        return self.session.scalar(select(Technician.id).where(Technician.user_sub == user_sub))

    def work_id_holder(self, work_id: str) -> uuid.UUID | None:
        return self.session.scalar(select(Technician.id).where(Technician.work_id == work_id))

    def save(self, technician: Technician) -> None:
        login = technician.user_sub or ""
        try:
            self.session.flush()
        except IntegrityError as exc:
            if "work_id" in str(exc.orig):
                raise WorkIdTaken(technician.work_id or "") from exc
            raise LoginTaken(login) from exc

    def least_busy(
        self,
        *,
        region: str,
        skill: str | None,
        excluding: uuid.UUID,
        qualified_on: dt.date | None = None,
        free_between: Window | None = None,
    ) -> Technician | None:
        open_work = (
            select(func.count(WorkOrder.id))
            .where(
                WorkOrder.technician_id == Technician.id,
                WorkOrder.status.in_(ASSIGNED),
                WorkOrder.id != excluding,
            )
            .correlate(Technician)
            .scalar_subquery()
        )
        query = select(Technician).where(Technician.region == region, Technician.active.is_(True))
        if skill:
            query = query.where(
                exists().where(
                    TechnicianSkill.technician_id == Technician.id, TechnicianSkill.skill == skill
                )
            )
            if qualified_on is not None:
                query = query.where(valid_clause(skill, qualified_on))
        if free_between is not None:
            query = query.where(
                ~exists().where(*_overlapping(Technician.id, free_between, excluding))
            )
        return self.first(query.order_by(open_work, Technician.name, Technician.id))

    def booked_between(
        self, technician_id: uuid.UUID, window: Window, *, excluding: uuid.UUID
    ) -> Visit | None:
        found = select(Visit).where(*_overlapping(technician_id, window, excluding))
        return self.session.scalars(found.order_by(Visit.window_start).limit(1)).first()


def _overlapping(technician: Any, window: Window, excluding: uuid.UUID) -> tuple[Any, ...]:
    """A booked (not yet visited) visit of the technician, of another work order, whose
    window overlaps ``window`` (windows that only touch do not overlap)."""
    start, end = window
    return (
        Visit.technician_id == technician,
        Visit.status == VISIT_SCHEDULED,
        Visit.work_order_id != excluding,
        Visit.window_start < end,
        Visit.window_end > start,
    )


class FakeTechnicians(FakeRepository[Technician], Technicians):
    def __init__(
        self,
        uow: UnitOfWork,
        work_orders: FakeWorkOrders,
        items: Iterable[Technician] = (),
        qualifications: FakeQualifications | None = None,
    ) -> None:
        super().__init__(uow, items)
        self.work_orders = work_orders
        self.qualifications = qualifications or FakeQualifications()

    def login_holder(self, user_sub: str) -> uuid.UUID | None:
        holder = next(self.where(lambda t: t.user_sub == user_sub), None)
        return holder.id if holder is not None else None

    def work_id_holder(self, work_id: str) -> uuid.UUID | None:
        holder = next(self.where(lambda t: t.work_id == work_id), None)
        return holder.id if holder is not None else None

    def save(self, technician: Technician) -> None:
        others = [t for t in self.items.values() if t is not technician]
        login = technician.user_sub
        if login is not None and any(t.user_sub == login for t in others):
            raise LoginTaken(login)
        if any(t.work_id == technician.work_id for t in others):
            raise WorkIdTaken(technician.work_id or "")

    def least_busy(
        self,
        *,
        region: str,
        skill: str | None,
        excluding: uuid.UUID,
        qualified_on: dt.date | None = None,
        free_between: Window | None = None,
    ) -> Technician | None:
        def free(technician: Technician) -> bool:
            return free_between is None or not self.booked_between(
                technician.id, free_between, excluding=excluding
            )

        def qualified(technician: Technician) -> bool:
            if skill is None or qualified_on is None:
                return True
            ids = person_ids(technician.user_sub, technician.work_id)
            current = self.qualifications.current(ids, skill)
            return is_valid(current.valid_until if current else None, qualified_on)

        def open_work(technician: Technician) -> int:
            return sum(
                1
                for w in self.work_orders.items.values()
                if w.technician_id == technician.id and w.status in ASSIGNED and w.id != excluding
            )

        fitting = self.where(
            lambda t: (
                t.region == region
                and t.active
                and (not skill or skill in t.skills)
                and qualified(t)
                and free(t)
            )
        )
        chosen = min(fitting, key=lambda t: (open_work(t), t.name, t.id), default=None)
        return self.uow.track(chosen) if chosen is not None else None

    def booked_between(
        self, technician_id: uuid.UUID, window: Window, *, excluding: uuid.UUID
    ) -> Visit | None:
        start, end = window
        booked = (
            v
            for w in self.work_orders.items.values()
            if w.id != excluding
            for v in w.visits
            if v.technician_id == technician_id
            and v.status == VISIT_SCHEDULED
            and v.window_start < end
            and v.window_end > start
        )
        return min(booked, key=lambda v: v.window_start, default=None)
