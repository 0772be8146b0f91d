"""Results applied: the monthly list of technicians below target on a KPI two months running,
with the training that addresses it and whether they attended it (``domain/attention``).
A closed month's figures are its frozen ones (so the list of a closed pair of months is the
one its frozen scorecards imply); the targets and topics are those configured now, and
attendance is live: attending the training after the close is what the list is for."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from services.kpi.domain.attention import (
    DEFAULT_TARGETS,
    DEFAULT_TRAINING,
    Figures,
    Session,
    below_target,
    figure_view,
    parse_targets,
    parse_training,
    previous_month,
    sessions_attended,
    technician_figures,
)
from services.kpi.domain.months import Months
from services.kpi.repositories import KpiUnitOfWork
from services.kpi.use_cases.common import Misconfigured, month_or_current, scope_region
from shared.auth import Principal

# Sessions held up to this long before the run's first month (in UTC) are read, then
# filtered by their month in their own region's time zone.
ZONE_MARGIN = dt.timedelta(days=1)


def attention_settings(uow: KpiUnitOfWork) -> tuple[dict[str, Decimal], dict[str, str]]:
    """The configured targets and the training that addresses each KPI."""
    try:
        targets = parse_targets(uow.option("attention_targets", DEFAULT_TARGETS) or DEFAULT_TARGETS)
    except ValueError as exc:
        raise Misconfigured(f"AFTERCARE_KPI_ATTENTION_TARGETS: {exc}") from None
    try:
        text = uow.option("attention_training", DEFAULT_TRAINING) or DEFAULT_TRAINING
        training = parse_training(text)
    except ValueError as exc:
        raise Misconfigured(f"AFTERCARE_KPI_ATTENTION_TRAINING: {exc}") from None
    return targets, training


def get_attention(
    uow: KpiUnitOfWork, *, viewer: Principal, month: str | None = None, region: str | None = None
) -> dict[str, Any]:
    """The technicians below target on a KPI in ``month`` and the month before, each with
    the training that addresses it and the sessions of it they came to since."""
    region = scope_region(viewer, region)
    month = month_or_current(uow, month, region)
    first = previous_month(month)
    targets, training = attention_settings(uow)
    closed = uow.closing.closed([first, month])
    runs = tuple(_figures(uow, m, region, frozen=m in closed) for m in (first, month))
    sessions = uow.measures.trainings_held(since=_start(first) - ZONE_MARGIN, region=region)
    months = Months(uow.calendars)
    rows = [
        _row(technician, kpi, (first, before), (month, now), targets[kpi], training.get(kpi))
        | _attendance(technician, training.get(kpi), sessions, since=first, month_of=months)
        for technician, kpi, before, now in below_target((runs[0], runs[1]), targets)
    ]
    return {
        "month": month,
        "previous_month": first,
        "region": region,
        "frozen": sorted(closed),
        "targets": {name: float(t) for name, t in targets.items()},
        "training": training,
        "rows": rows,
    }


def _row(
    technician: str,
    kpi: str,
    first: tuple[str, tuple[int, int]],
    second: tuple[str, tuple[int, int]],
    target: Decimal,
    topic: str | None,
) -> dict[str, Any]:
    return {
        "technician": technician,
        "kpi": kpi,
        "target": float(target),
        "months": {first[0]: figure_view(first[1]), second[0]: figure_view(second[1])},
        "training": topic,
    }


def _attendance(
    technician: str,
    topic: str | None,
    sessions: list[Session],
    *,
    since: str,
    month_of: Months,
) -> dict[str, Any]:
    """Whether the technician came to a session on the topic since the run began."""
    attended = (
        sessions_attended(technician, topic, sessions, since=since, month_of=month_of)
        if topic
        else []
    )
    return {"attended": bool(attended), "sessions": attended}


def _figures(
    uow: KpiUnitOfWork, month: str, region: str | None, *, frozen: bool
) -> dict[str, Figures]:
    measures = uow.closing.frozen() if frozen else uow.measures
    sums = measures.sum_measures(months=[month], by=("technician",), region=region)
    return {technician: technician_figures(amounts) for (_, technician), amounts in sums.items()}


def _start(month: str) -> dt.datetime:
    return dt.datetime(int(month[:4]), int(month[5:7]), 1, tzinfo=dt.UTC)
