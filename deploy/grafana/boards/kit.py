"""The few panel shapes the Aftercare dashboards use, built with grafana-foundation-sdk.

Every panel queries the provisioned Prometheus datasource (uid ``prometheus``, see
deploy/grafana/provisioning/datasources/prometheus.yaml) and gets a stable id.
"""

from __future__ import annotations

from collections.abc import Sequence

from grafana_foundation_sdk.builders import bargauge, stat, table, timeseries
from grafana_foundation_sdk.builders.common import (
    ReduceDataOptions,
    StackingConfig,
    VizLegendOptions,
)
from grafana_foundation_sdk.builders.common import (
    TableSortByFieldState as SortBy,
)
from grafana_foundation_sdk.builders.dashboard import (
    Dashboard,
    QueryVariable,
    Row,
    ThresholdsConfig,
)
from grafana_foundation_sdk.builders.prometheus import Dataquery
from grafana_foundation_sdk.cog.builder import Builder
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models.dashboard import (
    DataSourceRef,
    DataTransformerConfig,
    DynamicConfigValue,
    Panel,
    Threshold,
    ThresholdsMode,
    ValueMap,
    ValueMappingResult,
    VariableRefresh,
    VariableSort,
)
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

from deploy.grafana.boards.kpis import Kpi

DATASOURCE = DataSourceRef(type_val="prometheus", uid="prometheus")
BAD, GOOD, NEUTRAL = "red", "green", "blue"


def ratio(good: str, base: str, by: str = "") -> str:
    """``good / base`` summed ``by`` labels: 0 where there is a base but no good series, and
    nothing where the base is 0 (the ratio is undefined, not 0)."""
    total = f"sum{f' by ({by})' if by else ''} ({base})"
    return f"sum{f' by ({by})' if by else ''} ({good}) / ({total} > 0) or 0 * ({total} > 0)"


def query(expr: str, legend: str = "", *, ref: str = "A", instant: bool = False) -> Dataquery:
    built = Dataquery().expr(expr).ref_id(ref).datasource(DATASOURCE)
    if legend:
        built = built.legend_format(legend)
    return built.instant() if instant else built.range()


def table_query(expr: str, ref: str) -> Dataquery:
    return query(expr, ref=ref, instant=True).format(PromQueryFormat.TABLE)


def kpi_thresholds(kpi: Kpi, target: float) -> ThresholdsConfig:
    """Red below the target, green from it on."""
    return (
        ThresholdsConfig()
        .mode(ThresholdsMode.ABSOLUTE)
        .steps([Threshold(value=None, color=BAD), Threshold(value=target, color=GOOD)])
    )


def count_thresholds(warn_from: float = 1) -> ThresholdsConfig:
    """Green at 0, red from ``warn_from`` (parked messages, down targets, failures)."""
    return (
        ThresholdsConfig()
        .mode(ThresholdsMode.ABSOLUTE)
        .steps([Threshold(value=None, color=GOOD), Threshold(value=warn_from, color=BAD)])
    )


def neutral_thresholds() -> ThresholdsConfig:
    return ThresholdsConfig().mode(ThresholdsMode.ABSOLUTE).steps([Threshold(color=NEUTRAL)])


def last_value() -> ReduceDataOptions:
    return ReduceDataOptions().calcs(["lastNotNull"]).values(False)


