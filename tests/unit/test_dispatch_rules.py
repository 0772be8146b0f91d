"""dispatch's pure rules: punctuality, rescheduled deadlines, escalation target, repeats."""

from __future__ import annotations

import datetime as dt

import pytest

from services.dispatch.domain import (
    escalation_target,
    is_repeat,
    normalise,
    on_time,
    rescheduled_deadline,
)

T = dt.datetime(2026, 11, 2, 11, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


def test_on_time_means_at_or_before_the_deadline() -> None:
    assert on_time(T - SECOND, T) is True
    assert on_time(T, T) is True
    assert on_time(T + SECOND, T) is False
    assert on_time(T.astimezone(dt.timezone(dt.timedelta(hours=8))), T) is True


@pytest.mark.parametrize(
    ("new_end", "by_customer", "expected"),
    [
        (T + dt.timedelta(hours=4), True, T + dt.timedelta(hours=4)),  # customer: new window
        (T - dt.timedelta(hours=1), True, T - dt.timedelta(hours=1)),
        (T + dt.timedelta(hours=4), False, T),  # company moved it later: promise stands
        (T - dt.timedelta(hours=1), False, T - dt.timedelta(hours=1)),  # earlier: held to it
    ],
    ids=["customer later", "customer earlier", "company later", "company earlier"],
)
def test_rescheduled_deadline(
    new_end: dt.datetime, by_customer: bool, expected: dt.datetime
) -> None:
    assert rescheduled_deadline(T, new_end, by_customer=by_customer) == expected


@pytest.mark.parametrize(
    ("warranty", "target"),
    [("in_warranty", "replacement"), ("out_of_warranty", "return"), ("unknown", "return")],
)
def test_escalation_target(warranty: str, target: str) -> None:
    assert escalation_target(warranty) == target


def test_repeat_window_is_30_days_after_the_acceptance() -> None:
    assert is_repeat(T, T) is True
    assert is_repeat(T, T + dt.timedelta(days=30)) is True
    assert is_repeat(T, T + dt.timedelta(days=30) + SECOND) is False
    assert is_repeat(T, T - SECOND) is False


def test_skills_and_models_compare_loosely() -> None:
    assert normalise("  Cathodic   Protection ") == "cathodic protection"
    assert normalise("CP-400") == normalise(" cp-400")
