"""The first-response countdown an agent sees on a ticket, from the deadline intake keeps.

Intake computes the deadline in business hours on the region's calendar, so the clock only
runs in working hours: outside them (nights, weekends, holidays) the countdown is paused,
and both "due in" and "overdue by" count business time. Plain Python: no Flask, no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.calendar import BusinessCalendar, business_time_between

NO_DEADLINE, DUE, PAUSED, OVERDUE, MET, MISSED = (
    "none",
    "due",
    "paused",
    "overdue",
    "met",
    "missed",
)


@dataclass(frozen=True)
class Countdown:
    """Where a ticket's first response stands, and the business time left or overrun."""

    state: str
    amount: dt.timedelta = dt.timedelta(0)


def first_response_countdown(
    *,
    due_at: dt.datetime | None,
    responded_at: dt.datetime | None,
    now: dt.datetime,
    calendar: BusinessCalendar,
) -> Countdown:
    """due (time left), paused (outside working hours), overdue (time over), or
    met / missed once the first response was given."""
    if due_at is None:
        return Countdown(NO_DEADLINE)
    if responded_at is not None:
        return Countdown(MET if responded_at <= due_at else MISSED)
    if now >= due_at:
        return Countdown(OVERDUE, business_time_between(calendar, due_at, now))
    left = business_time_between(calendar, now, due_at)
    return Countdown(DUE if working_now(calendar, now) else PAUSED, left)


def working_now(calendar: BusinessCalendar, now: dt.datetime) -> bool:
    """Whether ``now`` falls inside one of the region's working windows."""
    return any(start <= now < end for start, end in calendar.windows_on(_local_day(calendar, now)))


def _local_day(calendar: BusinessCalendar, now: dt.datetime) -> dt.date:
    return now.astimezone(calendar.tz).date()


def parse_time(text: str | None) -> dt.datetime | None:
    """An RFC 3339 time from a service ("...Z" included), or None."""
    if not text:
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def hours_minutes(amount: dt.timedelta) -> tuple[int, int]:
    """A duration as whole hours and minutes (rounded down)."""
    minutes = int(amount.total_seconds() // 60)
    return minutes // 60, minutes % 60
