"""Closed months in memory, over ``KpiTables``, for unit tests of the use cases. The
corrections live batches record are the database's business (``closing``); here they are
rows a test puts in the tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from services.kpi.domain.definitions import NO_TECHNICIAN
from services.kpi.models import (
    OVERDUE_COMPLAINTS,
    UNANSWERED_TICKETS,
    ClosedMonth,
    Correction,
    FrozenMeasure,
)
from services.kpi.repositories.base import Closing, Measures, PerMonthAndRegion
from services.kpi.repositories.fake import FakeMeasures, KpiTables
from shared.domain import Page, Window

PAST_DEADLINE = (OVERDUE_COMPLAINTS, UNANSWERED_TICKETS)


class FakeFrozenMeasures(FakeMeasures):
    def rows(self) -> list[Any]:
        return [row for row in self.tables.frozen if row.measure not in PAST_DEADLINE]

    def count_past_deadline(
        self, *, months: Collection[str], now: dt.datetime, region: str | None = None
    ) -> tuple[PerMonthAndRegion, PerMonthAndRegion]:
        found: dict[str, PerMonthAndRegion] = {name: {} for name in PAST_DEADLINE}
        for row in self.tables.frozen:
            wanted = row.month in months and region in (None, row.region)
            if row.measure in PAST_DEADLINE and wanted:
                found[row.measure][row.month, row.region] = row.count
        return found[OVERDUE_COMPLAINTS], found[UNANSWERED_TICKETS]

    def backlog(self, *, region: str | None = None) -> dict[tuple[str, str], int]:
        return {}


class FakeClosing(Closing):
    def __init__(self, tables: KpiTables) -> None:
        self.tables = tables
        self.reconciled = 0

    def earliest_month(self) -> str | None:
        return min((row.month for row in self.tables.monthly), default=None)

    def closed(self, months: Collection[str]) -> dict[str, ClosedMonth]:
        return {row.month: row for row in self.tables.closed_months if row.month in months}

    def claim(self, record: ClosedMonth) -> bool:
        if self.closed([record.month]):
            return False
        self.tables.closed_months.append(record)
        return True

    def freeze(self, month: str, *, now: dt.datetime) -> None:
        columns = ("region", "technician", "measure", "count", "hits", "total")
        for row in self.tables.monthly:
            if row.month == month:
                values = {name: getattr(row, name) for name in columns}
                self.tables.frozen.append(FrozenMeasure(month=month, **values))
        overdue, unanswered = FakeMeasures(self.tables).count_past_deadline(months=[month], now=now)
        for name, found in ((OVERDUE_COMPLAINTS, overdue), (UNANSWERED_TICKETS, unanswered)):
            for (_, region), n in sorted(found.items()):
                self.tables.frozen.append(
                    FrozenMeasure(
                        month=month,
                        region=region,
                        technician=NO_TECHNICIAN,
                        measure=name,
                        count=n,
                        hits=0,
                        total=0,
                    )
                )

    def add_scorecard(self, month: str, *, by: str, scope: str, rows: list[dict[str, Any]]) -> None:
        self.tables.frozen_scorecards[month, by, scope] = [dict(r) for r in rows]

    def scorecard(self, month: str, *, by: str, scope: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.tables.frozen_scorecards.get((month, by, scope), [])]

    def frozen(self) -> Measures:
        return FakeFrozenMeasures(self.tables)

    def corrections(
        self, *, month: str, region: str | None, window: Window | None = None
    ) -> Page[Correction]:
        found = [
            c for c in self.tables.corrections if c.month == month and region in (None, c.region)
        ]
        window = window or Window(0, 1000)
        return Page(found[window.offset : window.offset + window.limit], len(found))

    def reconcile(self, *, now: dt.datetime) -> int:
        self.reconciled += 1
        return 0
