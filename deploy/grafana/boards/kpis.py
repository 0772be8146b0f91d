"""The KPIs the dashboards show, and their targets, read from the Prometheus rules.

The targets are recorded once, as ``aftercare:kpi_target{kpi}`` in
deploy/prometheus/rules/kpi.rules.yml: the alerts compare against that series and the
dashboards draw it, and their thresholds are rendered from the same numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2]
KPI_RULES = DEPLOY / "prometheus" / "rules" / "kpi.rules.yml"
TARGET_SERIES = "aftercare:kpi_target"
# ratings_total{source}: CSAT counts the 1-5 a customer gives when accepting or rejecting a
# repair (source "repair"; kpi's other sources are "followup" and "complaint")
REPAIR_RATINGS = 'source="repair"'
# Per technician, this month (asked of kpi; not among SPEC's names yet): the ratio and the
# number of facts judged for kpi in {repair_timeliness, first_time_fix, csat}, and the mean
# repair rating. Gauges, not counters by technician: a technician's counter series would be
# born at its first fact, and increase() never counts a series' first value.
TECHNICIAN_RATIO = "aftercare_kpi_technician_ratio"
TECHNICIAN_MEAN = "aftercare_kpi_technician_mean_satisfaction"
TECHNICIAN_FACTS = "aftercare_kpi_technician_facts"


@dataclass(frozen=True)
class Kpi:
    """One service-quality KPI: kpi's month gauge, the recorded windows, how to show it."""

    key: str  # the `kpi` label of aftercare:kpi_target
    title: str
    description: str
    gauge: str  # current month per region, exported by kpi
    window: str | None = None  # recorded as <level>:aftercare_<key>:<window><1h|1d|30d>
    unit: str = "percentunit"
    minimum: float = 0.0
    maximum: float = 1.0

    def recorded(self, level: str, span: str) -> str:
        """The recording rule of this KPI over a window, per region or nationwide ("")."""
        if self.window is None:
            raise ValueError(f"{self.key} has no recorded window")
        return f"{level}:aftercare_{self.key}:{self.window}{span}"

    def target(self) -> str:
        return f'{TARGET_SERIES}{{kpi="{self.key}"}}'


KPIS = (
    Kpi(
        "repair_timeliness",
        "Repair timeliness",
        "Visits with on-time arrival / visits whose window has ended (arrived or missed).",
        "aftercare_kpi_repair_timeliness_ratio",
        "ratio",
    ),
    Kpi(
        "first_time_fix",
        "First-time fix",
        "Work orders accepted on their first visit / work orders accepted or escalated.",
        "aftercare_kpi_first_time_fix_ratio",
        "ratio",
    ),
    Kpi(
        "csat",
        "Customer satisfaction (CSAT)",
        "Share of repair acceptance ratings of 4 or 5.",
        "aftercare_kpi_csat_ratio",
        "ratio",
    ),
    Kpi(
        "mean_satisfaction",
        "Mean rating",
        "Mean repair acceptance rating, 1 to 5.",
        "aftercare_kpi_mean_satisfaction",
        "avg",
        unit="none",
        minimum=1.0,
        maximum=5.0,
    ),
    Kpi(
        "complaint_timeliness",
        "Complaint timeliness",
        "Complaints resolved by their deadline / complaints resolved or past their deadline.",
        "aftercare_kpi_complaint_timeliness_ratio",
        "ratio",
    ),
    Kpi(
        "complaint_satisfaction",
        "Complaint satisfaction",
        "Share of complaint feedback that is satisfied (month to date only: kpi exports no "
        "counters for it).",
        "aftercare_kpi_complaint_satisfaction_ratio",
    ),
    Kpi(
        "maintenance_adherence",
        "Maintenance plan adherence",
        "Maintenance visits done / visits due, in the month of the due date (month to date "
        "only: kpi exports no counters for it).",
        "aftercare_kpi_maintenance_adherence_ratio",
    ),
)
WINDOWED = tuple(kpi for kpi in KPIS if kpi.window)

_VECTOR = re.compile(r"^\s*vector\(\s*([0-9.]+)\s*\)\s*$")


def load_targets(path: Path = KPI_RULES) -> dict[str, float]:
    """Each KPI's target, from the ``aftercare:kpi_target`` recording rules."""
    targets: dict[str, float] = {}
    for group in yaml.safe_load(path.read_text())["groups"]:
        for rule in group["rules"]:
            if rule.get("record") != TARGET_SERIES:
                continue
            value = _VECTOR.match(rule["expr"])
            if value is None:
                raise ValueError(f"{TARGET_SERIES} must be a constant vector(): {rule['expr']}")
            targets[rule["labels"]["kpi"]] = float(value[1])
    missing = {kpi.key for kpi in KPIS} - set(targets)
    if missing:
        raise ValueError(f"{path.name} records no target for {sorted(missing)}")
    return targets
