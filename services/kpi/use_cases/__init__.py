"""kpi's use cases: KPI reports and scorecards (``reports``), closed months (``closing``)
and their corrections (``corrections``), spot checks (``spot_checks``), and the rebuild of
every fact from the event archive (``rebuild``). Each is given a ``KpiUnitOfWork``; reads
never commit."""

from services.kpi.use_cases.attention import get_attention
from services.kpi.use_cases.closing import (
    Closed,
    close_due_months,
    close_month,
    grace_days,
)
from services.kpi.use_cases.common import Misconfigured, month_or_current, scope_region
from services.kpi.use_cases.corrections import correction_view, list_corrections
from services.kpi.use_cases.rebuild import RebuildReport, rebuild_facts
from services.kpi.use_cases.reports import get_kpis, get_scorecard, scorecard_weights
from services.kpi.use_cases.spot_checks import draw_spot_check

__all__ = [
    "Closed",
    "Misconfigured",
    "RebuildReport",
    "close_due_months",
    "close_month",
    "correction_view",
    "draw_spot_check",
    "get_attention",
    "get_kpis",
    "get_scorecard",
    "grace_days",
    "list_corrections",
    "month_or_current",
    "rebuild_facts",
    "scope_region",
    "scorecard_weights",
]
