"""Closed months on kpi's database: the claim, the frozen aggregates, and corrections.

A correction is recorded whenever a live figure of a closed month's scope (a region, or a
technician in a region) differs from the last value recorded for it, the frozen one until
a first correction. Live batches look at the scopes their changes touched (and credit the
event that last changed them); a rebuild looks at every scope of every closed month.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from services.kpi.domain import definitions as d
from services.kpi.domain.definitions import NO_TECHNICIAN
from services.kpi.domain.facts import Facts
from services.kpi.domain.report import Sums, figures
from services.kpi.models import (
    OVERDUE_COMPLAINTS,
    UNANSWERED_TICKETS,
    ClosedMonth,
    Correction,
    FrozenMeasure,
    FrozenScorecardRow,
    MonthlyAggregate,
)
from services.kpi.repositories.base import Closing, Measures, PerMonthAndRegion
from services.kpi.repositories.lock import take_apply_lock
from services.kpi.repositories.measures import SqlMeasures
from shared.db import count, insert_ignoring_conflicts
from shared.domain import Page, Window

PAST_DEADLINE = (OVERDUE_COMPLAINTS, UNANSWERED_TICKETS)
# (month, region, technician or "" for the region itself)
Scope = tuple[str, str, str]
Figures = dict[str, tuple[int, int]]
# What changed a scope: (event id, event type), or None for a rebuild.
Cause = tuple[str, str] | None


class SqlFrozenMeasures(SqlMeasures):
    """The frozen aggregates of closed months."""

    model = FrozenMeasure

    def _only_measures(self, query: Any) -> Any:
        return query.where(FrozenMeasure.measure.not_in(PAST_DEADLINE))

    def count_past_deadline(
        self, *, months: Collection[str], now: dt.datetime, region: str | None = None
    ) -> tuple[PerMonthAndRegion, PerMonthAndRegion]:
        f = FrozenMeasure
        query = select(f.measure, f.month, f.region, f.count).where(
            f.month.in_(sorted(months)), f.measure.in_(PAST_DEADLINE)
        )
        if region is not None:
            query = query.where(f.region == region)
        found: dict[str, PerMonthAndRegion] = {name: {} for name in PAST_DEADLINE}
        for measure, month, row_region, n in self.session.execute(query):
            found[measure][month, row_region] = int(n)
        return found[OVERDUE_COMPLAINTS], found[UNANSWERED_TICKETS]

    def backlog(self, *, region: str | None = None) -> dict[tuple[str, str], int]:
        return {}


def scope_figures(
    measures: Measures, scopes: Iterable[Scope], now: dt.datetime
) -> dict[Scope, Figures]:
    """Each scope's figures, read through ``measures`` (live or frozen)."""
    scopes = set(scopes)
    months = {month for month, _, _ in scopes}
    regions = measures.sum_measures(months=months, by=("region",))
    overdue, unanswered = measures.count_past_deadline(months=months, now=now)
    technicians = measures.sum_measures(months=months, by=("region", "technician"))
    result: dict[Scope, Figures] = {}
    for month, region, technician in scopes:
        if technician == NO_TECHNICIAN:
            sums = Sums(
                regions.get((month, region), {}),
                overdue_complaints=overdue.get((month, region), 0),
                unanswered_tickets=unanswered.get((month, region), 0),
            )
        else:
            sums = Sums(technicians.get((month, region, technician), {}))
        result[month, region, technician] = figures(sums)
    return result


def latest_recorded(
    session: Session, months: Collection[str], regions: Collection[str]
) -> dict[tuple[str, ...], tuple[int, int]]:
    """The last live value recorded per (month, region, technician, metric)."""
    c = Correction
    query = (
        select(c.month, c.region, c.technician, c.metric, c.live_numerator, c.live_denominator)
        .where(c.month.in_(sorted(months)), c.region.in_(sorted(regions)))
        .order_by(c.id)
    )
    return {tuple(row[:4]): (int(row[4]), int(row[5])) for row in session.execute(query)}


def closed_months(session: Session) -> set[str]:
    """Every closed month (a few a year)."""
    return set(session.scalars(select(ClosedMonth.month)))


def record_corrections(session: Session, causes: dict[Scope, Cause], *, now: dt.datetime) -> int:
    """Record every figure of these scopes (those of closed months) that differs from the
    last value recorded; how many."""
    closed = set(
        session.scalars(
            select(ClosedMonth.month).where(ClosedMonth.month.in_({m for m, _, _ in causes}))
        )
    )
    scopes = {scope: cause for scope, cause in causes.items() if scope[0] in closed}
    if not scopes:
        return 0
    for (month, region, _), cause in list(scopes.items()):
        # A technician's figures are part of their region's.
        scopes.setdefault((month, region, NO_TECHNICIAN), cause)
    live = scope_figures(SqlMeasures(session), scopes, now)
    frozen = scope_figures(SqlFrozenMeasures(session), scopes, now)
    latest = latest_recorded(session, closed, {region for _, region, _ in scopes})
    rows = []
    for scope in sorted(scopes):
        cause = scopes[scope]
        for metric in sorted(live[scope].keys() | frozen[scope].keys()):
            value = live[scope].get(metric, (0, 0))
            was = frozen[scope].get(metric, (0, 0))
            if value != latest.get((*scope, metric), was):
                rows.append(_correction(scope, metric, was, value, cause, now))
    if rows:
        session.execute(insert(Correction), rows)
    return len(rows)


