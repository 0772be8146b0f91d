"""Billing's /metrics families, read from its tables at scrape time (so every gunicorn worker
and every restart reports the same numbers): invoices by region and status, the amount still
owed, the overdue ones and the flagged ones waiting for an audit. Labels stay bounded."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from services.billing import queries
from services.billing.domain import PAYABLE
from shared.metrics import CallbackCollector
from shared.service import Runtime


def _families() -> dict[str, GaugeMetricFamily]:
    return {
        "invoices": GaugeMetricFamily(
            "aftercare_invoices", "Invoices by status", labels=["region", "status"]
        ),
        "owed": GaugeMetricFamily(
            "aftercare_invoices_outstanding_amount",
            "Amount still owed on issued invoices",
            labels=["region", "currency"],
        ),
        "overdue": GaugeMetricFamily(
            "aftercare_invoices_overdue",
            "Issued invoices past their due date with money owed",
            labels=["region"],
        ),
        "flagged": GaugeMetricFamily(
            "aftercare_invoices_flagged_unaudited",
            "Invoices with discrepancies or unpriced lines, not audited yet",
            labels=["region"],
        ),
    }


def _sums(figures: Iterable[tuple[str, str, str, int, Any, int]]) -> tuple[dict[Any, Any], ...]:
    counts: dict[tuple[str, str], int] = {}
    amounts: dict[tuple[str, str], Decimal] = {}
    flags: dict[str, int] = {}
    for region, status, currency, count, outstanding, unaudited in figures:
        counts[region, status] = counts.get((region, status), 0) + count
        if status in PAYABLE:
            owed = amounts.get((region, currency), Decimal(0))
            amounts[region, currency] = owed + Decimal(outstanding or 0)
        flags[region] = flags.get(region, 0) + unaudited
    return counts, amounts, flags


def collectors(rt: Runtime) -> list[Collector]:
    """Billing's families."""

    def collect() -> Iterable[Metric]:
        families = _families()
        with rt.db.session() as session:
            counts, amounts, flags = _sums(queries.invoice_figures(session))
            late = queries.count_overdue(session, now=rt.clock.now())
        for (region, status), count in sorted(counts.items()):
            families["invoices"].add_metric([region, status], count)
        for (region, currency), amount in sorted(amounts.items()):
            families["owed"].add_metric([region, currency], float(amount))
        for region in rt.settings.regions:
            families["flagged"].add_metric([region], flags.get(region, 0))
            families["overdue"].add_metric([region], late.get(region, 0))
        return list(families.values())

    return [CallbackCollector(collect)]
