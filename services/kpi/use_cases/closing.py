"""Closing months: once a month has ended in every region's time zone and the grace period
has passed (``AFTERCARE_KPI_CLOSE_GRACE_DAYS``), its aggregates are frozen, with the weights
in force, under a claim only one closer wins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.kpi.domain.closing import (
    DEFAULT_GRACE_DAYS,
    closes_at,
    months_due,
    parse_grace_days,
)
from services.kpi.domain.months import Months
from services.kpi.models import ClosedMonth
from services.kpi.repositories import KpiUnitOfWork
from services.kpi.use_cases.common import Misconfigured
from services.kpi.use_cases.reports import freeze_scorecards, scorecard_weights
from shared.errors import Conflict


@dataclass(frozen=True)
class Closed:
    """A month closed now (``closed``), or found closed already."""

    month: str
    closed: bool
    closed_at: dt.datetime


def grace_days(uow: KpiUnitOfWork) -> int:
    """The configured grace period, in days."""
    try:
        return parse_grace_days(uow.option("close_grace_days", DEFAULT_GRACE_DAYS))
    except ValueError as exc:
        raise Misconfigured(f"AFTERCARE_KPI_CLOSE_GRACE_DAYS: {exc}") from None


def zones(uow: KpiUnitOfWork) -> list[dt.tzinfo]:
    """Every time zone a month is counted in: each region's, and the default one."""
    months = Months(uow.calendars)
    return [months.zone(region) for region in (*uow.settings.regions, None)]


def close_month(uow: KpiUnitOfWork, *, month: str, by: str, early: bool = False) -> Closed:
    """Freeze a month, or find it frozen already; ``early`` (an operator's explicit close)
    does not wait for the grace period, only for the month's end everywhere."""
    days = grace_days(uow)
    now = uow.clock.now()
    due = closes_at(month, zones(uow), 0 if early else days)
    found = uow.closing.closed([month]).get(month)
    if found is not None:
        return Closed(month, False, found.closed_at)
    if now < due:
        raise Conflict(f"{month} may close from {due.isoformat()}")
    weights = scorecard_weights(uow, None)
    text = ",".join(f"{name}={w}" for name, w in weights.items())
    record = ClosedMonth(month=month, closed_at=now, closed_by=by, grace_days=days, weights=text)
    if not uow.closing.claim(record):
        # Another closer won the claim since we looked.
        return Closed(month, False, uow.closing.closed([month])[month].closed_at)
    uow.closing.freeze(month, now=now)
    freeze_scorecards(uow, month=month, weights=weights, now=now)
    uow.commit()
    return Closed(month, True, now)


def close_due_months(uow: KpiUnitOfWork, *, by: str) -> list[Closed]:
    """Close every month past its end and grace period not closed yet, from the earliest
    with figures."""
    due = months_due(uow.closing.earliest_month(), uow.clock.now(), zones(uow), grace_days(uow))
    already = uow.closing.closed(due)
    closed = [close_month(uow, month=month, by=by) for month in due if month not in already]
    uow.commit()
    return closed
