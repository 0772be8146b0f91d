"""The corrections made to closed months: a live figure that changed after the close, next
to the frozen one, with the event that changed it."""

from __future__ import annotations

from typing import Any

from services.kpi.domain.definitions import NO_TECHNICIAN
from services.kpi.models import Correction
from services.kpi.repositories import KpiUnitOfWork
from services.kpi.use_cases.common import scope_region
from shared.auth import Principal
from shared.domain import Page, Window


def _value(numerator: int, denominator: int) -> dict[str, Any]:
    """A figure: a ratio's numerator and denominator, or a mean's total and count."""
    return {
        "numerator": numerator,
        "denominator": denominator,
        "value": numerator / denominator if denominator else None,
    }


def correction_view(correction: Correction) -> dict[str, Any]:
    """A correction as the API shows it."""
    technician = correction.technician or None
    return {
        "id": correction.id,
        "month": correction.month,
        "scope": "region" if correction.technician == NO_TECHNICIAN else "technician",
        "region": correction.region,
        "technician": technician,
        "metric": correction.metric,
        "frozen": _value(correction.frozen_numerator, correction.frozen_denominator),
        "live": _value(correction.live_numerator, correction.live_denominator),
        "cause": "event" if correction.event_id else "rebuild",
        "event_id": correction.event_id,
        "event_type": correction.event_type,
        "detected_at": correction.detected_at,
    }


def list_corrections(
    uow: KpiUnitOfWork, *, viewer: Principal, month: str, region: str | None, window: Window
) -> Page[dict[str, Any]]:
    """A month's corrections (one region's; a region-limited caller's own), oldest first."""
    region = scope_region(viewer, region)
    page = uow.closing.corrections(month=month, region=region, window=window)
    return Page([correction_view(c) for c in page.items], page.total)
