"""Business-hour deadlines, hand-computed on a fixed calendar built here (not the shipped YAML).

The test calendar: Asia/Shanghai, Mon-Fri 08:30-12:00 and 13:30-17:30 (7.5 h a day), a public
holiday on Wednesday 2026-03-18 and a make-up working Saturday on 2026-03-21. March 2026 starts
on a Sunday: Mon 9, Tue 10, Wed 11, Thu 12, Fri 13, Sat 14, Mon 16, Fri 20, Sat 21, Mon 23.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shared.calendar import (
    BusinessCalendar,
    add_business_time,
    business_time_between,
    load_calendars,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = ((dt.time(8, 30), dt.time(12)), (dt.time(13, 30), dt.time(17, 30)))
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def office(tz: str = "Asia/Shanghai") -> BusinessCalendar:
    """Mon-Fri office hours in ``tz``, no holidays."""
    return BusinessCalendar(tz=ZoneInfo(tz), weekly=dict.fromkeys(range(5), OFFICE))


CAL = BusinessCalendar(
    tz=SHANGHAI,
    weekly=dict.fromkeys(range(5), OFFICE),
    holidays=frozenset({dt.date(2026, 3, 18)}),
    makeup_days=frozenset({dt.date(2026, 3, 21)}),
    makeup_windows=OFFICE,
)


def hours_on(calendar: BusinessCalendar, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    """The day's windows as local wall-clock times."""
    return [
        (start.astimezone(calendar.tz).time(), end.astimezone(calendar.tz).time())
        for start, end in calendar.windows_on(day)
    ]