def _correction(
    scope: Scope,
    metric: str,
    frozen: tuple[int, int],
    live: tuple[int, int],
    cause: Cause,
    now: dt.datetime,
) -> dict[str, Any]:
    month, region, technician = scope
    return {
        "month": month,
        "region": region,
        "technician": technician,
        "metric": metric,
        "frozen_numerator": frozen[0],
        "frozen_denominator": frozen[1],
        "live_numerator": live[0],
        "live_denominator": live[1],
        "event_id": cause[0] if cause else None,
        "event_type": cause[1] if cause else None,
        "detected_at": now,
    }


def scopes_moved(
    facts: Facts,
    old: d.Contributions,
    new: d.Contributions,
    was_open: str | None,
) -> set[Scope]:
    """The scopes an entity counted in before its judgement and counts in after: its
    contributions', and its deadline's month while open past it."""
    scopes = {(key[1], key[2], key[3]) for key in old.keys() | new.keys() if key[0] == "m"}
    for month in (was_open, d.open_past_deadline_in(facts)):
        if month is not None:
            scopes.add((month, facts.region, d.NO_TECHNICIAN))
    return scopes


@dataclass
class Touched:
    """The scopes a batch changed, with the event that last changed each."""

    causes: dict[Scope, Cause] = field(default_factory=dict)

    def add(self, month: str | None, region: str, technician: str, cause: Cause) -> None:
        if month is not None:
            self.causes[month, region, technician] = cause


class SqlClosing(Closing):
    def __init__(self, session: Session) -> None:
        self.session = session

    def earliest_month(self) -> str | None:
        found: str | None = self.session.scalar(select(func.min(MonthlyAggregate.month)))
        return found

    def closed(self, months: Collection[str]) -> dict[str, ClosedMonth]:
        query = select(ClosedMonth).where(ClosedMonth.month.in_(sorted(months)))
        return {row.month: row for row in self.session.scalars(query)}

    def claim(self, record: ClosedMonth) -> bool:
        # The apply lock first: a batch is either wholly in the frozen figures or after them.
        take_apply_lock(self.session)
        table: Any = ClosedMonth.__table__
        statement = insert_ignoring_conflicts(self.session, table, ["month"])
        values = {c.name: getattr(record, c.name) for c in table.columns}
        claimed = self.session.scalars(statement.returning(table.c.month), [values]).all()
        return bool(claimed)

    def freeze(self, month: str, *, now: dt.datetime) -> None:
        m = MonthlyAggregate
        columns = ["month", "region", "technician", "measure", "count", "hits", "total"]
        rows = select(m.month, m.region, m.technician, m.measure, m.count, m.hits, m.total)
        self.session.execute(
            insert(FrozenMeasure).from_select(columns, rows.where(m.month == month))
        )
        overdue, unanswered = SqlMeasures(self.session).count_past_deadline(months=[month], now=now)
        extra = [
            {
                "month": month,
                "region": region,
                "technician": NO_TECHNICIAN,
                "measure": name,
                "count": n,
                "hits": 0,
                "total": 0,
            }
            for name, found in ((OVERDUE_COMPLAINTS, overdue), (UNANSWERED_TICKETS, unanswered))
            for (_, region), n in sorted(found.items())
        ]
        if extra:
            self.session.execute(insert(FrozenMeasure), extra)

    def add_scorecard(self, month: str, *, by: str, scope: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            values = [
                {"month": month, "by": by, "scope": scope, "rank": r["rank"], "row": json.dumps(r)}
                for r in rows
            ]
            self.session.execute(insert(FrozenScorecardRow), values)

    def scorecard(self, month: str, *, by: str, scope: str) -> list[dict[str, Any]]:
        f = FrozenScorecardRow
        query = select(f.row).where(f.month == month, f.by == by, f.scope == scope).order_by(f.rank)
        return [json.loads(row) for row in self.session.scalars(query)]

    def frozen(self) -> Measures:
        return SqlFrozenMeasures(self.session)

    def corrections(
        self, *, month: str, region: str | None, window: Window | None = None
    ) -> Page[Correction]:
        query = select(Correction).where(Correction.month == month)
        if region is not None:
            query = query.where(Correction.region == region)
        window = window or Window(0, 1000)
        ordered = query.order_by(Correction.id).offset(window.offset).limit(window.limit)
        return Page(list(self.session.scalars(ordered)), count(self.session, query))

    def reconcile(self, *, now: dt.datetime) -> int:
        months = set(self.session.scalars(select(ClosedMonth.month)))
        if not months:
            return 0
        scopes: set[Scope] = set()
        for model in (MonthlyAggregate, FrozenMeasure, Correction):
            query = select(model.month, model.region, model.technician).where(
                model.month.in_(sorted(months))
            )
            scopes |= {(m, r, t) for m, r, t in self.session.execute(query)}
        scopes |= {(m, r, NO_TECHNICIAN) for m, r, _ in scopes}
        return record_corrections(self.session, dict.fromkeys(scopes), now=now)