def region_variable(*, multi: bool) -> QueryVariable:
    """The regions kpi has seen events from."""
    variable = (
        QueryVariable("region")
        .label("Region")
        .datasource(DATASOURCE)
        .query("label_values(aftercare_events_consumed_total, region)")
        .refresh(VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(VariableSort.ALPHABETICAL_ASC)
        .multi(multi)
    )
    return variable.include_all(True).all_value(".*") if multi else variable


def service_variable() -> QueryVariable:
    """The services Prometheus scrapes."""
    return (
        QueryVariable("service")
        .label("Service")
        .datasource(DATASOURCE)
        .query('label_values(up{job=~"aftercare-(web|worker)"}, service)')
        .refresh(VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(VariableSort.ALPHABETICAL_ASC)
        .multi(True)
        .include_all(True)
        .all_value(".*")
    )


class Board:
    """A dashboard being built: rows and panels in order, ids handed out one by one."""

    def __init__(self, uid: str, title: str, description: str) -> None:
        self.dashboard = (
            Dashboard(title)
            .uid(uid)
            .description(description)
            .tags(["aftercare"])
            .editable()
            .refresh("1m")
            .time("now-7d", "now")
            .timezone(common.TimeZoneBrowser)
        )
        self._next_id = 1

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def row(self, title: str) -> Board:
        self.dashboard = self.dashboard.with_row(Row(title).id(self._id()))
        return self

    def add(self, *panels: Builder[Panel]) -> Board:
        for panel in panels:
            built = panel.build()
            built.id_val = self._id()
            self.dashboard = self.dashboard.with_panel(_Built(built))
        return self


class _Built(Builder[Panel]):
    """A panel already built (so its id can be set before it is placed)."""

    def __init__(self, panel: Panel) -> None:
        self._panel = panel

    def build(self) -> Panel:
        return self._panel


def kpi_stat(
    title: str, kpi: Kpi, target: float, queries: Sequence[Dataquery], *, w: int = 4, h: int = 4
) -> stat.Panel:
    panel = (
        stat.Panel()
        .title(title)
        .description(f"{kpi.description} Target {_shown(kpi, target)}.")
        .datasource(DATASOURCE)
        .unit(kpi.unit)
        .decimals(1 if kpi.unit == "percentunit" else 2)
        .min(kpi.minimum)
        .max(kpi.maximum)
        .thresholds(kpi_thresholds(kpi, target))
        .color_mode(common.BigValueColorMode.BACKGROUND)
        .graph_mode(common.BigValueGraphMode.NONE)
        .reduce_options(last_value())
        .no_value("no facts")
        .span(w)
        .height(h)
    )
    for q in queries:
        panel = panel.with_target(q)
    return panel


def kpi_bars(title: str, kpi: Kpi, target: float, expr: str, *, w: int = 8) -> bargauge.Panel:
    """One bar per region, coloured against the target."""
    return (
        bargauge.Panel()
        .title(title)
        .description(f"{kpi.description} Target {_shown(kpi, target)}.")
        .datasource(DATASOURCE)
        .unit(kpi.unit)
        .decimals(1 if kpi.unit == "percentunit" else 2)
        .min(kpi.minimum)
        .max(kpi.maximum)
        .thresholds(kpi_thresholds(kpi, target))
        .display_mode(common.BarGaugeDisplayMode.BASIC)
        .orientation(common.VizOrientation.HORIZONTAL)
        .show_unfilled(True)
        .reduce_options(last_value())
        .with_target(query(expr, "{{region}}", instant=True))
        .span(w)
        .height(7)
    )


def trend(
    title: str,
    description: str,
    queries: Sequence[Dataquery],
    *,
    unit: str,
    w: int = 8,
    h: int = 8,
    minimum: float | None = None,
    maximum: float | None = None,
    stacked: bool = False,
    dashed: Sequence[str] = (),
) -> timeseries.Panel:
    """A time series; series whose name is in ``dashed`` (targets) are drawn dashed."""
    panel = (
        timeseries.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .thresholds(neutral_thresholds())
        .line_width(2)
        .fill_opacity(20 if stacked else 0)
        .legend(
            VizLegendOptions()
            .display_mode(common.LegendDisplayMode.LIST)
            .placement(common.LegendPlacement.BOTTOM)
            .show_legend(True)
        )
        .span(w)
        .height(h)
    )
    if minimum is not None:
        panel = panel.min(minimum)
    if maximum is not None:
        panel = panel.max(maximum)
    if stacked:
        panel = panel.stacking(StackingConfig().mode(common.StackingMode.NORMAL))
    for name in dashed:
        panel = panel.override_by_name(
            name,
            [
                DynamicConfigValue("custom.lineStyle", {"fill": "dash", "dash": [10, 10]}),
                DynamicConfigValue("color", {"mode": "fixed", "fixedColor": "orange"}),
            ],
        )
    for q in queries:
        panel = panel.with_target(q)
    return panel


def counts(
    title: str, description: str, expr: str, legend: str, *, unit: str = "short", w: int = 8
) -> bargauge.Panel:
    """Counts over the dashboard's time range, one bar per label value."""
    return (
        bargauge.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .decimals(0)
        .min(0)
        .thresholds(neutral_thresholds())
        .display_mode(common.BarGaugeDisplayMode.BASIC)
        .orientation(common.VizOrientation.HORIZONTAL)
        .reduce_options(last_value())
        .with_target(query(expr, legend, instant=True))
        .span(w)
        .height(7)
    )


def health_stat(
    title: str, description: str, expr: str, legend: str, *, w: int = 8, h: int = 4
) -> stat.Panel:
    """Numbers that should be 0 (parked messages): green at 0, red above."""
    return (
        stat.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit("short")
        .decimals(0)
        .thresholds(count_thresholds())
        .color_mode(common.BigValueColorMode.BACKGROUND)
        .graph_mode(common.BigValueGraphMode.AREA)
        .reduce_options(last_value())
        .with_target(query(expr, legend))
        .span(w)
        .height(h)
    )


def up_stat(title: str, description: str, expr: str, legend: str) -> stat.Panel:
    """1 is UP (green), 0 is DOWN (red)."""
    return (
        stat.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .mappings(
            [
                ValueMap(
                    {
                        "0": ValueMappingResult(text="DOWN", color=BAD, index=0),
                        "1": ValueMappingResult(text="UP", color=GOOD, index=1),
                    }
                )
            ]
        )
        .thresholds(
            ThresholdsConfig()
            .mode(ThresholdsMode.ABSOLUTE)
            .steps([Threshold(value=None, color=BAD), Threshold(value=1, color=GOOD)])
        )
        .color_mode(common.BigValueColorMode.BACKGROUND)
        .graph_mode(common.BigValueGraphMode.NONE)
        .text_mode(common.BigValueTextMode.VALUE_AND_NAME)
        .reduce_options(last_value())
        .with_target(query(expr, legend, instant=True))
        .span(24)
        .height(5)
    )


def ranking(
    title: str, description: str, columns: Sequence[tuple[str, str, str]], sort_by: str
) -> table.Panel:
    """A table with one row per label value and one column per (name, unit, expr), each an
    instant query, joined on their labels (Grafana's `merge`)."""
    refs = [chr(ord("A") + i) for i in range(len(columns))]
    rename = {f"Value #{ref}": name for ref, (name, _, _) in zip(refs, columns, strict=True)}
    panel = (
        table.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .thresholds(neutral_thresholds())
        .with_transformation(DataTransformerConfig(id_val="merge", options={}))
        .with_transformation(
            DataTransformerConfig(
                id_val="organize",
                options={"excludeByName": {"Time": True}, "renameByName": rename},
            )
        )
        .sort_by([SortBy().display_name(sort_by).desc(True)])
        .span(24)
        .height(10)
    )
    for ref, (name, unit, expr) in zip(refs, columns, strict=True):
        panel = panel.with_target(table_query(expr, ref)).override_by_name(
            name, [DynamicConfigValue("unit", unit)]
        )
    return panel


def _shown(kpi: Kpi, target: float) -> str:
    return f"{target:.0%}" if kpi.unit == "percentunit" else f"{target:g}"
