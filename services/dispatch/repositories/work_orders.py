"""Work orders, on SQL and in memory, with the same methods.

A work order is loaded for a change with its row locked (``FOR NO KEY UPDATE`` on
PostgreSQL; SQLite serialises writers), so a check-in and the missed-visit sweep never both
judge one visit. The sweep skips work orders another transaction holds (``SKIP LOCKED``) and
claims each visit with a conditional update, so two replicas never miss one visit twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select, update

from services.dispatch.domain import ACCEPTED, FINAL, VISIT_MISSED, VISIT_SCHEDULED
from services.dispatch.models import Visit, WorkOrder
from shared.auth import Principal
from shared.domain import require_visible
from shared.errors import NotFound
from shared.unit_of_work import FakeRepository, SqlRepository


class WorkOrders(ABC):
    """Where work orders are loaded from and added to."""

    @abstractmethod
    def get(self, id_: uuid.UUID, *, for_update: bool = False) -> WorkOrder | None: ...

    @abstractmethod
    def add(self, aggregate: WorkOrder) -> WorkOrder: ...

    def get_for_step(self, work_order_id: uuid.UUID, *, by: Principal) -> WorkOrder:
        """The work order, its row locked for this transaction; 404 outside the caller's
        region."""
        work_order = self.get(work_order_id, for_update=True)
        absent = f"no work order {work_order_id}"
        if work_order is None:
            raise NotFound(absent)
        require_visible(by, work_order.region, absent)
        return work_order

    @abstractmethod
    def opened_by(self, source_event_id: str) -> WorkOrder | None:
        """The work order an event opened, if it was delivered before."""

    @abstractmethod
    def open_for_ticket(self, ticket_id: uuid.UUID) -> WorkOrder | None:
        """A ticket's work order that is not finished yet."""

    @abstractmethod
    def open_for_plan(self, plan_id: uuid.UUID, due_date: dt.date) -> WorkOrder | None:
        """A maintenance plan's unfinished work order for one due date."""

    @abstractmethod
    def last_accepted_repair(self, serial_no: str, *, before: dt.datetime) -> WorkOrder | None:
        """The repair on a serial whose acceptance came last, at or before ``before``."""

    @abstractmethod
    def claim_missed_visits(
        self, *, cutoff: dt.datetime, limit: int
    ) -> Iterator[tuple[WorkOrder, Visit]]:
        """Up to ``limit`` scheduled visits whose window ended before ``cutoff``, oldest end
        first, each claimed (its status set to missed) with its work order locked; visits
        another transaction holds or settled meanwhile are skipped."""

    @abstractmethod
    def claim_reminders(
        self, *, region: str, start: dt.datetime, end: dt.datetime, at: dt.datetime, limit: int
    ) -> Iterator[tuple[WorkOrder, Visit]]:
        """Up to ``limit`` booked visits of ``region`` starting in [start, end) that have had
        no reminder, each claimed (``reminded_at`` set to ``at``) with its work order; visits
        another transaction holds or claimed meanwhile are skipped."""


