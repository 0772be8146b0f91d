"""support's rules as plain Python: attendee lists and attendance, the feedback summary, the
current qualification per person and skill, what expires within a window, validity
defaults, and who may answer a questionnaire when."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from services.support import domain
from shared.errors import Conflict, Forbidden, Gone, InvalidInput

TODAY = dt.date(2026, 12, 7)
RECORD_ID = uuid.UUID(int=1)
AT = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)


def test_an_attendee_twice_is_named_by_position_whatever_the_case() -> None:
    people = [{"person_id": "p-1"}, {"person_id": "p-2"}, {"person_id": " P-1"}]
    assert domain.duplicate_attendees(people, field="attendees") == {
        "attendees.2.person_id": ["listed twice"]
    }
    assert domain.duplicate_attendees(people[:2], field="attendees") == {}


def test_attendance_covers_each_listed_attendee_once_and_only_those_who_came_rate() -> None:
    entries = [
        {"person_id": "p-1", "attended": True, "rating": 5},
        {"person_id": "p-2", "attended": False, "comment": "was ill"},
    ]
    assert (
        domain.attendance_errors(["p-1", "p-2"], [entries[0], entries[1] | {"comment": None}]) == {}
    )
    assert domain.attendance_errors(["p-1", "p-2", "p-3"], entries) == {
        "attendance.1.comment": ["only an attendee who came gives feedback"],
        "attendance": ["attendance not recorded for: p-3"],
    }


@pytest.mark.parametrize(
    ("ratings", "mean"),
    [([], None), ([5], "5.00"), ([5, 4], "4.50"), ([1, 2, 2], "1.67"), ([4, 4, 5], "4.33")],
)
def test_the_feedback_mean_is_rounded_half_up(ratings: list[int], mean: str | None) -> None:
    summary = domain.feedback_summary(ratings)
    assert (summary["count"], summary["mean"]) == (len(ratings), mean)
    assert sum(summary["distribution"].values()) == len(ratings)


def test_feedback_distribution_counts_each_score() -> None:
    assert domain.feedback_summary([5, 5, 3])["distribution"] == {
        "1": 0,
        "2": 0,
        "3": 1,
        "4": 0,
        "5": 2,
    }


@pytest.mark.parametrize(
    ("kind", "place", "link", "field"),
    [("online", "Room 3", None, "link"), ("on_site", None, "https://x", "place")],
)
def test_a_session_needs_its_place_or_link(kind: str, place: str, link: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        domain.require_place(kind, place=place, link=link)
    assert list(refused.value.errors) == [field]
    domain.require_place("training_centre", place="Centre, Hangzhou", link=None)


def test_steps_admitted_by_each_status() -> None:
    domain.require_step("scheduled", "schedule")
    with pytest.raises(Conflict) as refused:
        domain.require_step("requested", "hold")
    assert refused.value.errors == {"status": ["is requested"]}
    with pytest.raises(Conflict):
        domain.require_step("held", "cancel")


@dataclass
class Record:
    person_id: str
    skill: str
    taken_on: dt.date
    passed: bool
    valid_until: dt.date | None
    person_name: str = "Wang Fang"
    region: str = "east"
    recorded_at: dt.datetime = AT
    id: uuid.UUID = RECORD_ID


def test_the_current_qualification_is_the_latest_pass_not_the_longest() -> None:
    records = [
        Record("w", "welding", dt.date(2024, 1, 1), True, dt.date(2030, 1, 1)),
        Record("w", "welding", dt.date(2026, 1, 1), True, dt.date(2026, 12, 6)),
        Record("w", "welding", dt.date(2026, 6, 1), False, None),
        Record("w", "coating", dt.date(2026, 6, 1), False, None),
    ]
    [standing] = domain.current_standings(records)
    assert (standing.skill, standing.valid_until) == ("welding", dt.date(2026, 12, 6))
    assert not domain.is_valid(standing.valid_until, TODAY)
    assert domain.is_valid(dt.date(2026, 12, 7), TODAY)


def test_expiring_within_the_window_inclusive_and_still_valid_today() -> None:
    ends = [dt.date(2026, 12, 6), TODAY, dt.date(2027, 1, 6), dt.date(2027, 1, 7)]
    standings = [
        domain.Standing(f"p{i}", "n", "east", "welding", end, i, TODAY)
        for i, end in enumerate(ends)
    ]
    found = domain.expiring(standings, today=TODAY, within_days=30)
    assert [s.valid_until for s in found] == [TODAY, dt.date(2027, 1, 6)]


@pytest.mark.parametrize(
    ("taken", "months", "until"),
    [
        (dt.date(2026, 12, 1), 24, dt.date(2028, 12, 1)),
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
        (dt.date(2026, 1, 15), 12, dt.date(2027, 1, 15)),
    ],
)
def test_default_validity_adds_calendar_months(taken: dt.date, months: int, until: dt.date) -> None:
    assert domain.default_valid_until(taken, months) == until


def test_a_validity_belongs_to_a_pass_that_ends_after_it() -> None:
    with pytest.raises(InvalidInput) as failed:
        domain.require_validity(passed=False, taken_on=TODAY, valid_until=TODAY)
    assert list(failed.value.errors) == ["valid_until"]
    with pytest.raises(InvalidInput):
        domain.require_validity(passed=True, taken_on=TODAY, valid_until=TODAY)
    domain.require_validity(passed=False, taken_on=TODAY, valid_until=None)


def test_a_questionnaire_is_answered_once_before_it_expires_by_its_customer() -> None:
    later = AT + dt.timedelta(days=1)
    domain.require_answerable("open", later, AT)
    with pytest.raises(Conflict):
        domain.require_answerable("answered", later, AT)
    with pytest.raises(Gone):
        domain.require_answerable("open", AT, AT)
    domain.require_customer("C-1042", " c-1042 ")
    with pytest.raises(Forbidden) as other:
        domain.require_customer("C-1042", "C-1043")
    assert list(other.value.errors) == ["customer_ref"]
