"""KPI reports and scorecards. A closed month's scorecard is its frozen one (the ranking
bonuses use) unless the live one is asked for; either says when the month closed and lists
the corrections made to it since."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from services.kpi.domain import definitions as d
from services.kpi.domain.report import (
    DEFAULT_WEIGHTS,
    Sums,
    composite,
    fractions,
    kpi_values,
    parse_weights,
    ranked,
)
from services.kpi.models import ClosedMonth
from services.kpi.repositories import KpiUnitOfWork, Measures
from services.kpi.use_cases.common import Misconfigured, month_or_current, scope_region
from services.kpi.use_cases.corrections import correction_view
from shared.auth import Principal
from shared.domain import Window
from shared.errors import InvalidInput

RANK_BY = ("region", "technician")
# Corrections a scorecard lists (the rest: GET /scorecards/corrections).
LISTED_CORRECTIONS = 100


# -- KPIs ------------------------------------------------------------------------------------
def get_kpis(
    uow: KpiUnitOfWork,
    *,
    viewer: Principal,
    month: str | None = None,
    region: str | None = None,
    technician: str | None = None,
) -> dict[str, Any]:
    """Every KPI for a month: overall, one region's, or one technician's (live), whether
    the month is closed, and the frozen KPIs of a closed one."""
    region = scope_region(viewer, region)
    month = month_or_current(uow, month, region)
    closed = uow.closing.closed([month]).get(month)
    built = uow.measures.definition_versions()
    frozen = None
    if closed is not None:
        sums = _scope_sums(uow.closing.frozen(), month, region, technician, closed.closed_at)
        frozen = kpi_values(sums)
    return {
        "month": month,
        "region": region,
        "technician": technician,
        "closed": closed is not None,
        "closed_at": closed.closed_at if closed else None,
        "definitions": dict(d.KPI_DEFINITIONS),
        "facts_built_with": built,
        "rebuild_needed": any(built.get(k) != v for k, v in d.KPI_DEFINITIONS.items()),
        "kpis": kpi_values(_scope_sums(uow.measures, month, region, technician, uow.clock.now())),
        "frozen_kpis": frozen,
    }


def _scope_sums(
    measures: Measures, month: str, region: str | None, technician: str | None, now: dt.datetime
) -> Sums:
    """A month's sums over every region, or one, or one technician's."""
    if technician is not None:
        sums = measures.sum_measures(months=[month], region=region, technician=technician)
        return Sums(sums.get((month,), {}))
    return _overall_sums(measures, month, region, now)


def _overall_sums(measures: Measures, month: str, region: str | None, now: dt.datetime) -> Sums:
    """A month's sums over every region, or one, with the open items past a deadline and
    the backlog now."""
    sums = measures.sum_measures(months=[month], region=region)
    overdue, unanswered = measures.count_past_deadline(months=[month], now=now, region=region)
    backlog: dict[str, int] = {}
    for (service, _), n in measures.backlog(region=region).items():
        backlog[service] = backlog.get(service, 0) + n
    return Sums(
        sums.get((month,), {}),
        overdue_complaints=sum(overdue.values()),
        unanswered_tickets=sum(unanswered.values()),
        backlog=backlog,
    )


# -- scorecards ------------------------------------------------------------------------------
def scorecard_weights(uow: KpiUnitOfWork, requested: str | None) -> dict[str, Decimal]:
    """The weights asked for (validated as input), else the configured ones."""
    if requested is not None:
        try:
            return parse_weights(requested)
        except ValueError as exc:
            raise InvalidInput(str(exc), errors={"weights": [str(exc)]}) from None
    text = uow.option("scorecard_weights", DEFAULT_WEIGHTS)
    try:
        return parse_weights(text or DEFAULT_WEIGHTS)
    except ValueError as exc:
        raise Misconfigured(f"AFTERCARE_KPI_SCORECARD_WEIGHTS: {exc}") from None


def get_scorecard(
    uow: KpiUnitOfWork,
    *,
    viewer: Principal,
    rank_by: str,
    month: str | None = None,
    region: str | None = None,
    weights_text: str | None = None,
    view: str = "frozen",
) -> dict[str, Any]:
    """Regions or technicians (``rank_by``) ranked by the weighted composite of their KPIs
    for a month: a closed month's frozen figures (with the weights of its close, unless
    others are asked for), or the live ones (an open month's, or ``view="live"``)."""
    region = scope_region(viewer, region)
    month = month_or_current(uow, month, region)
    closed = uow.closing.closed([month]).get(month)
    frozen = closed if view != "live" else None
    rows: list[dict[str, Any]] = []
    if frozen is not None and weights_text is None:
        weights = parse_weights(frozen.weights)
        rows = uow.closing.scorecard(month, by=rank_by, scope=region or "")
    else:
        weights = scorecard_weights(uow, weights_text)
    if not rows:  # live, other weights, or a ranking with nobody in it
        measures = uow.closing.frozen() if frozen else uow.measures
        now = frozen.closed_at if frozen else uow.clock.now()
        card = rank_scopes(uow, measures, now, rank_by=rank_by, month=month, region=region)
        rows = _ranking(rank_by, card, weights)
    return {
        "month": month,
        "by": rank_by,
        "region": region,
        "view": "frozen" if frozen else "live",
        **_closing_view(uow, closed, month, region),
        "weights": {name: float(w) for name, w in weights.items()},
        "rows": rows,
    }


def freeze_scorecards(
    uow: KpiUnitOfWork, *, month: str, weights: dict[str, Decimal], now: dt.datetime
) -> None:
    """Keep every ranking of a month just frozen as it is served now: by region and by
    technician, over every region and over each one."""
    frozen = uow.closing.frozen()
    regions = rank_scopes(uow, frozen, now, rank_by="region", month=month, region=None)
    for rank_by in RANK_BY:
        for scope in (None, *sorted(regions)):
            scopes = rank_scopes(uow, frozen, now, rank_by=rank_by, month=month, region=scope)
            rows = _ranking(rank_by, scopes, weights)
            uow.closing.add_scorecard(month, by=rank_by, scope=scope or "", rows=rows)


def _closing_view(
    uow: KpiUnitOfWork, closed: ClosedMonth | None, month: str, region: str | None
) -> dict[str, Any]:
    """When the month closed, and the first corrections made to it since."""
    if closed is None:
        return {"closed": False, "closed_at": None, "corrections": [], "corrections_total": 0}
    page = uow.closing.corrections(month=month, region=region, window=Window(0, LISTED_CORRECTIONS))
    return {
        "closed": True,
        "closed_at": closed.closed_at,
        "corrections": [correction_view(c) for c in page.items],
        "corrections_total": page.total,
    }


def rank_scopes(
    uow: KpiUnitOfWork,
    measures: Measures,
    now: dt.datetime,
    *,
    rank_by: str,
    month: str,
    region: str | None,
) -> dict[str, Sums]:
    """The sums of every scope a scorecard ranks."""
    if rank_by == "region":
        return _region_scopes(uow, measures, now, month, region)
    return _technician_scopes(measures, month, region)


def _ranking(
    rank_by: str, scopes: dict[str, Sums], weights: dict[str, Decimal]
) -> list[dict[str, Any]]:
    scored = {key: fractions(sums) for key, sums in scopes.items()}
    order = ranked((key, composite(parts, weights)) for key, parts in scored.items())
    return [_scorecard_row(rank, rank_by, key, score, scored[key]) for rank, key, score in order]


def _scorecard_row(
    rank: int, rank_by: str, key: str, score: Fraction | None, parts: dict[str, tuple[int, int]]
) -> dict[str, Any]:
    """One ranked scope: its composite, each KPI's ratio and how many facts it judged."""
    return {
        "rank": rank,
        rank_by: key,
        "composite": float(score) if score is not None else None,
        "kpis": {name: (n / den if den else None) for name, (n, den) in sorted(parts.items())},
        "judged": {name: den for name, (_, den) in sorted(parts.items())},
    }


def _region_scopes(
    uow: KpiUnitOfWork, measures: Measures, now: dt.datetime, month: str, region: str | None
) -> dict[str, Sums]:
    """Every configured region and every region with data (or the one asked for)."""
    sums = measures.sum_measures(months=[month], by=("region",), region=region)
    overdue, unanswered = measures.count_past_deadline(months=[month], now=now, region=region)
    seen = {key[1] for key in sums} | {r for _, r in overdue} | {r for _, r in unanswered}
    regions = [region] if region else sorted(set(uow.settings.regions) | seen)
    return {
        r: Sums(
            sums.get((month, r), {}),
            overdue_complaints=overdue.get((month, r), 0),
            unanswered_tickets=unanswered.get((month, r), 0),
        )
        for r in regions
    }


def _technician_scopes(measures: Measures, month: str, region: str | None) -> dict[str, Sums]:
    sums = measures.sum_measures(months=[month], by=("technician",), region=region)
    # Complaints and tickets are not a technician's: only their visit and repair KPIs count.
    return {technician: Sums(amounts) for (_, technician), amounts in sums.items()}
