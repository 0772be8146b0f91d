"""Business calendars per region: working windows per weekday, holidays, make-up working
days, in the region's time zone; and the one pure function that computes business-hour
deadlines on them (waiting on the customer paused the clock: that time is added back).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

DEFAULT_FILE = Path(__file__).with_name("calendars.yaml")
# A calendar with no working window this many days in a row is misconfigured: an open-ended
# walk over it raises instead of looping (no real schedule has a year without work).
IDLE_DAYS_LIMIT = 400
ZERO = dt.timedelta(0)
Window = tuple[dt.time, dt.time]
Interval = tuple[dt.datetime, dt.datetime]


def _check_windows(windows: Sequence[Window], where: str) -> None:
    for start, end in windows:
        if end <= start:
            raise ValueError(f"{where}: window {start}-{end} ends before it starts")
    for (_, end), (start, _) in itertools.pairwise(windows):
        if start < end:
            raise ValueError(f"{where}: windows overlap or are out of order")


@dataclass(frozen=True)
class BusinessCalendar:
    """Working windows of one region (or of the hotline) in local wall-clock time.

    A window that spans a daylight-saving change lasts the real time elapsed; a local time
    that does not exist or occurs twice that day is read with ``fold=0``.
    """

    tz: ZoneInfo
    weekly: Mapping[int, tuple[Window, ...]]  # 0 = Monday; sorted, non-overlapping windows
    holidays: frozenset[dt.date] = frozenset()
    # Weekend days worked in exchange for a holiday, with the windows of a normal weekday.
    makeup_days: frozenset[dt.date] = frozenset()
    makeup_windows: tuple[Window, ...] = field(default=())

    def __post_init__(self) -> None:
        for weekday, windows in self.weekly.items():
            if weekday not in range(7):
                raise ValueError(f"weekday {weekday} is not 0 (Monday) to 6 (Sunday)")
            _check_windows(windows, f"weekday {weekday}")
        _check_windows(self.makeup_windows, "make-up days")
        if clash := self.holidays & self.makeup_days:
            raise ValueError(f"both holiday and make-up day: {sorted(map(str, clash))}")

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

    def intervals_from(
        self, moment: dt.datetime, *, until: dt.datetime | None = None
    ) -> Iterator[Interval]:
        """Working intervals from ``moment`` on (to ``until`` if given), cut to both ends.

        Open-ended, it raises ValueError after IDLE_DAYS_LIMIT days in a row without work.
        """
        day = moment.astimezone(self.tz).date()
        last_day = dt.date.max if until is None else until.astimezone(self.tz).date()
        idle = 0
        while day <= last_day:
            windows = self.windows_on(day)
            for start, end in windows:
                if until is not None and start >= until:
                    return
                if end > moment:
                    yield max(start, moment), end if until is None else min(end, until)
            idle = 0 if windows else idle + 1
            if until is None and idle >= IDLE_DAYS_LIMIT:
                raise ValueError(
                    f"business calendar has no working time in {IDLE_DAYS_LIMIT} days "
                    f"from {moment.isoformat()}"
                )
            day += dt.timedelta(days=1)


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime refused: times must be timezone-aware")
    return moment.astimezone(dt.UTC)


def _merged(pauses: Iterable[Interval]) -> list[Interval]:
    """Pauses as sorted, disjoint UTC intervals; empty ones dropped, inverted ones refused."""
    merged: list[Interval] = []
    for start, end in sorted((_aware(a), _aware(b)) for a, b in pauses):
        if end < start:
            raise ValueError(f"pause ends before it starts: {start} > {end}")
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif end > start:
            merged.append((start, end))
    return merged


def _unpaused(
    calendar: BusinessCalendar,
    moment: dt.datetime,
    until: dt.datetime | None,
    paused: list[Interval],
) -> Iterator[Interval]:
    """Working intervals from ``moment`` (to ``until``) with the paused stretches left out."""
    for p_start, p_end in paused:
        if p_end <= moment:
            continue
        if p_start > moment:
            stop = p_start if until is None else min(p_start, until)
            yield from calendar.intervals_from(moment, until=stop)
        moment = p_end
        if until is not None and moment >= until:
            return
    yield from calendar.intervals_from(moment, until=until)


def add_business_time(
    calendar: BusinessCalendar,
    start: dt.datetime,
    duration: dt.timedelta,
    pauses: Iterable[Interval] = (),
) -> dt.datetime:
    """The earliest moment (UTC) by which ``duration`` of unpaused working time has passed.

    So a start outside working hours counts from the next opening; a deadline that uses up
    a window exactly lands on its closing time (or on a pause's start), not on the next
    opening; and a zero duration returns ``start`` itself, wherever it falls. Paused
    stretches (waiting on the customer) may overlap, lie partly outside working hours or
    extend past the deadline; an ongoing one is passed as ``(paused_at, now)``.
    """
    start = _aware(start)
    paused = _merged(pauses)
    if duration < ZERO:
        raise ValueError("duration must not be negative")
    if duration == ZERO:
        return start
    remaining = duration
    for piece_start, piece_end in _unpaused(calendar, start, None, paused):
        if piece_end - piece_start >= remaining:
            return piece_start + remaining
        remaining -= piece_end - piece_start
    raise AssertionError("unreachable: an open-ended walk never ends")  # pragma: no cover


def business_time_between(
    calendar: BusinessCalendar,
    start: dt.datetime,
    end: dt.datetime,
    pauses: Iterable[Interval] = (),
) -> dt.timedelta:
    """Unpaused working time from ``start`` to ``end`` (zero if end is not after start).

    The inverse of add_business_time: ``between(s, add(s, d)) == d`` for every start.
    """
    start, end = _aware(start), _aware(end)
    paused = _merged(pauses)
    if end <= start:
        return ZERO
    return sum((b - a for a, b in _unpaused(calendar, start, end, paused)), ZERO)


@dataclass(frozen=True)
class CalendarBook:
    """Every region's calendar, plus the hotline's."""

    regions: Mapping[str, BusinessCalendar]
    hotline: BusinessCalendar

    def for_region(self, region: str) -> BusinessCalendar:
        """The region's calendar; KeyError naming the region if none is configured."""
        try:
            return self.regions[region]
        except KeyError:
            raise KeyError(f"no business calendar for region {region!r}") from None


def _windows(spec: Sequence[str]) -> tuple[Window, ...]:
    windows = []
    for text in spec:
        start, dash, end = str(text).partition("-")
        if not dash:
            raise ValueError(f"window {text!r} is not written as HH:MM-HH:MM")
        windows.append((dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip())))
    return tuple(sorted(windows))  # BusinessCalendar refuses inverted or overlapping ones


_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def _weekday(name: str) -> int:
    try:
        return _DAYS[str(name).lower()]
    except KeyError:
        raise ValueError(f"unknown weekday {name!r}: use one of {', '.join(_DAYS)}") from None


def _dates(values: Iterable[Any]) -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(str(value)) for value in values)


def _calendar(spec: Mapping[str, Any], base: Mapping[str, Any]) -> BusinessCalendar:
    merged = {**base, **spec}
    return BusinessCalendar(
        tz=ZoneInfo(merged["timezone"]),
        weekly={_weekday(day): _windows(windows) for day, windows in merged["hours"].items()},
        holidays=_dates(merged.get("holidays") or ()),
        makeup_days=_dates(merged.get("makeup_days") or ()),
        makeup_windows=_windows(merged.get("makeup_hours") or ()),
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
