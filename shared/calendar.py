"""Business calendars per region: working windows per weekday, holidays, make-up working
days, in the region's time zone; and the one pure function that computes business-hour
deadlines on them (waiting on the customer paused the clock: that time is added back).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

DEFAULT_FILE = Path(__file__).with_name("calendars.yaml")
Window = tuple[dt.time, dt.time]
Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class BusinessCalendar:
    """Working windows of one region (or of the hotline) in local time."""

    tz: ZoneInfo
    weekly: Mapping[int, tuple[Window, ...]]  # 0 = Monday
    holidays: frozenset[dt.date] = frozenset()
    # Weekend days worked in exchange for a holiday, with the windows of a normal weekday.
    makeup_days: frozenset[dt.date] = frozenset()
    makeup_windows: tuple[Window, ...] = field(default=())

    def windows_on(self, day: dt.date) -> list[Interval]:
        """The day's working windows as aware UTC intervals."""
        if day in self.holidays:
            windows: Sequence[Window] = ()
        elif day in self.makeup_days:
            windows = self.makeup_windows or self.weekly.get(0, ())
        else:
            windows = self.weekly.get(day.weekday(), ())
        return [
            (
                dt.datetime.combine(day, start, self.tz).astimezone(dt.UTC),
                dt.datetime.combine(day, end, self.tz).astimezone(dt.UTC),
            )
            for start, end in windows
        ]

    def intervals_from(self, moment: dt.datetime, *, max_days: int = 800) -> Iterator[Interval]:
        """Working intervals from ``moment`` on, the first one cut to start at ``moment``."""
        day = moment.astimezone(self.tz).date()
        for _ in range(max_days):
            for start, end in self.windows_on(day):
                if end > moment:
                    yield max(start, moment), end
            day += dt.timedelta(days=1)
        raise ValueError("no working time within the calendar horizon")


def _subtract(interval: Interval, pauses: Sequence[Interval]) -> list[Interval]:
    pieces = [interval]
    for p_start, p_end in pauses:
        cut: list[Interval] = []
        for start, end in pieces:
            if p_end <= start or p_start >= end:
                cut.append((start, end))
                continue
            if start < p_start:
                cut.append((start, p_start))
            if p_end < end:
                cut.append((p_end, end))
        pieces = cut
    return pieces


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime refused: times must be timezone-aware")
    return moment.astimezone(dt.UTC)


def add_business_time(
    calendar: BusinessCalendar,
    start: dt.datetime,
    duration: dt.timedelta,
    pauses: Iterable[Interval] = (),
) -> dt.datetime:
    """The moment ``duration`` of working time after ``start``, not counting paused time.

    A start outside working hours counts from the next opening; a deadline that uses up a
    window exactly lands on its closing time, not on the next opening.
    """
    start = _aware(start)
    if duration < dt.timedelta(0):
        raise ValueError("duration must not be negative")
    paused = sorted((_aware(a), _aware(b)) for a, b in pauses)
    remaining = duration
    last = start
    for interval in calendar.intervals_from(start):
        for piece_start, piece_end in _subtract(interval, paused):
            if remaining <= dt.timedelta(0):
                return last
            available = piece_end - piece_start
            if available >= remaining:
                return piece_start + remaining
            remaining -= available
            last = piece_end
    raise AssertionError("unreachable")  # pragma: no cover


def business_time_between(
    calendar: BusinessCalendar,
    start: dt.datetime,
    end: dt.datetime,
    pauses: Iterable[Interval] = (),
) -> dt.timedelta:
    """Working time from ``start`` to ``end`` (zero if end is before start), minus pauses."""
    start, end = _aware(start), _aware(end)
    paused = sorted((_aware(a), _aware(b)) for a, b in pauses)
    total = dt.timedelta(0)
    if end <= start:
        return total
    for interval in calendar.intervals_from(start):
        if interval[0] >= end:
            break
        clipped = (interval[0], min(interval[1], end))
        for piece_start, piece_end in _subtract(clipped, paused):
            total += piece_end - piece_start
    return total


@dataclass(frozen=True)
class CalendarBook:
    """Every region's calendar, plus the hotline's."""

    regions: Mapping[str, BusinessCalendar]
    hotline: BusinessCalendar

    def for_region(self, region: str) -> BusinessCalendar:
        try:
            return self.regions[region]
        except KeyError:
            raise KeyError(f"no business calendar for region {region!r}") from None


def _windows(spec: Sequence[str]) -> tuple[Window, ...]:
    windows = []
    for text in spec:
        start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
        if end <= start:
            raise ValueError(f"window {text!r} ends before it starts")
        windows.append((start, end))
    return tuple(sorted(windows))


_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def _calendar(spec: Mapping[str, Any], base: Mapping[str, Any]) -> BusinessCalendar:
    merged = {**base, **spec}
    weekly = {_DAYS[day]: _windows(windows) for day, windows in merged["hours"].items()}
    return BusinessCalendar(
        tz=ZoneInfo(merged["timezone"]),
        weekly=weekly,
        holidays=frozenset(dt.date.fromisoformat(str(d)) for d in merged.get("holidays", [])),
        makeup_days=frozenset(dt.date.fromisoformat(str(d)) for d in merged.get("makeup_days", [])),
        makeup_windows=_windows(merged.get("makeup_hours", [])),
    )


@functools.lru_cache(maxsize=16)
def load_calendars(path: str | None, regions: tuple[str, ...]) -> CalendarBook:
    """Read calendars from YAML (the shipped file when ``path`` is None).

    ``default`` applies to every region; ``regions.<name>`` overrides parts of it;
    ``hotline`` overrides it for the hotline's hours.
    """
    raw = yaml.safe_load(Path(path or DEFAULT_FILE).read_text())
    default = raw["default"]
    overrides = raw.get("regions") or {}
    return CalendarBook(
        regions={region: _calendar(overrides.get(region, {}), default) for region in regions},
        hotline=_calendar(raw.get("hotline", {}), default),
    )