class SqlWorkOrders(SqlRepository[WorkOrder], WorkOrders):
    model = WorkOrder

    def opened_by(self, source_event_id: str) -> WorkOrder | None:
        return self.first(select(WorkOrder).where(WorkOrder.source_event_id == source_event_id))

    def open_for_ticket(self, ticket_id: uuid.UUID) -> WorkOrder | None:
        return self._open(WorkOrder.ticket_id == ticket_id)

    def open_for_plan(self, plan_id: uuid.UUID, due_date: dt.date) -> WorkOrder | None:
        return self._open(WorkOrder.plan_id == plan_id, WorkOrder.due_date == due_date)

    def _open(self, *conditions: Any) -> WorkOrder | None:
        return self.first(select(WorkOrder).where(*conditions, WorkOrder.status.not_in(FINAL)))

    def last_accepted_repair(self, serial_no: str, *, before: dt.datetime) -> WorkOrder | None:
        return self.first(
            select(WorkOrder)
            .where(
                WorkOrder.serial_no == serial_no,
                WorkOrder.kind == "repair",
                WorkOrder.status == ACCEPTED,
                WorkOrder.accepted_at <= before,
            )
            .order_by(WorkOrder.accepted_at.desc())
        )

    def claim_missed_visits(
        self, *, cutoff: dt.datetime, limit: int
    ) -> Iterator[tuple[WorkOrder, Visit]]:
        candidates = self.session.execute(
            select(Visit.id, Visit.work_order_id)
            .where(Visit.status == VISIT_SCHEDULED, Visit.window_end < cutoff)
            .order_by(Visit.window_end, Visit.id)
            .limit(limit)
        ).all()
        for visit_id, work_order_id in candidates:
            work_order = self._lock_unless_held(work_order_id)
            if work_order is None:
                continue  # another replica or a request is on it right now
            if not self._claim(visit_id, cutoff):
                continue  # settled meanwhile (checked in, or missed by another replica)
            visit = self.session.get(Visit, visit_id, populate_existing=True)
            assert visit is not None and visit.work_order_id == work_order.id
            yield work_order, visit

    def claim_reminders(
        self, *, region: str, start: dt.datetime, end: dt.datetime, at: dt.datetime, limit: int
    ) -> Iterator[tuple[WorkOrder, Visit]]:
        due = (
            Visit.status == VISIT_SCHEDULED,
            Visit.reminded_at.is_(None),
            Visit.window_start >= start,
            Visit.window_start < end,
        )
        candidates = self.session.execute(
            select(Visit.id, Visit.work_order_id)
            .join(WorkOrder, WorkOrder.id == Visit.work_order_id)
            .where(*due, WorkOrder.region == region)
            .order_by(Visit.window_start, Visit.id)
            .limit(limit)
        ).all()
        for visit_id, work_order_id in candidates:
            work_order = self._lock_unless_held(work_order_id)
            if work_order is None:
                continue
            claimed = self.session.execute(
                update(Visit)
                .where(Visit.id == visit_id, *due)
                .values(reminded_at=at)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue  # reminded by another replica, or moved, meanwhile
            visit = self.session.get(Visit, visit_id, populate_existing=True)
            assert visit is not None
            yield work_order, visit

    def _lock_unless_held(self, work_order_id: uuid.UUID) -> WorkOrder | None:
        return self.first(
            select(WorkOrder)
            .where(WorkOrder.id == work_order_id)
            .with_for_update(skip_locked=True, key_share=True)
            .execution_options(populate_existing=True)
        )

    def _claim(self, visit_id: uuid.UUID, cutoff: dt.datetime) -> bool:
        claimed = self.session.execute(
            update(Visit)
            .where(Visit.id == visit_id, Visit.status == VISIT_SCHEDULED, Visit.window_end < cutoff)
            .values(status=VISIT_MISSED)
            .execution_options(synchronize_session=False)
        )
        return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


class FakeWorkOrders(FakeRepository[WorkOrder], WorkOrders):
    def opened_by(self, source_event_id: str) -> WorkOrder | None:
        return self.first(lambda w: w.source_event_id == source_event_id)

    def open_for_ticket(self, ticket_id: uuid.UUID) -> WorkOrder | None:
        return self.first(lambda w: w.ticket_id == ticket_id and w.status not in FINAL)

    def open_for_plan(self, plan_id: uuid.UUID, due_date: dt.date) -> WorkOrder | None:
        return self.first(
            lambda w: w.plan_id == plan_id and w.due_date == due_date and w.status not in FINAL
        )

    def last_accepted_repair(self, serial_no: str, *, before: dt.datetime) -> WorkOrder | None:
        accepted = [
            w
            for w in self.where(lambda w: w.serial_no == serial_no and w.kind == "repair")
            if w.status == ACCEPTED and w.accepted_at is not None and w.accepted_at <= before
        ]
        last = max(accepted, key=lambda w: w.accepted_at or before, default=None)
        return self.uow.track(last) if last is not None else None

    def claim_missed_visits(
        self, *, cutoff: dt.datetime, limit: int
    ) -> Iterator[tuple[WorkOrder, Visit]]:
        due = sorted(
            ((v, w) for w in self.items.values() for v in w.visits if _missable(v, cutoff)),
            key=lambda pair: (pair[0].window_end, pair[0].id),
        )
        for visit, work_order in due[:limit]:
            if _missable(visit, cutoff):
                visit.status = VISIT_MISSED
                yield self.uow.track(work_order), visit

    def claim_reminders(
        self, *, region: str, start: dt.datetime, end: dt.datetime, at: dt.datetime, limit: int
    ) -> Iterator[tuple[WorkOrder, Visit]]:
        due = sorted(
            (
                (v, w)
                for w in self.items.values()
                if w.region == region
                for v in w.visits
                if v.status == VISIT_SCHEDULED
                and v.reminded_at is None
                and start <= v.window_start < end
            ),
            key=lambda pair: (pair[0].window_start, pair[0].id),
        )
        for visit, work_order in due[:limit]:
            visit.reminded_at = at
            yield self.uow.track(work_order), visit


def _missable(visit: Visit, cutoff: dt.datetime) -> bool:
    return visit.status == VISIT_SCHEDULED and visit.window_end < cutoff
