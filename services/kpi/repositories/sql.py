"""kpi's repositories on its database, and ``SqlKpiUnitOfWork``, the unit of work the kit
builds for kpi's web requests and consumer batches.

The aggregate reads (``SqlMeasures``) touch only aggregates and the few open items past a
deadline, never the history; ``/metrics`` reads through them too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Session

from services.kpi.models import (
    DERIVED_TABLES,
    SPOT_CHECK_COLUMNS,
    ArchivedEvent,
    DefinitionVersion,
    SpotCheck,
    WorkOrder,
)
from services.kpi.repositories.base import (
    Archive,
    ArchivedRow,
    FactTables,
    KpiUnitOfWork,
    SpotChecks,
)
from services.kpi.repositories.batch import KpiBatch
from services.kpi.repositories.closing import SqlClosing
from services.kpi.repositories.lock import take_apply_lock
from services.kpi.repositories.measures import SqlMeasures
from shared.unit_of_work import SqlUnitOfWork


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
        self.closing = SqlClosing(self.session)
        self.spot_checks = SqlSpotChecks(self.session)
        self.archive = SqlArchive(self.session)
        self.facts = SqlFactTables(self)
