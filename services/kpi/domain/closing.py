"""When a month closes (pure).

A month closes once it has ended in every region's time zone and a grace period of whole
days has passed after that, counted in local days: with the default five days, a Shanghai
November closes at 2026-12-06 00:00 +08:00. A month with regions in several zones closes
when the last of them does, so one frozen ranking covers every region.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

DEFAULT_GRACE_DAYS = "5"
MAX_GRACE_DAYS = 366


def parse_grace_days(text: str) -> int:
    """Whole days, 0 to 366; raises ValueError saying what is wrong."""
    try:
        days = int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number of days") from None
    if not 0 <= days <= MAX_GRACE_DAYS:
        raise ValueError(f"must be between 0 and {MAX_GRACE_DAYS} days")
    return days


def split_month(month: str) -> tuple[int, int]:
    """(year, month) of ``YYYY-MM``."""
    year, number = month.split("-")
    return int(year), int(number)


def month_after(month: str) -> str:
    """The calendar month that follows."""
    year, number = split_month(month)
    year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return f"{year:04d}-{number:02d}"


def local_close(month: str, zone: dt.tzinfo, grace_days: int) -> dt.datetime:
    """Local midnight ``grace_days`` days after the month's last day, in ``zone``."""
    year, number = split_month(month_after(month))
    day = dt.date(year, number, 1) + dt.timedelta(days=grace_days)
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def closes_at(month: str, zones: Iterable[dt.tzinfo], grace_days: int) -> dt.datetime:
    """The instant a month may close: the latest of its regions' local closes."""
    return max(local_close(month, zone, grace_days) for zone in zones)


def may_close(month: str, now: dt.datetime, zones: Iterable[dt.tzinfo], grace_days: int) -> bool:
    """Whether ``month`` is past its end plus the grace period everywhere, at ``now``."""
    return now >= closes_at(month, zones, grace_days)


def months_due(
    first: str | None, now: dt.datetime, zones: Iterable[dt.tzinfo], grace_days: int
) -> list[str]:
    """Every month from ``first`` (the earliest with figures) that may close at ``now``."""
    due: list[str] = []
    zones = list(zones)
    month = first
    while month is not None and may_close(month, now, zones, grace_days):
        due.append(month)
        month = month_after(month)
    return due
