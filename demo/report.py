"""The comparison: per (month, region), each compared KPI as the ledger expects it and as kpi
reports it at ``GET /kpis?month=&region=``."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from demo.client import Api
from demo.ledger import COMPARED, Ledger, Measure


@dataclass(frozen=True)
class Row:
    month: str
    region: str
    kpi: str
    expected: tuple[int, int, float | None]
    reported: tuple[int, int, float | None]

    @property
    def agrees(self) -> bool:
        (en, ed, em), (rn, rd, rm) = self.expected, self.reported
        # kpi keeps whole seconds per repair; a mean within a second is the same figure.
        tolerance = 1.0 if self.kpi == "mean_time_to_repair" else 1e-4
        same_mean = em is None or rm is None or abs(em - rm) < tolerance
        return (en, ed) == (rn, rd) and same_mean and (em is None) == (rm is None)


def _reported(value: dict[str, Any] | None, kind: str) -> tuple[int, int, float | None]:
    if not value:
        return (0, 0, None)
    if kind == "duration":  # (count, count, mean seconds)
        repairs = int(value.get("repairs") or 0)
        return (repairs, repairs, value.get("mean_seconds") if repairs else None)
    mean = value.get("mean_rating") if kind == "rated" else None
    return (int(value["numerator"] or 0), int(value["denominator"] or 0), mean)


def _expected(measure: Measure | None, kind: str) -> tuple[int, int, float | None]:
    if measure is None or not measure.count:
        return (0, 0, None)
    mean = measure.mean_rating if kind in ("rated", "duration") else None
    return (measure.hits, measure.count, mean)


def _at_path(kpis: dict[str, Any], name: str) -> dict[str, Any] | None:
    """A KPI by its dotted name (``csat_by_source.consultation``)."""
    value: Any = kpis
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else None


def compare(api: Api, ledger: Ledger) -> list[Row]:
    rows = []
    for month, region in ledger.scopes():
        kpis = api.get("kpi", f"/kpis?month={month}&region={region}")["kpis"]
        measures = ledger.measures.get((month, region), {})
        for kpi, kind in COMPARED:
            expected = _expected(measures.get(kpi), kind)
            rows.append(Row(month, region, kpi, expected, _reported(_at_path(kpis, kpi), kind)))
    return rows


def settle(api: Api, ledger: Ledger, timeout: float) -> list[Row]:
    """Compare until everything agrees or ``timeout`` passes (kpi applies events a moment
    after the producers commit them); the last comparison."""
    deadline = time.monotonic() + timeout
    interval = 0.2
    while True:
        rows = compare(api, ledger)
        if all(r.agrees for r in rows) or time.monotonic() > deadline:
            return rows
        time.sleep(interval)
        interval = min(interval * 1.5, 3.0)


def _cell(kpi: str, value: tuple[int, int, float | None]) -> str:
    n, d, mean = value
    if kpi == "mean_time_to_repair":
        return f"{d} repairs" + (f" mean {mean / 3600:.2f} h" if mean is not None else "")
    text = f"{n}/{d}" + (f" {n / d:.3f}" if d else "")
    return text + (f" mean {mean:.3f}" if mean is not None else "")


def table(rows: list[Row]) -> str:
    """The rows with something on either side (the empty ones agree and are only counted)."""
    empty = [r for r in rows if not r.expected[1] and not r.reported[1]]
    rows = [r for r in rows if r not in empty]
    head = ("month", "region", "kpi", "expected", "reported", "")
    lines = [f"{head[0]:<8} {head[1]:<10} {head[2]:<27} {head[3]:<26} {head[4]:<26}"]
    lines.append("-" * len(lines[0]))
    for r in rows:
        mark = "ok" if r.agrees else "DIFFERS"
        lines.append(
            f"{r.month:<8} {r.region:<10} {r.kpi:<27} "
            f"{_cell(r.kpi, r.expected):<26} {_cell(r.kpi, r.reported):<26} {mark}"
        )
    lines.append(f"(and {len(empty)} KPIs with nothing expected and nothing reported)")
    return "\n".join(lines)
