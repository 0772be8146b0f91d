"""kpi's reads, used at scrape time (aggregates only, so scrape cost does not grow)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.kpi.models import EventCount, LagBucket


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
