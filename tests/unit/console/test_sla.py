"""The first-response countdown on the default calendar (Asia/Shanghai, Mon-Fri 08:30-12:00
and 13:30-17:30); every expected figure is worked out by hand in the comment beside it."""

from __future__ import annotations

import datetime as dt

from console.sla import first_response_countdown, hours_minutes, working_now
from shared.calendar import load_calendars

CN = dt.timezone(dt.timedelta(hours=8))
CALENDAR = load_calendars(None, ("east",)).for_region("east")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in December 2026, Shanghai time (7 Dec is a Monday)."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=CN)


def countdown(due: dt.datetime | None, now: dt.datetime, responded: dt.datetime | None = None):
    return first_response_countdown(due_at=due, responded_at=responded, now=now, calendar=CALENDAR)


def test_due_counts_the_business_time_left() -> None:
    # 10:00 to 14:30: 10:00-12:00 and 13:30-14:30 are working time, 3 h.
    c = countdown(at(7, 14, 30), at(7, 10))
    assert (c.state, hours_minutes(c.amount)) == ("due", (3, 0))


def test_the_lunch_break_pauses_the_clock() -> None:
    # 12:30 is between the windows: paused, with 13:30-14:30 = 1 h left.
    c = countdown(at(7, 14, 30), at(7, 12, 30))
    assert (c.state, hours_minutes(c.amount)) == ("paused", (1, 0))


def test_a_weekend_pauses_the_clock() -> None:
    # Saturday 12 Dec; due Monday 14 Dec 09:00: 08:30-09:00 = 30 min left.
    c = countdown(at(14, 9), at(12, 11))
    assert (c.state, hours_minutes(c.amount)) == ("paused", (0, 30))


def test_overdue_counts_the_business_time_since_the_deadline() -> None:
    # Due Friday 4 Dec 11:00, now Monday 10:00: Fri 11:00-12:00 (1 h) + 13:30-17:30 (4 h)
    # + Mon 08:30-10:00 (1 h 30) = 6 h 30.
    c = countdown(at(4, 11), at(7, 10))
    assert (c.state, hours_minutes(c.amount)) == ("overdue", (6, 30))


def test_a_first_response_ends_the_countdown() -> None:
    assert countdown(at(7, 14), at(8, 10), responded=at(7, 13)).state == "met"
    assert countdown(at(7, 14), at(8, 10), responded=at(7, 15)).state == "missed"


def test_no_deadline() -> None:
    assert countdown(None, at(7, 10)).state == "none"


def test_working_now_follows_the_windows() -> None:
    assert working_now(CALENDAR, at(7, 8, 30))
    assert not working_now(CALENDAR, at(7, 12))
    assert not working_now(CALENDAR, at(5, 10))  # a Saturday
