"""Warranty as of the report date: a copy of intake's policy rules
(services/intake/domain.py), which operations keep equal to intake's."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    """Months of parts and of labour cover from the purchase date."""

    parts_months: int
    labour_months: int


@dataclass(frozen=True)
class WarrantyPolicy:
    default: Policy
    models: Mapping[str, Policy]

    def __hash__(self) -> int:
        return hash((self.default, tuple(sorted(self.models.items()))))


@dataclass(frozen=True)
class Warranty:
    status: str  # in_warranty | out_of_warranty | unknown
    parts_covered: bool
    labour_covered: bool
    reason: str


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_on(
    *, model: str, purchase_date: dt.date | None, reported_on: dt.date, policy: WarrantyPolicy
) -> Warranty:
    """Parts and labour cover on the day the problem was reported (intake's rule)."""
    if purchase_date is None:
        return Warranty("unknown", False, False, "no purchase date given")
    own = policy.models.get(model)
    terms = own or policy.default
    parts_until = add_months(purchase_date, terms.parts_months)
    labour_until = add_months(purchase_date, terms.labour_months)
    parts, labour = reported_on <= parts_until, reported_on <= labour_until
    source = f"model {model}" if own is not None else "default policy"
    reason = (
        f"purchased {purchase_date.isoformat()}, reported {reported_on.isoformat()}; "
        f"{source}: parts until {parts_until.isoformat()}, labour until "
        f"{labour_until.isoformat()}"
    )
    status = "in_warranty" if parts or labour else "out_of_warranty"
    return Warranty(status, parts, labour, reason)
