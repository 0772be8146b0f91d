"""Plans and records, on SQL and in memory.

The scheduler walks the plans with something to do (``next_run_on`` reached), each locked
for its transaction; on PostgreSQL a plan another replica holds is skipped (``SKIP LOCKED``),
SQLite serialises writers. Each notice or visit is then claimed by inserting its occurrence
(``plan, due date, kind``: the primary key) ignoring conflicts: only the transaction whose
insert took the row announces it, so a rerun, a late run or two replicas announce it once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator

from sqlalchemy import select

from services.maintenance.models import Occurrence, Plan, Record
from shared.auth import Principal
from shared.db import insert_ignoring_conflicts
from shared.domain import require_visible
from shared.errors import NotFound
from shared.unit_of_work import FakeRepository, SqlRepository, UnitOfWork


class Plans(ABC):
    """Where plans are loaded from and added to, and their occurrences claimed."""

    @abstractmethod
    def get(self, id_: uuid.UUID, *, for_update: bool = False) -> Plan | None: ...

    @abstractmethod
    def add(self, aggregate: Plan) -> Plan: ...

    def get_for_step(self, plan_id: uuid.UUID, *, by: Principal) -> Plan:
        """The plan, locked for this transaction; 404 if unknown or outside the caller's
        region."""
        plan = self.get(plan_id, for_update=True)
        absent = f"no plan {plan_id}"
        if plan is None:
            raise NotFound(absent)
        require_visible(by, plan.region, absent)
        return plan

    @abstractmethod
    def due(self, *, on_or_before: dt.date, after: uuid.UUID | None, limit: int) -> Iterator[Plan]:
        """Up to ``limit`` plans (by id, after ``after``) whose next run is on or before the
        day, each locked; plans another transaction holds are skipped."""

    @abstractmethod
    def claim(self, plan: Plan, due_date: dt.date, kind: str, *, at: dt.datetime) -> bool:
        """Take the occurrence for this transaction; False if it was announced already."""

    @abstractmethod
    def of_asset(self, asset_id: uuid.UUID) -> list[Plan]:
        """An asset's plans, locked for this transaction."""


class SqlPlans(SqlRepository[Plan], Plans):
    model = Plan

    def get(self, id_: uuid.UUID, *, for_update: bool = False) -> Plan | None:
        query = select(Plan).where(Plan.id == id_)
        if for_update:  # the plan's row only, not its asset's
            query = query.with_for_update(key_share=True, of=Plan).execution_options(
                populate_existing=True
            )
        return self.first(query)

    def due(self, *, on_or_before: dt.date, after: uuid.UUID | None, limit: int) -> Iterator[Plan]:
        query = select(Plan.id).where(Plan.next_run_on <= on_or_before)
        if after is not None:
            query = query.where(Plan.id > after)
        for plan_id in self.session.scalars(query.order_by(Plan.id).limit(limit)).all():
            plan = self.first(
                select(Plan)
                .where(Plan.id == plan_id)
                .with_for_update(skip_locked=True, key_share=True, of=Plan)
                .execution_options(populate_existing=True)
            )
            if plan is not None:
                yield plan

    def claim(self, plan: Plan, due_date: dt.date, kind: str, *, at: dt.datetime) -> bool:
        statement = insert_ignoring_conflicts(
            self.session, Occurrence.__table__, ["plan_id", "due_date", "kind"]
        )
        row = {
            "plan_id": plan.id,
            "due_date": due_date,
            "kind": kind,
            "region": plan.region,
            "announced_at": at,
        }
        # RETURNING says whether this insert took the row (rowcount is -1 on psycopg).
        taken = self.session.execute(statement.returning(Occurrence.__table__.c.kind), row)
        return taken.first() is not None

    def of_asset(self, asset_id: uuid.UUID) -> list[Plan]:
        query = select(Plan).where(Plan.asset_id == asset_id).order_by(Plan.created_at, Plan.id)
        found = self.session.scalars(query.with_for_update(key_share=True, of=Plan)).all()
        return [self.uow.track(p) for p in found]


class FakePlans(FakeRepository[Plan], Plans):
    def __init__(self, uow: UnitOfWork, items: Iterable[Plan] = ()) -> None:
        super().__init__(uow, items)
        self.occurrences: dict[tuple[uuid.UUID, dt.date, str], dt.datetime] = {}

    def due(self, *, on_or_before: dt.date, after: uuid.UUID | None, limit: int) -> Iterator[Plan]:
        found = sorted(
            (
                p
                for p in self.items.values()
                if p.next_run_on is not None and p.next_run_on <= on_or_before
            ),
            key=lambda p: p.id,
        )
        for plan in [p for p in found if after is None or p.id > after][:limit]:
            yield self.uow.track(plan)

    def claim(self, plan: Plan, due_date: dt.date, kind: str, *, at: dt.datetime) -> bool:
        key = (plan.id, due_date, kind)
        if key in self.occurrences:
            return False
        self.occurrences[key] = at
        return True

    def of_asset(self, asset_id: uuid.UUID) -> list[Plan]:
        return [self.uow.track(p) for p in self.where(lambda p: p.asset_id == asset_id)]


class Records(ABC):
    """Where visit records are kept."""

    @abstractmethod
    def add(self, aggregate: Record) -> Record: ...


class SqlRecords(SqlRepository[Record], Records):
    model = Record


class FakeRecords(FakeRepository[Record], Records):
    pass
