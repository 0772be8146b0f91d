"""What kpi's use cases share: the region a caller may read, the month asked for, and the
operator's configuration errors."""

from __future__ import annotations

from services.kpi.domain.months import Months
from services.kpi.repositories import KpiUnitOfWork
from shared.auth import Principal
from shared.errors import Forbidden, ServiceError


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
