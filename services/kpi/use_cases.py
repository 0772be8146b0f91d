"""kpi's use cases: KPI reports, scorecards, spot checks, and the rebuild of every fact from
the event archive. Each is given a ``KpiUnitOfWork``; reads never commit."""

from __future__ import annotations

import json
import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from services.kpi.domain import definitions as d
from services.kpi.domain.months import Months
from services.kpi.domain.report import (
    DEFAULT_WEIGHTS,
    Sums,
    composite,
    fractions,
    kpi_values,
    parse_weights,
    ranked,
)
from services.kpi.domain.spot_checks import MAX_SEED, draw_sample, spot_check_view
from services.kpi.models import SpotCheck
from services.kpi.repositories import ArchivedRow, KpiUnitOfWork
from shared.auth import Principal
from shared.errors import Forbidden, InvalidInput, ServiceError
from shared.events import BatchScope, Event, EventContractError, Subscriptions

log = logging.getLogger(__name__)


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


def month_or_current(uow: KpiUnitOfWork, month: str | None, region: str | None) -> str:
    """The month asked for, else the current one in the region's (or default) time zone."""
    if month:
        return month
    return Months(uow.calendars)(uow.clock.now(), region)


# -- KPIs ------------------------------------------------------------------------------------
def get_kpis(
    uow: KpiUnitOfWork,
    *,
    viewer: Principal,
    month: str | None = None,
    region: str | None = None,
    technician: str | None = None,
) -> dict[str, Any]:
    """Every KPI for a month: overall, one region's, or one technician's."""
    region = scope_region(viewer, region)
    month = month_or_current(uow, month, region)
    if technician is None:
        scope = _overall_sums(uow, month, region)
    else:
        sums = uow.measures.sum_measures(months=[month], region=region, technician=technician)
        scope = Sums(sums.get((month,), {}))
    built = uow.measures.definition_versions()
    return {
        "month": month,
        "region": region,
        "technician": technician,
        "definitions": dict(d.KPI_DEFINITIONS),
        "facts_built_with": built,
        "rebuild_needed": any(built.get(k) != v for k, v in d.KPI_DEFINITIONS.items()),
        "kpis": kpi_values(scope),
    }


def _overall_sums(uow: KpiUnitOfWork, month: str, region: str | None) -> Sums:
    """A month's sums over every region, or one, with the open items past a deadline and
    the backlog now."""
    sums = uow.measures.sum_measures(months=[month], region=region)
    overdue, unanswered = uow.measures.count_past_deadline(
        months=[month], now=uow.clock.now(), region=region
    )
    backlog: dict[str, int] = {}
    for (service, _), n in uow.measures.backlog(region=region).items():
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
) -> dict[str, Any]:
    """Regions or technicians (``rank_by``) ranked by the weighted composite of their KPIs
    for a month."""
    region = scope_region(viewer, region)
    month = month_or_current(uow, month, region)
    weights = scorecard_weights(uow, weights_text)
    scopes = (
        _region_scopes(uow, month, region)
        if rank_by == "region"
        else _technician_scopes(uow, month, region)
    )
    scored = {key: fractions(sums) for key, sums in scopes.items()}
    order = ranked((key, composite(parts, weights)) for key, parts in scored.items())
    return {
        "month": month,
        "by": rank_by,
        "region": region,
        "weights": {name: float(w) for name, w in weights.items()},
        "rows": [
            _scorecard_row(rank, rank_by, key, score, scored[key]) for rank, key, score in order
        ],
    }


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


def _region_scopes(uow: KpiUnitOfWork, month: str, region: str | None) -> dict[str, Sums]:
    """Every configured region and every region with data (or the one asked for)."""
    sums = uow.measures.sum_measures(months=[month], by=("region",), region=region)
    overdue, unanswered = uow.measures.count_past_deadline(
        months=[month], now=uow.clock.now(), region=region
    )
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


def _technician_scopes(uow: KpiUnitOfWork, month: str, region: str | None) -> dict[str, Sums]:
    sums = uow.measures.sum_measures(months=[month], by=("technician",), region=region)
    # Complaints and tickets are not a technician's: only their visit and repair KPIs count.
    return {technician: Sums(measures) for (_, technician), measures in sums.items()}


# -- spot checks -----------------------------------------------------------------------------
def draw_spot_check(
    uow: KpiUnitOfWork, *, spot_check_in: dict[str, Any], by: Principal
) -> dict[str, Any]:
    """A random sample of the month's completed work orders, drawn with a recorded seed so
    that anyone can draw it again: ``random.Random(seed).sample(ids in order, size)``."""
    region = scope_region(by, spot_check_in.get("region"))
    month, size = spot_check_in["month"], spot_check_in["size"]
    seed = spot_check_in.get("seed")
    if seed is None:
        seed = secrets.randbelow(MAX_SEED + 1)
    population = uow.measures.completed_work_orders(month=month, region=region)
    sample = draw_sample(population, size, seed)
    record = uow.spot_checks.add(
        SpotCheck(
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
    )
    # Read before the commit: a read after it would open another transaction (on SQLite a
    # write lock) that the request would hold while the Idempotency-Key is being stored.
    view = spot_check_view(record, uow.spot_checks.work_order_details(sample))
    uow.commit()
    return view


# -- rebuild ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RebuildReport:
    """What a rebuild replayed, left out, took, and built the facts with."""

    replayed: int
    skipped: int
    seconds: float
    definitions: dict[str, int]


def rebuild_facts(
    uow: KpiUnitOfWork, *, subscriptions: Subscriptions, chunk_size: int = 1000
) -> RebuildReport:
    """Clear every fact and aggregate and replay the archive into them, in order of
    occurrence, through kpi's handlers (``subscriptions``) and the current definitions; one
    transaction, so readers see the old numbers until it commits."""
    started = time.perf_counter()
    replayed = skipped = 0
    uow.facts.clear()
    for chunk in uow.archive.chunks(chunk_size):
        batch = uow.facts.replay({row.event_id: row.applied_at for row in chunk})
        for row in chunk:
            if _replay(subscriptions, batch, row):
                replayed += 1
            else:
                skipped += 1
        batch.flush()
    uow.facts.record_definitions(d.KPI_DEFINITIONS, at=uow.clock.now())
    uow.commit()
    return RebuildReport(replayed, skipped, time.perf_counter() - started, dict(d.KPI_DEFINITIONS))


def _replay(subscriptions: Subscriptions, batch: BatchScope, row: ArchivedRow) -> bool:
    """Stage one archived event on the batch; False when today's handlers refuse it."""
    try:
        event = Event.from_json(row.envelope)
        calls = subscriptions.resolve(event)
    except EventContractError as exc:
        # Archived under older inbound schemas: left out, and said so.
        log.warning("archived event skipped", extra={"event_id": row.event_id, "error": str(exc)})
        return False
    for handler, delivery in calls:
        handler(delivery, batch)
    return True
