"""When customers call: a daily rhythm (busy mornings and afternoons, quiet nights), fewer
calls at weekends and on the regions' public holidays (shared/calendars.yaml), from a seed."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from pathlib import Path
from typing import Any

import yaml

REGIONS = ("north", "northeast", "east", "central", "south", "southwest", "northwest")
CALENDARS = Path(__file__).resolve().parent.parent / "shared" / "calendars.yaml"
# Relative weight of each local hour of the day: nights quiet, peaks at 10:00 and 15:00.
HOURLY = (1, 1, 0, 0, 0, 1, 2, 5, 9, 12, 14, 12, 7, 9, 12, 13, 11, 8, 5, 4, 3, 2, 2, 1)


def load_calendars(path: Path = CALENDARS) -> dict[str, dict[str, Any]]:
    """Each region's time zone, holidays and make-up days (the default overridden per region)."""
    data = yaml.safe_load(path.read_text())
    default = data.get("default", {})
    regions = data.get("regions") or {}
    out: dict[str, dict[str, Any]] = {}
    for region in REGIONS:
        merged = {**default, **(regions.get(region) or {})}
        out[region] = {
            "timezone": merged.get("timezone", "Asia/Shanghai"),
            "holidays": {str(d) for d in merged.get("holidays") or []},
            "makeup_days": {str(d) for d in merged.get("makeup_days") or []},
        }
    return out


def day_factor(calendar: dict[str, Any], day: dt.date) -> float:
    """How busy a day is: working days 1, weekends 0.35, holidays 0.2 (make-up days work)."""
    if day.isoformat() in calendar["holidays"]:
        return 0.2
    if day.isoformat() in calendar["makeup_days"]:
        return 1.0
    return 0.35 if day.weekday() >= 5 else 1.0


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw by counting exponential gaps (fine for small means)."""
    count, total = 0, rng.expovariate(1.0)
    while total < mean:
        count += 1
        total += rng.expovariate(1.0)
    return count


def call_times(
    rng: random.Random, calendar: dict[str, Any], day: dt.date, mean: float
) -> list[dt.datetime]:
    """The day's calls in the region, as aware local times in order."""
    zone = zoneinfo.ZoneInfo(calendar["timezone"])
    count = poisson(rng, mean * day_factor(calendar, day))
    hours = rng.choices(range(24), weights=HOURLY, k=count)
    moments = [
        dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)), zone)
        for hour in hours
    ]
    return sorted(moments)


def month_days(month: str) -> list[dt.date]:
    """Every day of a YYYY-MM month."""
    first = dt.date.fromisoformat(f"{month}-01")
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return [first + dt.timedelta(days=i) for i in range((following - first).days)]


def previous_month(today: dt.date) -> str:
    return (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
