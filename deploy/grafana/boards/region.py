"""Region drill-down: one region's KPIs, what drives them, and its technicians ranked."""

from __future__ import annotations

from deploy.grafana.boards.kit import (
    Board,
    counts,
    kpi_stat,
    query,
    ranking,
    region_variable,
    trend,
)
from deploy.grafana.boards.kpis import (
    KPIS,
    REPAIR_RATINGS,
    TECHNICIAN_FACTS,
    TECHNICIAN_MEAN,
    TECHNICIAN_RATIO,
    WINDOWED,
)

UID = "aftercare-region"
REGION = 'region="$region"'


def _over_range(metric: str, selector: str = "") -> str:
    """The increase of a kpi counter in the region over the dashboard's time range."""
    labels = f"{REGION}, {selector}" if selector else REGION
    return f"increase({metric}{{{labels}}}[$__range])"


def build(targets: dict[str, float]) -> Board:
    """Where a region manager looks after the overview shows a region in red."""
    board = Board(
        UID,
        "Aftercare / Region drill-down",
        "One region: this month's KPIs against target, their trends, the facts behind them "
        "over the selected time range, and the region's technicians ranked.",
    )
    board.dashboard = board.dashboard.with_variable(region_variable(multi=False))

    board.row("This month in $region")
    for kpi in KPIS:
        board.add(
            kpi_stat(
                kpi.title,
                kpi,
                targets[kpi.key],
                [query(f"max({kpi.gauge}{{{REGION}}})", instant=True)],
            )
        )

    board.row("Trends in $region")
    for kpi in WINDOWED:
        board.add(
            trend(
                kpi.title,
                f"{kpi.description} Sliding windows of a day and of 30 days.",
                [
                    query(f"{kpi.recorded('region', '1d')}{{{REGION}}}", "last day"),
                    query(f"{kpi.recorded('region', '30d')}{{{REGION}}}", "last 30 days", ref="B"),
                    query(kpi.target(), "target", ref="T"),
                ],
                unit=kpi.unit,
                minimum=kpi.minimum,
                maximum=kpi.maximum,
                dashed=["target"],
            )
        )
    board.add(
        trend(
            "Open backlog",
            "Open items in the region per owning service, as kpi counts them.",
            [query(f"sum by (service) (aftercare_backlog_open{{{REGION}}})", "{{service}}")],
            unit="short",
            minimum=0,
            stacked=True,
        )
    )

    board.row("Facts in $region over the time range")
    board.add(
        counts(
            "Visits",
            "Visits whose window ended: on time, or late (arrived late or missed).",
            f"sum by (on_time) ({_over_range('aftercare_visits_total')})",
            "on time: {{on_time}}",
        ),
        counts(
            "Work orders closed",
            "Accepted or escalated work orders, by whether the first visit fixed them.",
            f"sum by (first_time_fix) ({_over_range('aftercare_work_orders_closed_total')})",
            "first-time fix: {{first_time_fix}}",
        ),
        counts(
            "Acceptance ratings",
            "Repair acceptance ratings by score.",
            f"sum by (score) ({_over_range('aftercare_ratings_total', REPAIR_RATINGS)})",
            "score {{score}}",
        ),
        counts(
            "Complaints closed",
            "Complaints closed, by whether their final resolution met the original deadline.",
            f"sum by (within_deadline) ({_over_range('aftercare_complaints_closed_total')})",
            "within deadline: {{within_deadline}}",
        ),
        counts(
            "Ratings by source",
            "Every rating given in the region: acceptance, follow-up calls, complaints.",
            f"sum by (source) ({_over_range('aftercare_ratings_total')})",
            "{{source}}",
        ),
        counts(
            "Events by type",
            "Events kpi applied for the region.",
            f"sort_desc(sum by (type) ({_over_range('aftercare_events_consumed_total')}))",
            "{{type}}",
        ),
    )

    board.row("Technicians in $region, this month")
    columns = [
        (name, unit, f"max by (technician) ({metric}{{{REGION}{', ' + kpi if kpi else ''}}})")
        for name, unit, metric, kpi in (
            ("CSAT", "percentunit", TECHNICIAN_RATIO, 'kpi="csat"'),
            ("Mean rating", "none", TECHNICIAN_MEAN, ""),
            ("On time", "percentunit", TECHNICIAN_RATIO, 'kpi="repair_timeliness"'),
            ("First-time fix", "percentunit", TECHNICIAN_RATIO, 'kpi="first_time_fix"'),
            ("Visits", "short", TECHNICIAN_FACTS, 'kpi="repair_timeliness"'),
            ("Work orders", "short", TECHNICIAN_FACTS, 'kpi="first_time_fix"'),
            ("Ratings", "short", TECHNICIAN_FACTS, 'kpi="csat"'),
        )
    ]
    board.add(
        ranking(
            "Technicians ranked",
            "Each technician's KPIs this month (kpi's monthly scorecard figures, each "
            "technician judged by the facts attributed to them), best CSAT first; click a "
            "column to rank by it.",
            columns,
            sort_by="CSAT",
        )
    )
    return board
