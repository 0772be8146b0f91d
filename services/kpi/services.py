"""kpi's use cases: KPI reports, scorecards and spot checks."""

from __future__ import annotations

import json
import random
import secrets
import uuid
from typing import Any

from sqlalchemy.orm import Session

from services.kpi import definitions as d
from services.kpi import queries
from services.kpi.models import SpotCheck
from services.kpi.months import Months, calendars_for
from services.kpi.report import (
    DEFAULT_WEIGHTS,
    Sums,
    composite,
    fractions,
    kpi_values,
    parse_weights,
    ranked,
)
from shared.auth import Principal
from shared.db import UnitOfWork
from shared.errors import Forbidden, InvalidInput, ServiceError

# Seeds stay within what every JSON client reads exactly.
MAX_SEED = 2**53 - 1


class Misconfigured(ServiceError):
    """The service's configuration is wrong: the operator's to fix, not the caller's."""

    status, slug = 500, "misconfigured"


def scope_region(viewer: Principal, requested: str | None) -> str | None:
    """The region a read covers: a region-limited caller sees its own region only."""
    if viewer.region is None:
        return requested
    if requested not in (None, viewer.region):
        raise Forbidden(f"this token is limited to region {viewer.region}")
    return viewer.region


def month_or_current(uow: UnitOfWork, month: str | None, region: str | None) -> str:
    """The month asked for, else the current one in the region's (or default) time zone."""
    if month:
        return month
    months = Months(calendars_for(uow.settings, uow.calendars))
    return months(uow.clock.now(), region)


def get_kpis(
    uow: UnitOfWork, *, month: str, region: str | None, technician: str | None
) -> dict[str, Any]:
    """Every KPI for a month: overall, one region's, or one technician's."""
    session, now = uow.session, uow.clock.now()
    sums = queries.sum_measures(session, months=[month], region=region, technician=technician)
    measures = sums.get((month,), {})
    if technician is None:
        overdue, unanswered = queries.count_past_deadline(
            session, months=[month], now=now, region=region
        )
        backlog: dict[str, int] = {}
        for (service, _), n in queries.get_backlog(session, region=region).items():
            backlog[service] = backlog.get(service, 0) + n
        scope = Sums(
            measures,
            overdue_complaints=sum(overdue.values()),
            unanswered_tickets=sum(unanswered.values()),
            backlog=backlog,
        )
    else:
        scope = Sums(measures)
    built = queries.get_definition_versions(session)
    return {
        "month": month,
        "region": region,
        "technician": technician,
        "definitions": dict(d.KPI_DEFINITIONS),
        "facts_built_with": built,
        "rebuild_needed": any(built.get(k) != v for k, v in d.KPI_DEFINITIONS.items()),
        "kpis": kpi_values(scope),
    }


def scorecard_weights(uow: UnitOfWork, requested: str | None) -> dict[str, Any]:
    """The weights asked for (validated as input), else the configured ones."""
    if requested is not None:
        try:
            return parse_weights(requested)
        except ValueError as exc:
            raise InvalidInput(str(exc), errors={"weights": [str(exc)]}) from None
    text = uow.settings.option("scorecard_weights", DEFAULT_WEIGHTS) if uow.settings else ""
    try:
        return parse_weights(text or DEFAULT_WEIGHTS)
    except ValueError as exc:
        raise Misconfigured(f"AFTERCARE_KPI_SCORECARD_WEIGHTS: {exc}") from None


def get_scorecard(
    uow: UnitOfWork, *, month: str, by: str, region: str | None, weights_text: str | None
) -> dict[str, Any]:
    """Regions or technicians ranked by the weighted composite of their KPIs for a month."""
    weights = scorecard_weights(uow, weights_text)
    scopes = (
        _region_scopes(uow, month, region)
        if by == "region"
        else _technician_scopes(uow.session, month, region)
    )
    scored = {key: fractions(sums) for key, sums in scopes.items()}
    order = ranked((key, composite(parts, weights)) for key, parts in scored.items())
    rows = []
    for rank, key, score in order:
        parts = scored[key]
        rows.append(
            {
                "rank": rank,
                by: key,
                "composite": float(score) if score is not None else None,
                "kpis": {
                    name: (n / den if den else None) for name, (n, den) in sorted(parts.items())
                },
                "judged": {name: den for name, (_, den) in sorted(parts.items())},
            }
        )
    return {
        "month": month,
        "by": by,
        "region": region,
        "weights": {name: float(w) for name, w in weights.items()},
        "rows": rows,
    }


def _region_scopes(uow: UnitOfWork, month: str, region: str | None) -> dict[str, Sums]:
    session, now = uow.session, uow.clock.now()
    sums = queries.sum_measures(session, months=[month], by=("region",), region=region)
    overdue, unanswered = queries.count_past_deadline(
        session, months=[month], now=now, region=region
    )
    configured = uow.settings.regions if uow.settings else ()
    seen = {key[1] for key in sums} | {r for _, r in overdue} | {r for _, r in unanswered}
    regions = [region] if region else sorted(set(configured) | seen)
    return {
        r: Sums(
            sums.get((month, r), {}),
            overdue_complaints=overdue.get((month, r), 0),
            unanswered_tickets=unanswered.get((month, r), 0),
        )
        for r in regions
    }


def _technician_scopes(session: Session, month: str, region: str | None) -> dict[str, Sums]:
    sums = queries.sum_measures(session, months=[month], by=("technician",), region=region)
    # Complaints and tickets are not a technician's: only their visit and repair KPIs count.
    return {technician: Sums(measures) for (_, technician), measures in sums.items()}


def draw_spot_check(
    uow: UnitOfWork, *, spot_check_in: dict[str, Any], by: Principal
) -> dict[str, Any]:
    """A random sample of the month's completed work orders, drawn with a recorded seed so
    that anyone can draw it again: ``random.Random(seed).sample(ids in order, size)``."""
    region = scope_region(by, spot_check_in.get("region"))
    month, size = spot_check_in["month"], spot_check_in["size"]
    seed = spot_check_in.get("seed")
    if seed is None:
        seed = secrets.randbelow(MAX_SEED + 1)
    population = queries.list_completed_work_orders(uow.session, month=month, region=region)
    sample = random.Random(seed).sample(population, min(size, len(population)))
    record = SpotCheck(
        id=str(uuid.uuid4()),
        month=month,
        region=region,
        size=size,
        seed=seed,
        population=len(population),
        work_order_ids=json.dumps(sample),
        created_at=uow.clock.now(),
        created_by=by.sub,
    )
    uow.session.add(record)
    # Read before the commit: a read after it would open another transaction (on SQLite a
    # write lock) that the request would hold while the Idempotency-Key is being stored.
    view = queries.spot_check_view(uow.session, record)
    uow.commit()
    return view
