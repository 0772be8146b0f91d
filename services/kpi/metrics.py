"""kpi's /metrics families, read from its aggregate tables at scrape time (the monthly
aggregates through ``SqlMeasures``, as the use cases read them), so every gunicorn worker and
every restart reports the same numbers, and a scrape costs the same however long the event
history grows (SPEC metric names; labels: region, service, source, score, flags)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session

from services.kpi import queries
from services.kpi.domain import channels
from services.kpi.domain import definitions as d
from services.kpi.domain.months import Months
from services.kpi.domain.report import Sums, fractions
from services.kpi.repositories.measures import SqlMeasures
from shared.metrics import LAG_BUCKETS, CallbackCollector
from shared.service import Runtime

COUNTERS = (
    # (counter name in kpi_counters, metric, help, label of the value)
    (d.VISITS_TOTAL, "aftercare_visits", "Visits judged, by punctuality", "on_time"),
    (
        d.WORK_ORDERS_CLOSED,
        "aftercare_work_orders_closed",
        "Repair work orders with a final outcome, by first-time fix",
        "first_time_fix",
    ),
    (
        d.COMPLAINTS_CLOSED,
        "aftercare_complaints_closed",
        "Complaints closed, by final resolution within the original deadline",
        "within_deadline",
    ),
    (
        channels.CONSULTATIONS_ANSWERED,
        "aftercare_consultations_answered",
        "Consultations answered, by answer within the response deadline",
        "within_deadline",
    ),
)
RATIOS = (
    ("repair_timeliness", "aftercare_kpi_repair_timeliness_ratio", "Visits on time / judged"),
    ("first_time_fix", "aftercare_kpi_first_time_fix_ratio", "Fixed on the first repair visit"),
    ("csat", "aftercare_kpi_csat_ratio", "Acceptance ratings of 4 or 5 / all"),
    (
        "complaint_timeliness",
        "aftercare_kpi_complaint_timeliness_ratio",
        "Complaints resolved by the deadline / closed or past deadline",
    ),
    (
        "complaint_satisfaction",
        "aftercare_kpi_complaint_satisfaction_ratio",
        "Satisfied complaint feedback / all",
    ),
    (
        "first_response_compliance",
        "aftercare_kpi_first_response_compliance_ratio",
        "Tickets answered by the first-response deadline / answered or past it",
    ),
    (
        "maintenance_adherence",
        "aftercare_kpi_maintenance_adherence_ratio",
        "Maintenance visits done / due (by due date)",
    ),
    (
        "consultation_timeliness",
        "aftercare_kpi_consultation_timeliness_ratio",
        "Consultations answered by the response deadline / answered",
    ),
)


def collectors(rt: Runtime) -> list[Collector]:
    """kpi's families, read from the aggregate tables at each scrape."""

    def collect() -> Iterable[Metric]:
        now = rt.clock.now()
        with rt.db.session() as session:
            return [
                *_event_families(session),
                *_counter_families(session, rt.settings.regions),
                *_current_month_families(SqlMeasures(session), rt, now),
                _corrections_family(session),
            ]

    return [CallbackCollector(collect)]


# Closed months the corrections gauge reports (the newest; older ones drop out of it).
CORRECTION_MONTHS = 3


def _corrections_family(session: Session) -> Metric:
    """Figures of the latest closed months whose live value differs from the frozen one."""
    pending = GaugeMetricFamily(
        "aftercare_kpi_corrections_pending",
        "Figures of a closed month whose live value differs from the frozen one",
        labels=["month", "region"],
    )
    counts = queries.count_pending_corrections(session, months=CORRECTION_MONTHS)
    for (month, region), n in sorted(counts.items()):
        pending.add_metric([month, region], n)
    return pending


def _event_families(session: Session) -> list[Metric]:
    consumed = CounterMetricFamily(
        "aftercare_events_consumed", "Events applied by kpi", labels=["type", "region"]
    )
    for type_, region, count in queries.list_event_counts(session):
        consumed.add_metric([type_, region], count)
    buckets, lag_sum = queries.get_lag_histogram(session)
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


def _counter_families(session: Session, regions: Iterable[str]) -> list[Metric]:
    """All-time numerators and denominators, so PromQL can take ratios over any range. Every
    configured region's series exist from the start (at zero)."""
    values: dict[tuple[str, str, str], int] = {
        (name, region, label): value
        for name, region, label, value in queries.list_counters(session)
    }
    known = sorted(set(regions) | {region for _, region, _ in values})
    families: list[Metric] = []
    for name, metric, text, label in COUNTERS:
        family = CounterMetricFamily(metric, text, labels=["region", label])
        for region in known:
            for flag in ("true", "false"):
                family.add_metric([region, flag], values.get((name, region, flag), 0))
        families.append(family)
    ratings = CounterMetricFamily(
        "aftercare_ratings",
        "Customer ratings (repair acceptance, follow-up call, complaint feedback, "
        "questionnaire, consultation answer)",
        labels=["region", "source", "score"],
    )
    for region in known:
        for source in d.RATING_SOURCES:
            for score in d.SCORES:
                value = values.get((d.RATINGS, region, d.rating_label(source, score)), 0)
                ratings.add_metric([region, source, str(score)], value)
    families.append(ratings)
    return families


