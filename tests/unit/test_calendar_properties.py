"""Properties of business-hour deadlines, for random starts, durations and pauses."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.calendar import (
    BusinessCalendar,
    add_business_time,
    business_time_between,
    load_calendars,
)
from tests.unit.test_calendar import CAL, office

Pause = tuple[dt.datetime, dt.datetime]

SHIPPED = load_calendars(None, ("east",))
CALENDARS = {
    "fixed": CAL,
    "berlin": office("Europe/Berlin"),
    "east": SHIPPED.for_region("east"),
    "hotline": SHIPPED.hotline,
}
calendars = st.sampled_from(list(CALENDARS.values()))
moments = st.datetimes(  # hypothesis takes naive bounds and attaches the time zones itself
    min_value=dt.datetime(2026, 1, 1),  # noqa: DTZ001
    max_value=dt.datetime(2026, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from([ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/Berlin"), dt.UTC]),
)
durations = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(hours=120))
pauses = st.lists(
    st.tuples(
        st.timedeltas(min_value=dt.timedelta(days=-2), max_value=dt.timedelta(days=10)),
        st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=3)),
    ),
    max_size=4,
)
# No per-example deadline: long durations walk many days, and the test machines are shared.
CALENDAR_SETTINGS = settings(deadline=None, max_examples=150)


def paused_from(
    start: dt.datetime, offsets: list[tuple[dt.timedelta, dt.timedelta]]
) -> list[Pause]:
    """Pauses placed around ``start``: (offset from start, length)."""
    return [(start + offset, start + offset + length) for offset, length in offsets]


@CALENDAR_SETTINGS
@given(calendars, moments, durations, pauses)
def test_between_undoes_add(
    calendar: BusinessCalendar,
    start: dt.datetime,
    duration: dt.timedelta,
    offsets: list[tuple[dt.timedelta, dt.timedelta]],
) -> None:
    paused = paused_from(start, offsets)
    due = add_business_time(calendar, start, duration, paused)
    assert due.tzinfo is dt.UTC
    assert due >= start
    assert business_time_between(calendar, start, due, paused) == duration


@CALENDAR_SETTINGS
@given(calendars, moments, durations, durations)
def test_deadlines_are_monotonic_in_duration(
    calendar: BusinessCalendar, start: dt.datetime, one: dt.timedelta, other: dt.timedelta
) -> None:
    shorter, longer = sorted((one, other))
    assert add_business_time(calendar, start, shorter) <= add_business_time(calendar, start, longer)


@CALENDAR_SETTINGS
@given(calendars, moments, durations, pauses)
def test_pauses_never_make_a_deadline_earlier(
    calendar: BusinessCalendar,
    start: dt.datetime,
    duration: dt.timedelta,
    offsets: list[tuple[dt.timedelta, dt.timedelta]],
) -> None:
    paused = paused_from(start, offsets)
    fewer = paused[:-1]
    assert add_business_time(calendar, start, duration, paused) >= add_business_time(
        calendar, start, duration, fewer
    )


@CALENDAR_SETTINGS
@given(calendars, moments, moments, moments)
def test_between_adds_up_and_is_the_earliest_moment(
    calendar: BusinessCalendar, one: dt.datetime, two: dt.datetime, three: dt.datetime
) -> None:
    first, middle, last = sorted((one, two, three))
    whole = business_time_between(calendar, first, last)
    assert whole == business_time_between(calendar, first, middle) + business_time_between(
        calendar, middle, last
    )
    assert whole <= last - first
    assert first <= add_business_time(calendar, first, whole) <= last
