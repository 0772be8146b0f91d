"""Results applied: the technicians whose results fall below target on a KPI for two months
running, the training that addresses it, and whether they attended such training.

A technician is listed for a KPI when it has facts (a denominator above zero) in both the
month asked for and the month before, and its ratio is below the target in both (exactly:
numerator / denominator < target). The training that addresses a KPI is a support training
topic; a technician attended it when a session held (``training.held``) in the first month
of the run or later lists that topic and has the technician among the attendees who came
(``attendee_ids``: the person id support records is the technician's id, as dispatch and
kpi know it)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from services.kpi.domain import channels
from services.kpi.domain.definitions import Amount
from services.kpi.domain.report import PER_TECHNICIAN, Sums, fractions

# The KPIs a technician has, and the defaults (deploy/prometheus/rules/kpi.rules.yml's
# aftercare:kpi_target; csat_all_sources as csat).
ATTENTION_KPIS = (*PER_TECHNICIAN, "csat_all_sources")
DEFAULT_TARGETS = "repair_timeliness=0.95,first_time_fix=0.85,csat=0.9,csat_all_sources=0.9"
DEFAULT_TRAINING = (
    "repair_timeliness=principles,first_time_fix=troubleshooting,"
    "csat=operation_demo,csat_all_sources=operation_demo"
)
Figures = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class Session:
    """A training session held, as the attention list reads it."""

    session_id: str
    region: str
    held_at: dt.datetime
    topics: str
    attendee_ids: str


def _pairs(text: str, what: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for part in text.split(","):
        name, sep, value = (p.strip() for p in part.partition("="))
        if not sep or name not in ATTENTION_KPIS or not value:
            raise ValueError(f"{part.strip()!r}: expected kpi={what}, kpi one of {ATTENTION_KPIS}")
        if name in pairs:
            raise ValueError(f"{name} given twice")
        pairs[name] = value
    return pairs


def parse_targets(text: str) -> dict[str, Decimal]:
    """``kpi=target,...``, each target a ratio from 0 to 1; ValueError saying what is wrong."""
    targets: dict[str, Decimal] = {}
    for name, value in _pairs(text, "target").items():
        try:
            target = Decimal(value) if len(value) <= 12 else Decimal("NaN")
        except InvalidOperation:
            raise ValueError(f"{name}: target {value[:20]!r} is not a number") from None
        if not target.is_finite() or not 0 <= target <= 1:
            raise ValueError(f"{name}: target must be between 0 and 1")
        targets[name] = target
    return targets


def parse_training(text: str) -> dict[str, str]:
    """``kpi=training topic,...``: the training that addresses each KPI."""
    return _pairs(text, "topic")


def previous_month(month: str) -> str:
    """The month before ``YYYY-MM``."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def technician_figures(amounts: Mapping[str, Amount]) -> Figures:
    """(numerator, denominator) of each KPI a technician is held to."""
    parts = fractions(Sums(amounts))
    combined = channels.by_source(dict(amounts))["all"]
    parts["csat_all_sources"] = (combined[1], combined[0])
    return {name: parts[name] for name in ATTENTION_KPIS}


def below_target(
    runs: tuple[Mapping[str, Figures], Mapping[str, Figures]], targets: Mapping[str, Decimal]
) -> list[tuple[str, str, tuple[int, int], tuple[int, int]]]:
    """(technician, kpi, the first month's figure, the second's) for each KPI a technician
    is below target on in both months, by technician then KPI."""
    first, second = runs
    found = []
    for technician in sorted(first.keys() & second.keys()):
        for kpi, target in sorted(targets.items()):
            before, now = first[technician][kpi], second[technician][kpi]
            if all(d and Fraction(n, d) < Fraction(target) for n, d in (before, now)):
                found.append((technician, kpi, before, now))
    return found


def sessions_attended(
    technician: str,
    topic: str,
    sessions: Iterable[Session],
    *,
    since: str,
    month_of: Callable[[dt.datetime, str], str],
) -> list[str]:
    """The sessions on ``topic`` held in month ``since`` or later that the technician came
    to, in id order."""
    return sorted(
        s.session_id
        for s in sessions
        if month_of(s.held_at, s.region) >= since
        and topic in json.loads(s.topics)
        and technician in json.loads(s.attendee_ids)
    )


def figure_view(figure: tuple[int, int]) -> dict[str, Any]:
    numerator, denominator = figure
    return {"numerator": numerator, "denominator": denominator, "ratio": numerator / denominator}
