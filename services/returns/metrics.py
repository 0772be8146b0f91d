"""Returns's /metrics families, read from its tables at scrape time (so every gunicorn worker
and every restart reports the same numbers): open requests by region and status, and the
originals overdue per region, for the operations dashboard and an alert."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from services.returns import queries
from shared.metrics import CallbackCollector
from shared.service import Runtime


def collectors(rt: Runtime) -> list[Collector]:
    """Returns's families."""

    def collect() -> Iterable[Metric]:
        open_ = GaugeMetricFamily(
            "aftercare_returns_open",
            "Return requests not yet ended, by status",
            labels=["region", "status"],
        )
        overdue = GaugeMetricFamily(
            "aftercare_returns_overdue_originals",
            "Replaced originals past due and not back",
            labels=["region"],
        )
        with rt.db.session() as session:
            for region, status, count in queries.count_open(session):
                open_.add_metric([region, status], count)
            late = queries.count_overdue_originals(session, now=rt.clock.now())
        for region in rt.settings.regions:
            overdue.add_metric([region], late.get(region, 0))
        return [open_, overdue]

    return [CallbackCollector(collect)]
