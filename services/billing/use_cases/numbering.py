"""Taking the next gap-free number of a series for a region, in the caller's transaction."""

from __future__ import annotations

from services.billing import domain
from services.billing.repositories import BillingUnitOfWork


def take_number(uow: BillingUnitOfWork, series: str, region: str) -> str:
    """``<series>-<year>-<REGION>-<seq>``, the year being the region's at this moment. Take
    it last before the commit: the counter row stays locked until then."""
    year = domain.numbering_year(uow.clock.now(), uow.calendar(region).tz)
    sequence = uow.counters.next_number(series, year, region)
    return domain.document_number(series, year, region, sequence)
