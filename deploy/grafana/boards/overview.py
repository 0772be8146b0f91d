"""Nationwide overview: every KPI per region against its target, and the trends."""

from __future__ import annotations

from deploy.grafana.boards.kit import (
    Board,
    counts,
    kpi_bars,
    kpi_stat,
    query,
    region_variable,
    trend,
)
from deploy.grafana.boards.kpis import KPIS, WINDOWED

UID = "aftercare-overview"
REGIONS = 'region=~"$region"'


def build(targets: dict[str, float]) -> Board:
    """The operations team's first screen."""
    board = Board(
        UID,
        "Aftercare / Nationwide KPIs",
        "Service quality per region against target: this month (kpi's gauges), the last "
        "day and 30 days (Prometheus recording rules), and the work in hand.",
    )
    board.dashboard = board.dashboard.with_variable(region_variable(multi=True))

    board.row("Nationwide, last 30 days")
    for kpi in WINDOWED:
        board.add(
            kpi_stat(
                kpi.title,
                kpi,
                targets[kpi.key],
                [query(kpi.recorded("", "30d"), instant=True)],
                w=4,
            )
        )
    board.add(
        counts(
            "Events in the last 24 hours",
            "Events kpi applied, all types and regions.",
            "sum(increase(aftercare_events_consumed_total[1d]))",
            "events",
            w=4,
        ).height(4)
    )

    board.row("This month, per region")
    for kpi in KPIS:
        board.add(
            kpi_bars(
                kpi.title,
                kpi,
                targets[kpi.key],
                f"sort_desc(max by (region) ({kpi.gauge}{{{REGIONS}}}))",
            )
        )

    board.row("Trends per region (last day, sliding)")
    for kpi in WINDOWED:
        board.add(
            trend(
                kpi.title,
                f"{kpi.description} Each point covers the day before it.",
                [
                    query(f"{kpi.recorded('region', '1d')}{{{REGIONS}}}", "{{region}}"),
                    query(kpi.target(), "target", ref="T"),
                ],
                unit=kpi.unit,
                minimum=kpi.minimum,
                maximum=kpi.maximum,
                dashed=["target"],
            )
        )
    complaint_satisfaction = KPIS[-1]
    board.add(
        trend(
            f"{complaint_satisfaction.title} (month to date)",
            complaint_satisfaction.description,
            [
                query(
                    f"max by (region) ({complaint_satisfaction.gauge}{{{REGIONS}}})",
                    "{{region}}",
                ),
                query(complaint_satisfaction.target(), "target", ref="T"),
            ],
            unit="percentunit",
            minimum=0,
            maximum=1,
            dashed=["target"],
        )
    )

    board.row("Work in hand")
    board.add(
        trend(
            "Open backlog per region",
            "Open items per region and owning service, as kpi counts them.",
            [
                query(
                    f"sum by (region, service) (aftercare_backlog_open{{{REGIONS}}})",
                    "{{region}} {{service}}",
                )
            ],
            unit="short",
            minimum=0,
            stacked=True,
            w=12,
        ),
        trend(
            "Events per region",
            "Events kpi applied per second, per region.",
            [
                query(
                    "sum by (region) "
                    f"(rate(aftercare_events_consumed_total{{{REGIONS}}}[$__rate_interval]))",
                    "{{region}}",
                )
            ],
            unit="ops",
            minimum=0,
            stacked=True,
            w=12,
        ),
    )
    return board
