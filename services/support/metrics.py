"""support's /metrics families, read from its tables at scrape time (so every gunicorn worker
and every restart reports the same numbers): training sessions not yet held, by status."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from services.support import queries
from shared.metrics import CallbackCollector
from shared.service import Runtime


def collectors(rt: Runtime) -> list[Collector]:
    """support's families."""

    def collect() -> Iterable[Metric]:
        open_ = GaugeMetricFamily(
            "aftercare_training_sessions_open",
            "Training sessions requested or scheduled, not yet held",
            labels=["region", "status"],
        )
        with rt.db.session() as session:
            for region, status, count in queries.count_open(session):
                open_.add_metric([region, status], count)
        return [open_]

    return [CallbackCollector(collect)]
