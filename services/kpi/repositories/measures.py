"""kpi's aggregate reads on its database (``SqlMeasures``): only aggregates and the few open
items past a deadline, never the history; ``/metrics`` reads through them too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.kpi.domain.attention import Session as HeldSession
from services.kpi.domain.definitions import NO_TECHNICIAN
from services.kpi.models import (
    Backlog,
    Complaint,
    DefinitionVersion,
    MonthlyAggregate,
    Ticket,
    TrainingSession,
    WorkOrder,
)
from services.kpi.repositories.base import Measures, MeasureSums, PerMonthAndRegion


class SqlMeasures(Measures):
    # The table summed: the live aggregates (a closed month's frozen ones: ``closing``).
    model: Any = MonthlyAggregate

    def __init__(self, session: Session) -> None:
        self.session = session

    def sum_measures(
        self,
        *,
        months: Collection[str],
        by: tuple[str, ...] = (),
        region: str | None = None,
        technician: str | None = None,
    ) -> MeasureSums:
        m = self.model
        groups = [m.month, *(getattr(m, name) for name in by)]
        query = (
            select(*groups, m.measure, func.sum(m.count), func.sum(m.hits), func.sum(m.total))
            .where(m.month.in_(sorted(months)))
            .group_by(*groups, m.measure)
        )
        if region is not None:
            query = query.where(m.region == region)
        if technician is not None:
            query = query.where(m.technician == technician)
        if "technician" in by:
            query = query.where(m.technician != NO_TECHNICIAN)
        query = self._only_measures(query)
        result: MeasureSums = {}
        for row in self.session.execute(query):
            *group, measure, count, hits, total = row
            result.setdefault(tuple(group), {})[measure] = (int(count), int(hits), int(total))
        return result

    def _only_measures(self, query: Any) -> Any:
        return query

    def count_past_deadline(
        self, *, months: Collection[str], now: dt.datetime, region: str | None = None
    ) -> tuple[PerMonthAndRegion, PerMonthAndRegion]:
        c, t = Complaint, Ticket
        overdue = self._count_due(c.overdue_month, c.overdue_at, c.region, months, now, region)
        unanswered = self._count_due(
            t.awaiting_month, t.awaiting_response_due, t.region, months, now, region
        )
        return overdue, unanswered

    def _count_due(
        self,
        month_col: Any,
        due_col: Any,
        region_col: Any,
        months: Collection[str],
        now: dt.datetime,
        region: str | None,
    ) -> PerMonthAndRegion:
        query = (
            select(month_col, region_col, func.count())
            .where(month_col.in_(sorted(months)), due_col < now)
            .group_by(month_col, region_col)
        )
        if region is not None:
            query = query.where(region_col == region)
        return {(month, r): int(n) for month, r, n in self.session.execute(query)}

    def backlog(self, *, region: str | None = None) -> dict[tuple[str, str], int]:
        query = select(Backlog.service, Backlog.region, Backlog.open)
        if region is not None:
            query = query.where(Backlog.region == region)
        return {(s, r): int(n) for s, r, n in self.session.execute(query)}

    def definition_versions(self) -> dict[str, int]:
        rows = self.session.execute(select(DefinitionVersion.name, DefinitionVersion.version))
        return {name: int(version) for name, version in rows}

    def completed_work_orders(self, *, month: str, region: str | None) -> list[str]:
        query = select(WorkOrder.work_order_id).where(WorkOrder.completed_month == month)
        if region is not None:
            query = query.where(WorkOrder.region == region)
        return sorted(self.session.scalars(query))

    def trainings_held(self, *, since: dt.datetime, region: str | None = None) -> list[HeldSession]:
        t = TrainingSession
        query = select(t.session_id, t.region, t.held_at, t.topics, t.attendee_ids).where(
            t.held_at >= since
        )
        if region is not None:
            query = query.where(t.region == region)
        rows = self.session.execute(query.order_by(t.session_id))
        return [HeldSession(i, r, at, topics, ids) for i, r, at, topics, ids in rows if at]
