"""A consultation's response deadline at the calendar's edges. Every expected time is worked
out by hand from the shipped calendar (Asia/Shanghai, UTC+8, Mon-Fri 08:30-12:00 and
13:30-17:30; 1-7 October 2026 holidays; Sunday 20 September 2026 a make-up working day) and
the shipped policy (services/intake/consultation.yaml: urgent 2, high 4, normal 8, low 16
business hours; selection normal 16 and low 24; installation_commissioning normal 4)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from services.intake.domain import (
    ResponsePolicy,
    consultation_response_due,
    response_policy,
)
from services.intake.repositories import load_response_policy
from shared.calendar import load_calendars
from shared.config import DEFAULT_REGIONS

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
EAST = load_calendars(None, DEFAULT_REGIONS).for_region("east")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


def due(topic: str | None, priority: str, asked_at: dt.datetime) -> dt.datetime:
    return consultation_response_due(
        EAST,
        policy=load_response_policy(None),
        topic=topic,
        priority=priority,
        asked_at=asked_at,
    )


CASES = [
    # Friday 18 Sep 17:29, high (4h): 1 min on Friday; Saturday off; Sunday 20 Sep is a
    # make-up day: 08:30-12:00 (3h30) leaves 29 min, so 13:30 + 0:29.
    (
        "friday 17:29 into a make-up sunday",
        "use",
        "high",
        local(2026, 9, 18, 17, 29),
        local(2026, 9, 20, 13, 59),
    ),
    # Wednesday 30 Sep 17:29, normal (8h): 1 min; 1-7 Oct holidays; Thu 8 Oct 08:30-12:00
    # (3h30) and 13:30-17:30 (4h) leave 29 min: Fri 9 Oct 08:59.
    (
        "17:29 before the national-day holidays",
        "maintenance",
        "normal",
        local(2026, 9, 30, 17, 29),
        local(2026, 10, 9, 8, 59),
    ),
    # Friday 4 Dec 17:29, selection normal (16h): 1 min; Mon 7 Dec 7h30, Tue 8 Dec 7h30
    # leave 59 min: Wed 9 Dec 09:29.
    (
        "friday 17:29, selection takes 16h",
        "selection",
        "normal",
        local(2026, 12, 4, 17, 29),
        local(2026, 12, 9, 9, 29),
    ),
    # installation_commissioning normal is 4h: 1 min Friday, Monday's morning (3h30) leaves
    # 29 min: Mon 7 Dec 13:59.
    (
        "friday 17:29, commissioning takes 4h",
        "installation_commissioning",
        "normal",
        local(2026, 12, 4, 17, 29),
        local(2026, 12, 7, 13, 59),
    ),
    # selection names no urgent hours: urgent's 2h. Asked at Friday's closing 17:30: counts
    # from Monday 08:30, so 10:30.
    (
        "at friday's closing, urgent",
        "selection",
        "urgent",
        local(2026, 12, 4, 17, 30),
        local(2026, 12, 7, 10, 30),
    ),
    # Asked during lunch (12:40) with 2h: from 13:30, so 15:30 the same day.
    ("asked over lunch", "use", "urgent", local(2026, 12, 2, 12, 40), local(2026, 12, 2, 15, 30)),
    # A legacy consultation (no topic) goes by priority: low 16h from Tue 1 Dec 09:00:
    # 3h + 4h on Tuesday, 7h30 on Wednesday leave 1h30: Thu 3 Dec 10:00.
    ("no topic, by priority", None, "low", local(2026, 12, 1, 9, 0), local(2026, 12, 3, 10, 0)),
]


@pytest.mark.parametrize(
    ("case", "topic", "priority", "asked_at", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_the_response_deadline_by_hand(
    case: str, topic: str | None, priority: str, asked_at: dt.datetime, expected: dt.datetime
) -> None:
    assert due(topic, priority, asked_at) == expected


def test_a_topic_overrides_only_the_priorities_it_names() -> None:
    policy = ResponsePolicy(
        by_priority={"urgent": 2, "high": 4, "normal": 8, "low": 16},
        by_topic={"use": {"low": 40}},
    )
    assert policy.hours("use", "low") == 40
    assert policy.hours("use", "high") == 4
    assert policy.hours("maintenance", "low") == 16
    assert policy.hours(None, "normal") == 8


BAD_POLICIES = [
    ("a priority missing", {"hours": {"urgent": 2, "high": 4, "normal": 8}}, "missing"),
    (
        "an unknown priority",
        {"hours": {"urgent": 2, "high": 4, "normal": 8, "low": 16, "someday": 99}},
        "unknown",
    ),
    (
        "an unknown topic",
        {
            "hours": {"urgent": 2, "high": 4, "normal": 8, "low": 16},
            "topics": {"weather": {"low": 1}},
        },
        "weather",
    ),
    ("zero hours", {"hours": {"urgent": 0, "high": 4, "normal": 8, "low": 16}}, "more than 0"),
    (
        "a topic's unknown priority",
        {"hours": {"urgent": 2, "high": 4, "normal": 8, "low": 16}, "topics": {"use": {"asap": 1}}},
        "topics.use",
    ),
]


@pytest.mark.parametrize(("case", "raw", "named"), BAD_POLICIES, ids=[c[0] for c in BAD_POLICIES])
def test_a_wrong_policy_is_refused_naming_what_is_wrong(
    case: str, raw: dict[str, object], named: str
) -> None:
    with pytest.raises(ValueError, match=named):
        response_policy(raw)


def test_a_configured_policy_file_is_read_and_reread_when_it_changes(tmp_path: Path) -> None:
    file = tmp_path / "policy.yaml"
    file.write_text("hours: {urgent: 1, high: 2, normal: 3, low: 4}\n")
    assert load_response_policy(str(file)).hours("use", "normal") == 3
    file.write_text("hours: {urgent: 1, high: 2, normal: 5, low: 4}\ntopics: {use: {low: 9}}\n")
    os.utime(file, ns=(1, 2))  # a different mtime even on a coarse clock
    reread = load_response_policy(str(file))
    assert (reread.hours("use", "normal"), reread.hours("use", "low")) == (5, 9)