def _current_month_families(measures: SqlMeasures, rt: Runtime, now: dt.datetime) -> list[Metric]:
    """This month's KPIs per region (each region's own month), the backlog now, and this
    month's KPIs per technician."""
    months = Months(rt.calendars)
    regions = sorted(rt.settings.regions)
    current = {region: months(now, region) for region in regions}
    sums = measures.sum_measures(months=set(current.values()), by=("region",))
    past_deadline = measures.count_past_deadline(months=set(current.values()), now=now)
    for _, region in sums:  # a region no longer configured still reports its data
        current.setdefault(region, months(now, region))
    return [
        *_region_families(current, sums, past_deadline),
        _backlog_family(measures, regions),
        *_technician_families(measures, current),
    ]


def _region_families(
    current: dict[str, str],
    sums: dict[tuple[str, ...], dict[str, d.Amount]],
    past_deadline: tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]],
) -> list[Metric]:
    """A ratio without a denominator is left out rather than reported as zero."""
    overdue, unanswered = past_deadline
    ratios = {
        name: GaugeMetricFamily(metric, f"{text}, this month", labels=["region"])
        for name, metric, text in RATIOS
    }
    mean = GaugeMetricFamily(
        "aftercare_kpi_mean_satisfaction",
        "Mean acceptance rating (1-5), this month",
        labels=["region"],
    )
    by_source = GaugeMetricFamily(
        "aftercare_kpi_csat_by_source_ratio",
        "Ratings of 4 or 5 / all, by channel (all: every channel), this month",
        labels=["region", "source"],
    )
    repair_time = GaugeMetricFamily(
        "aftercare_kpi_mean_time_to_repair_seconds",
        "Mean time from ticket reported to repair accepted, this month",
        labels=["region"],
    )
    for region, month in sorted(current.items()):
        scope = Sums(
            sums.get((month, region), {}),
            overdue_complaints=overdue.get((month, region), 0),
            unanswered_tickets=unanswered.get((month, region), 0),
        )
        for name, (numerator, denominator) in fractions(scope).items():
            if denominator:
                ratios[name].add_metric([region], numerator / denominator)
        _add_mean(mean, [region], scope.get(d.CSAT))
        _add_mean(repair_time, [region], scope.get(d.REPAIR_TIME))
        _add_by_source(by_source, region, scope)
    return [*ratios.values(), mean, by_source, repair_time]


def _add_by_source(family: GaugeMetricFamily, region: str, scope: Sums) -> None:
    """Each rating channel's share of 4-5 (and every channel's), where it has ratings."""
    for source, (count, hits, _) in channels.by_source(dict(scope.measures)).items():
        if count:
            family.add_metric([region, source], hits / count)


def _add_mean(family: GaugeMetricFamily, labels: list[str], amount: d.Amount) -> None:
    """A mean (total / count) where there is something to average."""
    count, _, total = amount
    if count:
        family.add_metric(labels, total / count)


def _backlog_family(measures: SqlMeasures, regions: list[str]) -> Metric:
    """Open tickets and work orders now, every configured region's (at zero) included."""
    backlog = GaugeMetricFamily(
        "aftercare_backlog_open", "Open tickets and work orders now", labels=["service", "region"]
    )
    open_items = measures.backlog()
    for service in d.SERVICES:
        for region in sorted(set(regions) | {r for s, r in open_items if s == service}):
            backlog.add_metric([service, region], open_items.get((service, region), 0))
    return backlog


TECHNICIAN_KPIS = ("repair_timeliness", "first_time_fix", "csat")


def _technician_families(measures: SqlMeasures, current: dict[str, str]) -> list[Metric]:
    """This month's KPIs per technician (region drill-down ranking); ``facts`` is each
    ratio's denominator, so a ranking can ignore technicians with too few facts."""
    ratio = GaugeMetricFamily(
        "aftercare_kpi_technician_ratio",
        "A technician's KPI ratio, this month",
        labels=["region", "technician", "kpi"],
    )
    facts = GaugeMetricFamily(
        "aftercare_kpi_technician_facts",
        "Facts behind a technician's KPI ratio, this month",
        labels=["region", "technician", "kpi"],
    )
    mean = GaugeMetricFamily(
        "aftercare_kpi_technician_mean_satisfaction",
        "A technician's mean acceptance rating (1-5), this month",
        labels=["region", "technician"],
    )
    sums = measures.sum_measures(months=set(current.values()), by=("region", "technician"))
    for (month, region, technician), amounts in sorted(sums.items()):
        if current.get(region) != month:
            continue
        scope = Sums(amounts)
        for name, (numerator, denominator) in fractions(scope).items():
            if name in TECHNICIAN_KPIS and denominator:
                ratio.add_metric([region, technician, name], numerator / denominator)
                facts.add_metric([region, technician, name], denominator)
        _add_mean(mean, [region, technician], scope.get(d.CSAT))
    return [ratio, facts, mean]
