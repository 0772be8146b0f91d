"""complaints' Prometheus families, read from its tables at each scrape (so every worker and
every restart reports the same numbers): complaints not closed by status, those in hand past
their deadline, and corrective measures overdue, per region."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from services.complaints import queries
from shared.metrics import CallbackCollector
from shared.service import Runtime


def collectors(rt: Runtime) -> list[Collector]:
    """complaints' gauges; every configured region's series exist from the start."""

    def collect() -> Iterable[Metric]:
        now = rt.clock.now()
        regions = rt.settings.regions
        with rt.db.session() as session:
            open_ = queries.count_open(session)
            late = dict(queries.count_past_deadline(session, now))
            measures = dict(queries.count_overdue_measures(session, now.date()))
        backlog = GaugeMetricFamily(
            "aftercare_complaints_open",
            "Complaints not closed, by status",
            labels=["region", "status"],
        )
        for region, status, count in open_:
            backlog.add_metric([region, status], count)
        past = GaugeMetricFamily(
            "aftercare_complaints_past_deadline",
            "Complaints in hand (not waiting on the complainant) past their deadline",
            labels=["region"],
        )
        overdue = GaugeMetricFamily(
            "aftercare_complaint_measures_overdue",
            "Corrective measures not done by their due date",
            labels=["region"],
        )
        for region in sorted(set(regions) | set(late) | set(measures)):
            past.add_metric([region], late.get(region, 0))
            overdue.add_metric([region], measures.get(region, 0))
        return [backlog, past, overdue]

    return [CallbackCollector(collect)]