def sh(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    """A Shanghai wall-clock time in 2026."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


# (start, business duration, deadline), every one worked out by hand.
DEADLINES = {
    "inside-morning": (sh(10, 9), 2 * H, sh(10, 11)),
    "across-lunch": (sh(10, 11), 2 * H, sh(10, 14, 30)),
    "exactly-closing": (sh(10, 15, 30), 2 * H, sh(10, 17, 30)),
    "exactly-lunch-closing": (sh(10, 10), 2 * H, sh(10, 12)),
    "whole-day": (sh(10, 8, 30), 7.5 * H, sh(10, 17, 30)),
    "one-minute-past-closing": (sh(10, 15, 30), 2 * H + M, sh(11, 8, 31)),
    "at-opening": (sh(10, 8, 30), H, sh(10, 9, 30)),
    "at-closing": (sh(10, 17, 30), H, sh(11, 9, 30)),
    "early-morning": (sh(10, 6), H, sh(10, 9, 30)),
    "at-lunch": (sh(10, 12, 30), H, sh(10, 14, 30)),
    "evening": (sh(10, 19), H, sh(11, 9, 30)),
    "saturday": (sh(7, 10), H, sh(9, 9, 30)),
    "sunday-midnight": (sh(8, 0), 3.5 * H, sh(9, 12)),
    "across-weekend": (sh(13, 16), 4 * H, sh(16, 11)),
    "across-holiday": (sh(17, 16, 30), 2 * H, sh(19, 9, 30)),
    "on-holiday": (sh(18, 10), H, sh(19, 9, 30)),
    "into-makeup-saturday": (sh(20, 17), H, sh(21, 9)),
    "makeup-saturday-to-monday": (sh(21, 17), H, sh(23, 9)),
    "16h-from-thursday-16:00": (sh(12, 16), 16 * H, sh(16, 17)),
    "40h-from-monday": (sh(9, 8, 30), 40 * H, sh(16, 11)),
    "zero-inside": (sh(10, 10), dt.timedelta(0), sh(10, 10)),
    "zero-on-saturday": (sh(7, 10), dt.timedelta(0), sh(7, 10)),
}


@pytest.mark.parametrize(("start", "duration", "due"), DEADLINES.values(), ids=DEADLINES.keys())
def test_add_business_time(start: dt.datetime, duration: dt.timedelta, due: dt.datetime) -> None:
    assert add_business_time(CAL, start, duration) == due


@pytest.mark.parametrize(("start", "duration", "due"), DEADLINES.values(), ids=DEADLINES.keys())
def test_business_time_between_is_the_inverse(
    start: dt.datetime, duration: dt.timedelta, due: dt.datetime
) -> None:
    assert business_time_between(CAL, start, due) == duration


BETWEEN = {
    "end-at-lunch": (sh(10, 9), sh(10, 12, 45), 3 * H),
    "end-in-evening": (sh(10, 17), sh(10, 23), 0.5 * H),
    "friday-to-monday": (sh(13, 17), sh(16, 9), H),
    "weekend-only": (sh(14, 9), sh(15, 18), dt.timedelta(0)),
    "whole-week-with-holiday-and-makeup": (sh(16, 0), sh(23, 0), 5 * 7.5 * H),
    "end-before-start": (sh(10, 12), sh(10, 9), dt.timedelta(0)),
    "same-moment": (sh(10, 9), sh(10, 9), dt.timedelta(0)),
}


@pytest.mark.parametrize(("start", "end", "worked"), BETWEEN.values(), ids=BETWEEN.keys())
def test_business_time_between(start: dt.datetime, end: dt.datetime, worked: dt.timedelta) -> None:
    assert business_time_between(CAL, start, end) == worked


# (start, duration, pauses, deadline): waiting on the customer is added back.
PAUSED = {
    "inside-a-window": (sh(10, 9), 2 * H, [(sh(10, 9, 30), sh(10, 10))], sh(10, 11, 30)),
    "across-lunch": (sh(10, 11), 2 * H, [(sh(10, 11, 30), sh(10, 14))], sh(10, 15, 30)),
    "overlapping": (
        sh(10, 9),
        2 * H,
        [(sh(10, 10), sh(10, 11)), (sh(10, 9, 30), sh(10, 10, 30))],
        sh(10, 14),
    ),
    "duplicated": (sh(10, 9), H, [(sh(10, 9), sh(10, 9, 30))] * 2, sh(10, 10, 30)),
    "nested": (sh(10, 9), H, [(sh(10, 9), sh(10, 11)), (sh(10, 9, 30), sh(10, 10))], sh(10, 12)),
    "partly-after-hours": (sh(10, 16), 2 * H, [(sh(10, 17), sh(11, 9))], sh(11, 10)),
    "only-over-weekend": (sh(13, 16), 2 * H, [(sh(14, 10), sh(15, 10))], sh(16, 9)),
    "covering-the-start": (sh(10, 9), H, [(sh(10, 8), sh(10, 10))], sh(10, 11)),
    "before-the-start": (sh(10, 9), H, [(sh(9, 9), sh(9, 12))], sh(10, 10)),
    "after-the-deadline": (sh(10, 9), H, [(sh(10, 11), sh(10, 12))], sh(10, 10)),
    "deadline-at-pause-start": (sh(10, 9), H, [(sh(10, 10), sh(10, 11))], sh(10, 10)),
    "ongoing-past-the-deadline": (sh(10, 9), 2 * H, [(sh(10, 10), sh(11, 11))], sh(11, 12)),
    "empty-pause": (sh(10, 9), H, [(sh(10, 9, 30), sh(10, 9, 30))], sh(10, 10)),
}


@pytest.mark.parametrize(("start", "duration", "pauses", "due"), PAUSED.values(), ids=PAUSED.keys())
def test_pauses_are_added_back(
    start: dt.datetime,
    duration: dt.timedelta,
    pauses: list[tuple[dt.datetime, dt.datetime]],
    due: dt.datetime,
) -> None:
    assert add_business_time(CAL, start, duration, pauses) == due
    assert business_time_between(CAL, start, due, pauses) == duration


def test_between_subtracts_paused_time() -> None:
    pauses = [(sh(10, 11), sh(10, 14)), (sh(10, 13), sh(10, 15))]  # 11:00-15:00 once merged
    assert business_time_between(CAL, sh(10, 8, 30), sh(10, 17, 30), pauses) == 5 * H


def test_inputs_in_any_offset_and_output_in_utc() -> None:
    plus_two = dt.timezone(dt.timedelta(hours=2))
    start = dt.datetime(2026, 3, 10, 3, 0, tzinfo=plus_two)  # 09:00 in Shanghai
    due = add_business_time(CAL, start, 2 * H)
    assert due == sh(10, 11)
    assert due.tzinfo is dt.UTC
    assert (due.hour, due.minute) == (3, 0)
    assert add_business_time(CAL, start, dt.timedelta(0)).tzinfo is dt.UTC


NAIVE = dt.datetime.fromisoformat("2026-03-10T09:00:00")


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_business_time(CAL, NAIVE, H),
        lambda: add_business_time(CAL, sh(10, 9), H, [(NAIVE, sh(10, 10))]),
        lambda: business_time_between(CAL, sh(10, 9), NAIVE),
        lambda: business_time_between(CAL, NAIVE, sh(10, 10)),
    ],
    ids=["add-start", "add-pause", "between-end", "between-start"],
)
def test_naive_datetimes_are_refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="naive"):
        call()


def test_negative_duration_and_inverted_pause_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_time(CAL, sh(10, 9), -H)
    with pytest.raises(ValueError, match="pause ends before it starts"):
        add_business_time(CAL, sh(10, 9), H, [(sh(10, 11), sh(10, 10))])
    with pytest.raises(ValueError, match="pause ends before it starts"):
        business_time_between(CAL, sh(10, 9), sh(10, 12), [(sh(10, 11), sh(10, 10))])


def test_region_in_another_time_zone() -> None:
    urumqi = office("Asia/Urumqi")  # UTC+6 in the IANA database
    start = dt.datetime(2026, 3, 10, 16, tzinfo=ZoneInfo("Asia/Urumqi"))  # 10:00 UTC
    # Urumqi: 1.5 h to its 17:30, then Wednesday 08:30 + 0.5 h = 09:00 local = 03:00 UTC.
    assert add_business_time(urumqi, start, 2 * H) == dt.datetime(2026, 3, 11, 3, tzinfo=dt.UTC)
    # The same instant is 18:00 in Shanghai, after closing: Wednesday 08:30 + 2 h.
    assert add_business_time(office(), start, 2 * H) == sh(11, 10, 30)


BERLIN = ZoneInfo("Europe/Berlin")  # CET/CEST: clocks change on 2026-03-29 and 2026-10-25


def test_working_windows_are_wall_clock_across_spring_dst_change() -> None:
    berlin = office("Europe/Berlin")
    friday = dt.datetime(2026, 3, 27, 16, 30, tzinfo=BERLIN)  # CET, 15:30 UTC
    due = add_business_time(berlin, friday, 2 * H)
    assert due == dt.datetime(2026, 3, 30, 9, 30, tzinfo=BERLIN)  # CEST
    assert due == dt.datetime(2026, 3, 30, 7, 30, tzinfo=dt.UTC)
    assert business_time_between(berlin, friday, due) == 2 * H


def test_working_windows_are_wall_clock_across_autumn_dst_change() -> None:
    berlin = office("Europe/Berlin")
    friday = dt.datetime(2026, 10, 23, 16, 30, tzinfo=BERLIN)  # CEST, 14:30 UTC
    due = add_business_time(berlin, friday, 2 * H)
    assert due == dt.datetime(2026, 10, 26, 8, 30, tzinfo=dt.UTC)  # 09:30 CET
    assert business_time_between(berlin, friday, due) == 2 * H


def test_a_window_spanning_a_dst_change_lasts_the_real_time() -> None:
    night = BusinessCalendar(tz=BERLIN, weekly={6: ((dt.time(1), dt.time(4)),)})
    spring = dt.datetime(2026, 3, 29, tzinfo=BERLIN)
    autumn = dt.datetime(2026, 10, 25, tzinfo=BERLIN)
    assert business_time_between(night, spring, spring + dt.timedelta(days=1)) == 2 * H
    assert business_time_between(night, autumn, autumn + dt.timedelta(days=1)) == 4 * H
    assert add_business_time(night, spring, 2 * H) == dt.datetime(2026, 3, 29, 2, tzinfo=dt.UTC)


def test_a_calendar_without_working_time_raises_instead_of_looping() -> None:
    closed = BusinessCalendar(tz=SHANGHAI, weekly={})
    with pytest.raises(ValueError, match="no working time"):
        add_business_time(closed, sh(10, 9), H)
    only_past_makeup = BusinessCalendar(
        tz=SHANGHAI, weekly={}, makeup_days=frozenset({dt.date(2026, 3, 7)}), makeup_windows=OFFICE
    )
    assert add_business_time(only_past_makeup, sh(7, 9), H) == sh(7, 10)
    with pytest.raises(ValueError, match="no working time"):
        add_business_time(only_past_makeup, sh(7, 9), 8 * H)
    # Over a bounded range there is simply nothing to count.
    assert business_time_between(closed, sh(10, 9), sh(10, 9, month=9)) == dt.timedelta(0)


def test_long_spans_are_not_cut_by_a_horizon() -> None:
    weekdays = office()
    monday = sh(2, 8, 30)
    three_years = 156 * 5 * 7.5 * H
    due = add_business_time(weekdays, monday, three_years)
    assert due == dt.datetime(2029, 2, 23, 17, 30, tzinfo=SHANGHAI)  # the 156th Friday
    assert business_time_between(weekdays, monday, due) == three_years


@pytest.mark.parametrize(
    "build",
    [
        lambda: BusinessCalendar(tz=SHANGHAI, weekly={0: ((dt.time(17), dt.time(9)),)}),
        lambda: BusinessCalendar(tz=SHANGHAI, weekly={0: ((dt.time(9), dt.time(9)),)}),
        lambda: BusinessCalendar(
            tz=SHANGHAI, weekly={0: ((dt.time(8), dt.time(12)), (dt.time(11), dt.time(13)))}
        ),
        lambda: BusinessCalendar(tz=SHANGHAI, weekly={7: OFFICE}),
        lambda: BusinessCalendar(
            tz=SHANGHAI, weekly={}, makeup_windows=((dt.time(9), dt.time(8)),)
        ),
        lambda: BusinessCalendar(
            tz=SHANGHAI,
            weekly={},
            holidays=frozenset({dt.date(2026, 3, 7)}),
            makeup_days=frozenset({dt.date(2026, 3, 7)}),
        ),
    ],
    ids=["end-before-start", "empty", "overlapping", "weekday-7", "makeup-inverted", "clash"],
)
def test_calendar_configuration_errors_are_refused(build: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        build()


def test_shipped_calendars_and_the_hotline_hours() -> None:
    book = load_calendars(None, ("east",))
    east = book.for_region("east")
    assert east.tz == SHANGHAI
    national_day, makeup_saturday = dt.date(2026, 10, 1), dt.date(2026, 10, 10)
    assert hours_on(east, national_day) == []
    assert hours_on(east, makeup_saturday) == list(OFFICE)
    for day in east.makeup_days:
        assert day.weekday() >= 5, f"make-up day {day} is not a weekend day"
    # The hotline keeps its own hours: open on holidays, weekend hours on make-up Saturdays.
    hotline = book.hotline
    daily = [[(dt.time(8), dt.time(20))]] * 5 + [[(dt.time(9), dt.time(17))]] * 2
    week = [dt.date(2026, 3, 9) + dt.timedelta(days=offset) for offset in range(7)]
    assert [hours_on(hotline, day) for day in week] == daily
    assert hours_on(hotline, national_day) == daily[national_day.weekday()]
    assert hours_on(hotline, makeup_saturday) == daily[5]
    assert add_business_time(hotline, sh(10, 19), 2 * H) == sh(11, 9)
    assert add_business_time(hotline, sh(14, 16), 2 * H) == sh(15, 10)
    assert add_business_time(east, sh(10, 19), 2 * H) == sh(11, 10, 30)
    with pytest.raises(KeyError, match="nowhere"):
        book.for_region("nowhere")


def test_load_calendars_with_region_overrides(tmp_path: Path) -> None:
    path = tmp_path / "calendars.yaml"
    path.write_text(
        """
default:
  timezone: Asia/Shanghai
  hours: {mon: ["13:30-17:30", "08:30-12:00"], fri: ["09:00-12:00"]}
  holidays: [2026-03-09]
  makeup_days: [2026-03-14]
regions:
  northwest:
    timezone: Asia/Urumqi
    holidays: [2026-03-13]
hotline:
  hours: {sat: ["09:00-17:00"]}
"""
    )
    book = load_calendars(str(path), ("east", "northwest"))
    east, northwest = book.for_region("east"), book.for_region("northwest")
    assert east.tz == SHANGHAI and east.holidays == {dt.date(2026, 3, 9)}
    assert east.weekly[0] == OFFICE  # windows sorted
    assert east.makeup_windows == ()  # make-up days fall back to Monday's windows
    assert add_business_time(east, sh(13, 11), 2 * H) == sh(14, 9, 30)
    assert northwest.tz == ZoneInfo("Asia/Urumqi")
    assert northwest.holidays == {dt.date(2026, 3, 13)}
    assert northwest.weekly == east.weekly and northwest.makeup_days == east.makeup_days
    assert hours_on(northwest, dt.date(2026, 3, 9)) == list(OFFICE)
    assert northwest.windows_on(dt.date(2026, 3, 9))[0][0] == dt.datetime(
        2026, 3, 9, 2, 30, tzinfo=dt.UTC
    )
    assert book.hotline.weekly == {5: ((dt.time(9), dt.time(17)),)}


@pytest.mark.parametrize(
    ("hours", "error"),
    [
        ('{mon: ["17:30-08:30"]}', "ends before it starts"),
        ('{mon: ["08:30-12:00", "11:00-13:00"]}', "overlap"),
        ('{mun: ["08:30-12:00"]}', "unknown weekday"),
        ('{mon: ["0830"]}', "HH:MM-HH:MM"),
    ],
)
def test_load_calendars_refuses_bad_windows(tmp_path: Path, hours: str, error: str) -> None:
    path = tmp_path / "calendars.yaml"
    path.write_text(f"default:\n  timezone: Asia/Shanghai\n  hours: {hours}\n")
    with pytest.raises(ValueError, match=error):
        load_calendars(str(path), ("east",))
