"""kpi's repositories on its database, and ``SqlKpiUnitOfWork``, the unit of work the kit
builds for kpi's web requests and consumer batches.

The aggregate reads (``SqlMeasures``) touch only aggregates and the few open items past a
deadline, never the history; ``/metrics`` reads through them too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from sqlalchemy import delete, func, insert, select, tuple_
from sqlalchemy.orm import Session

from services.kpi.domain.definitions import NO_TECHNICIAN
from services.kpi.models import (
    DERIVED_TABLES,
    SPOT_CHECK_COLUMNS,
    ArchivedEvent,
    Backlog,
    Complaint,
    DefinitionVersion,
    MonthlyAggregate,
    SpotCheck,
    Ticket,
    WorkOrder,
)
from services.kpi.repositories.base import (
    Archive,
    ArchivedRow,
    FactTables,
    KpiUnitOfWork,
    Measures,
    MeasureSums,
    PerMonthAndRegion,
    SpotChecks,
)
from services.kpi.repositories.batch import KpiBatch, take_apply_lock
from shared.unit_of_work import SqlUnitOfWork


class SqlMeasures(Measures):
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
        m = MonthlyAggregate
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
        result: MeasureSums = {}
        for row in self.session.execute(query):
            *group, measure, count, hits, total = row
            result.setdefault(tuple(group), {})[measure] = (int(count), int(hits), int(total))
        return result

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


class SqlSpotChecks(SpotChecks):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, spot_check: SpotCheck) -> SpotCheck:
        self.session.add(spot_check)
        return spot_check

    def work_order_details(self, ids: Collection[str]) -> dict[str, dict[str, Any]]:
        columns = [WorkOrder.__table__.c[name] for name in SPOT_CHECK_COLUMNS]
        query = select(*columns).where(WorkOrder.work_order_id.in_(list(ids)))
        return {row["work_order_id"]: dict(row) for row in self.session.execute(query).mappings()}


class SqlArchive(Archive):
    def __init__(self, session: Session) -> None:
        self.session = session

    def chunks(self, size: int) -> Iterator[list[ArchivedRow]]:
        # Keyset pagination: each chunk is read after the previous one was replayed.
        archive, after = ArchivedEvent, None
        while True:
            query = (
                select(archive.occurred_at, archive.event_id, archive.applied_at, archive.envelope)
                .order_by(archive.occurred_at, archive.event_id)
                .limit(size)
            )
            if after is not None:
                query = query.where(tuple_(archive.occurred_at, archive.event_id) > after)
            rows = self.session.execute(query).all()
            if not rows:
                return
            yield [ArchivedRow(event_id, at, envelope) for _, event_id, at, envelope in rows]
            after = (rows[-1][0], rows[-1][1])


class SqlFactTables(FactTables):
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow
        self.session = uow.session

    def clear(self) -> None:
        # The apply lock first: live batches wait for the rebuild's commit.
        take_apply_lock(self.session)
        for model in DERIVED_TABLES:
            self.session.execute(delete(model))

    def replay(self, applied_at: Mapping[str, dt.datetime]) -> KpiBatch:
        return KpiBatch(self.uow, replayed=applied_at)

    def record_definitions(self, versions: Mapping[str, int], *, at: dt.datetime) -> None:
        self.session.execute(delete(DefinitionVersion))
        self.session.execute(
            insert(DefinitionVersion),
            [{"name": n, "version": v, "built_at": at} for n, v in versions.items()],
        )


class SqlKpiUnitOfWork(SqlUnitOfWork, KpiUnitOfWork):
    """kpi's unit of work on one database transaction."""

    def _open_repositories(self) -> None:
        self.measures = SqlMeasures(self.session)
        self.spot_checks = SqlSpotChecks(self.session)
        self.archive = SqlArchive(self.session)
        self.facts = SqlFactTables(self)
