"""Calendar months in each region's time zone: the month a KPI fact belongs to."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from shared.calendar import CalendarBook

MONTH_PATTERN = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])\Z")


class Months:
    """The calendar month of a moment in a region's time zone (the hotline's zone, the
    default, for a region without a calendar of its own)."""

    def __init__(self, calendars: CalendarBook) -> None:
        self.calendars = calendars
        self._zones: dict[str, ZoneInfo] = {}

    def zone(self, region: str | None) -> ZoneInfo:
        """The time zone a region's months are counted in."""
        key = region or ""
        zone = self._zones.get(key)
        if zone is None:
            calendar = self.calendars.regions.get(key) or self.calendars.hotline
            zone = self._zones[key] = calendar.tz
        return zone

    def __call__(self, moment: dt.datetime, region: str | None) -> str:
        local = moment.astimezone(self.zone(region))
        return f"{local.year:04d}-{local.month:02d}"
