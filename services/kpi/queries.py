"""kpi's reads: aggregates only (plus the few open items past a deadline), so neither a
scrape nor a KPI read grows with the event history."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.kpi import definitions as d
from services.kpi.models import (
    Backlog,
    Complaint,
    Counter,
    DefinitionVersion,
    EventCount,
    LagBucket,
    MonthlyAggregate,
    SpotCheck,
    Ticket,
    WorkOrder,
)
from shared.errors import NotFound


def list_event_counts(session: Session) -> list[tuple[str, str, int]]:
    rows = session.execute(select(EventCount.type, EventCount.region, EventCount.count))
    return [(t, r, int(c)) for t, r, c in rows]


def get_lag_histogram(session: Session) -> tuple[dict[str, int], float]:
    """Non-cumulative counts per bucket and the sum of lags."""
    counts: dict[str, int] = {}
    total = 0.0
    for le, count, seconds in session.execute(
        select(LagBucket.le, LagBucket.count, LagBucket.sum_seconds)
    ):
        counts[le] = int(count)
        total += float(seconds)
    return counts, total


def list_counters(session: Session) -> list[tuple[str, str, str, int]]:
    """(name, region, label, value) of every all-time counter."""
    rows = session.execute(select(Counter.name, Counter.region, Counter.label, Counter.value))
    return [(n, r, label, int(v)) for n, r, label, v in rows]


def sum_measures(
    session: Session,
    *,
    months: Collection[str],
    by: tuple[str, ...] = (),
    region: str | None = None,
    technician: str | None = None,
) -> dict[tuple[str, ...], dict[str, d.Amount]]:
    """Sums per measure, grouped by ``month`` and the columns in ``by`` (``region``,
    ``technician``): ``{(month, *by values): {measure: (count, hits, total)}}``."""
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
        query = query.where(m.technician != d.NO_TECHNICIAN)
    result: dict[tuple[str, ...], dict[str, d.Amount]] = {}
    for row in session.execute(query):
        *group, measure, count, hits, total = row
        result.setdefault(tuple(group), {})[measure] = (int(count), int(hits), int(total))
    return result


def count_past_deadline(
    session: Session, *, months: Collection[str], now: dt.datetime, region: str | None = None
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """Open complaints past their deadline with no resolution in time standing, and tickets
    unanswered past their first-response deadline, per (month of the deadline, region)."""
    overdue = _count_due(
        session,
        Complaint.overdue_month,
        Complaint.overdue_at,
        Complaint.region,
        months,
        now,
        region,
    )
    unanswered = _count_due(
        session,
        Ticket.awaiting_month,
        Ticket.awaiting_response_due,
        Ticket.region,
        months,
        now,
        region,
    )
    return overdue, unanswered


def _count_due(
    session: Session,
    month_col: Any,
    due_col: Any,
    region_col: Any,
    months: Collection[str],
    now: dt.datetime,
    region: str | None,
) -> dict[tuple[str, str], int]:
    query = (
        select(month_col, region_col, func.count())
        .where(month_col.in_(sorted(months)), due_col < now)
        .group_by(month_col, region_col)
    )
    if region is not None:
        query = query.where(region_col == region)
    return {(month, r): int(n) for month, r, n in session.execute(query)}


def get_backlog(session: Session, *, region: str | None = None) -> dict[tuple[str, str], int]:
    """Open items per (service, region) now."""
    query = select(Backlog.service, Backlog.region, Backlog.open)
    if region is not None:
        query = query.where(Backlog.region == region)
    return {(s, r): int(n) for s, r, n in session.execute(query)}


def get_definition_versions(session: Session) -> dict[str, int]:
    """The definition versions the stored facts were built with."""
    rows = session.execute(select(DefinitionVersion.name, DefinitionVersion.version))
    return {name: int(version) for name, version in rows}


def list_completed_work_orders(session: Session, *, month: str, region: str | None) -> list[str]:
    """Ids of the work orders whose (latest) repair record falls in ``month``, in id order."""
    query = select(WorkOrder.work_order_id).where(WorkOrder.completed_month == month)
    if region is not None:
        query = query.where(WorkOrder.region == region)
    return sorted(session.scalars(query))


def list_work_orders(session: Session, ids: Collection[str]) -> dict[str, dict[str, Any]]:
    """What a spot check shows of each work order."""
    w = WorkOrder
    rows = session.execute(
        select(
            w.work_order_id,
            w.region,
            w.kind,
            w.ticket_id,
            w.completed_technician_id,
            w.completed_visit,
            w.completed_result,
            w.completed_at,
            w.accepted_at,
        ).where(w.work_order_id.in_(list(ids)))
    ).mappings()
    return {row["work_order_id"]: dict(row) for row in rows}


def get_spot_check(session: Session, spot_check_id: str, *, region: str | None) -> dict[str, Any]:
    """A recorded spot check with its work orders; one outside the caller's region is absent."""
    record = session.get(SpotCheck, spot_check_id)
    if record is None or (region is not None and record.region != region):
        raise NotFound(f"no spot check {spot_check_id}")
    return spot_check_view(session, record)


def spot_check_view(session: Session, record: SpotCheck) -> dict[str, Any]:
    ids: list[str] = json.loads(record.work_order_ids)
    details = list_work_orders(session, ids)
    return {
        "id": record.id,
        "month": record.month,
        "region": record.region,
        "size": record.size,
        "seed": record.seed,
        "population": record.population,
        "created_at": record.created_at,
        "created_by": record.created_by,
        "work_orders": [details.get(i, {"work_order_id": i}) for i in ids],
    }
