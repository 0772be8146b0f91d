"""kpi's /metrics families, read from its database at scrape time so every gunicorn worker
and every restart reports the same numbers."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from services.kpi import queries
from shared.metrics import LAG_BUCKETS, CallbackCollector
from shared.service import Runtime


def collectors(rt: Runtime) -> list[Collector]:
    def collect() -> Iterable[Metric]:
        with rt.db.session() as session:
            counts = queries.list_event_counts(session)
            buckets, lag_sum = queries.get_lag_histogram(session)
        consumed = CounterMetricFamily(
            "aftercare_events_consumed", "Events applied by kpi", labels=["type", "region"]
        )
        for type_, region, count in counts:
            consumed.add_metric([type_, region], count)
        cumulative, running = [], 0
        for bound in [repr(float(b)) for b in LAG_BUCKETS] + ["+Inf"]:
            running += buckets.get(bound, 0)
            cumulative.append((bound, running))
        lag = HistogramMetricFamily(
            "aftercare_event_lag_seconds",
            "Event occurred_at to applied in kpi",
            buckets=cumulative,
            sum_value=lag_sum,
        )
        return [consumed, lag]

    return [CallbackCollector(collect)]
