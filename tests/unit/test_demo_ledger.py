"""The simulator's ledger (demo/ledger.py): each fact in the month, in its region's time
zone, of the moment that decides it, as the SPEC's kpi section says."""

from __future__ import annotations

import datetime as dt
import random

from demo.ledger import Ledger
from demo.rhythm import call_times, day_factor, load_calendars, month_days, previous_month


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_a_visit_counts_in_the_local_month_of_its_arrival_or_its_missed_window() -> None:
    ledger = Ledger({"east": "Asia/Shanghai"})
    end = at("2026-11-30T15:30:00+00:00")  # 23:30 in Shanghai, still November
    ledger.visit("east", window_end=end, arrived=end)
    ledger.visit("east", window_end=end, arrived=end + dt.timedelta(hours=1))  # December there
    ledger.visit("east", window_end=end, arrived=None)
    november = ledger.measures[("2026-11", "east")]["repair_timeliness"]
    december = ledger.measures[("2026-12", "east")]["repair_timeliness"]
    assert (november.hits, november.count) == (1, 2)
    assert (december.hits, december.count) == (0, 1)


def test_outcomes_ratings_and_times_to_repair() -> None:
    ledger = Ledger({"south": "Asia/Shanghai"})
    when = at("2026-12-02T02:00:00+00:00")
    ledger.outcome("south", when, first_time=True, escalated=False)
    ledger.outcome("south", when, first_time=False, escalated=True)
    for rating in (5, 3):
        ledger.rating("south", when, rating)
    ledger.repair_time("south", when - dt.timedelta(hours=2, seconds=0.5), when)
    scope = ledger.measures[("2026-12", "south")]
    assert (scope["first_time_fix"].hits, scope["first_time_fix"].count) == (1, 2)
    assert (scope["csat"].hits, scope["csat"].count, scope["csat"].mean_rating) == (1, 2, 4.0)
    assert scope["mean_time_to_repair"].mean_rating == 7200  # whole seconds


def test_the_rhythm_is_reproducible_and_quiet_on_holidays() -> None:
    calendar = load_calendars()["east"]
    assert day_factor(calendar, dt.date(2026, 10, 1)) < day_factor(calendar, dt.date(2026, 10, 10))
    one = call_times(random.Random(1), calendar, dt.date(2026, 11, 2), 5)
    two = call_times(random.Random(1), calendar, dt.date(2026, 11, 2), 5)
    assert one == two and all(m.tzinfo is not None for m in one)
    assert len(month_days("2026-02")) == 28 and previous_month(dt.date(2026, 1, 5)) == "2025-12"


def test_a_moved_visit_is_judged_by_its_deadline_not_its_last_window() -> None:
    ledger = Ledger({"east": "Asia/Shanghai"})
    promised = at("2026-12-02T02:00:00+00:00")
    moved_to = promised + dt.timedelta(hours=3)
    arrived = promised + dt.timedelta(hours=1)
    ledger.visit("east", window_end=moved_to, arrived=arrived, deadline=moved_to)  # customer
    ledger.visit("east", window_end=moved_to, arrived=arrived, deadline=promised)  # company
    measure = ledger.measures[("2026-12", "east")]["repair_timeliness"]
    assert (measure.hits, measure.count) == (1, 2)
