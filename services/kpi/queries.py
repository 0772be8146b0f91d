"""kpi's reads for routes and metrics beyond the aggregates the use cases read (those are
``repositories.SqlMeasures``): event counts, the lag histogram, the all-time counters, and a
recorded spot check."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.kpi.domain.spot_checks import spot_check_view
from services.kpi.models import (
    SPOT_CHECK_COLUMNS,
    ClosedMonth,
    Correction,
    Counter,
    EventCount,
    LagBucket,
    SpotCheck,
    WorkOrder,
)
from shared.errors import NotFound


def list_event_counts(session: Session) -> list[tuple[str, str, int]]:
    """(type, region, count) of the events kpi applied."""
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


def get_spot_check(session: Session, spot_check_id: str, *, region: str | None) -> dict[str, Any]:
    """A recorded spot check with its work orders; one outside the caller's region is absent."""
    record = session.get(SpotCheck, spot_check_id)
    if record is None or (region is not None and record.region != region):
        raise NotFound(f"no spot check {spot_check_id}")
    ids: list[str] = json.loads(record.work_order_ids)
    columns = [WorkOrder.__table__.c[name] for name in SPOT_CHECK_COLUMNS]
    rows = session.execute(select(*columns).where(WorkOrder.work_order_id.in_(ids))).mappings()
    return spot_check_view(record, {row["work_order_id"]: dict(row) for row in rows})


def count_pending_corrections(session: Session, *, months: int) -> dict[tuple[str, str], int]:
    """Per (month, region) of the latest ``months`` closed months: the figures whose last
    recorded live value differs from the frozen one (a region whose corrected figures came
    back to the frozen ones, at zero)."""
    closed = list(
        session.scalars(select(ClosedMonth.month).order_by(ClosedMonth.month.desc()).limit(months))
    )
    c = Correction
    latest: dict[tuple[str, str, str, str], bool] = {}
    query = (
        select(
            c.month,
            c.region,
            c.technician,
            c.metric,
            c.frozen_numerator,
            c.frozen_denominator,
            c.live_numerator,
            c.live_denominator,
        )
        .where(c.month.in_(closed))
        .order_by(c.id)
    )
    for month, region, technician, metric, fn, fd, ln, ld in session.execute(query):
        latest[month, region, technician, metric] = (fn, fd) != (ln, ld)
    pending: dict[tuple[str, str], int] = {}
    for (month, region, _, _), differs in latest.items():
        pending[month, region] = pending.get((month, region), 0) + int(differs)
    return pending
