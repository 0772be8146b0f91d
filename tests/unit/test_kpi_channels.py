"""kpi's issue-16 judgements as pure functions: consultation response timeliness, training
sessions held, and satisfaction by channel. Expectations are worked out by hand."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from services.kpi.domain import channels as c
from services.kpi.domain import definitions as d
from services.kpi.domain.facts import RatingFacts
from services.kpi.domain.months import Months
from services.kpi.domain.report import Sums, fractions, kpi_values
from shared.calendar import BusinessCalendar, CalendarBook

SHANGHAI = BusinessCalendar(tz=ZoneInfo("Asia/Shanghai"), weekly={})
MONTHS = Months(CalendarBook(regions={"east": SHANGHAI}, hotline=SHANGHAI))
DUE = dt.datetime(2026, 11, 5, 5, 0, tzinfo=dt.UTC)  # 13:00 in Shanghai


def consultation(
    answered: dt.datetime | None, due: dt.datetime | None = DUE
) -> c.ConsultationFacts:
    facts = c.ConsultationFacts("t-1", "east")
    if due is not None:
        facts.add_deadline("east", due)
    if answered is not None:
        facts.add_answer(answered)
    return facts


@pytest.mark.parametrize(
    ("answered", "month", "in_time"),
    [
        (DUE, "2026-11", True),  # at the deadline is in time
        (DUE + dt.timedelta(seconds=1), "2026-11", False),
        (DUE - dt.timedelta(hours=3), "2026-11", True),
        # 17:00 UTC on 30 November is 01:00 on 1 December in Shanghai: December's.
        (dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC), "2026-12", False),
    ],
)
def test_a_consultation_counts_in_the_month_of_its_answer(
    answered: dt.datetime, month: str, in_time: bool
) -> None:
    judged = c.judge_consultation(consultation(answered), MONTHS)
    flag = "true" if in_time else "false"
    assert judged == {
        ("m", month, "east", "", c.CONSULTATIONS): (1, int(in_time), 0),
        ("c", c.CONSULTATIONS_ANSWERED, "east", flag): (1, 0, 0),
    }


def test_a_consultation_without_an_answer_or_a_deadline_counts_for_nothing() -> None:
    assert c.judge_consultation(consultation(None), MONTHS) == {}
    assert c.judge_consultation(consultation(DUE, due=None), MONTHS) == {}


def test_consultation_merges_do_not_depend_on_order() -> None:
    late, early = DUE + dt.timedelta(hours=2), DUE - dt.timedelta(hours=1)
    merges = [("due", DUE), ("answer", late), ("answer", early), ("due", DUE)]
    states = set()
    for order in itertools.permutations(merges):
        facts = c.ConsultationFacts("t-1", "east")
        for kind, value in order:
            if kind == "due":
                facts.add_deadline("east", value)
            else:
                facts.add_answer(value)
        states.add((facts.response_due_at, facts.answered_at))
    assert states == {(DUE, early)}  # the earliest answer: in time


def test_a_session_held_counts_sessions_attendees_and_who_came() -> None:
    held = dt.datetime(2026, 11, 14, 4, 0, tzinfo=dt.UTC)
    first = (held, (3, 2), ["maintenance"], ["p-2", "p-1"])
    later = (held + dt.timedelta(hours=1), (3, 3), ["maintenance"], ["p-1", "p-2", "p-3"])
    states = set()
    for order in itertools.permutations([first, later, first]):
        facts = c.TrainingFacts("s-1", "east")
        for report in order:
            facts.add_held("east", *report)
        states.add((facts.attended_count, facts.attendee_ids))
        judged = c.judge_training(facts, MONTHS)
        assert judged == {("m", "2026-11", "east", "", c.TRAINING): (1, 3, 3)}
    assert states == {(3, '["p-1", "p-2", "p-3"]')}  # the latest report counts
    assert c.judge_training(c.TrainingFacts("s-2", "east"), MONTHS) == {}


@pytest.mark.parametrize(
    ("source", "measure", "technician"),
    [
        ("repair", d.CSAT, "tech-1"),
        ("followup", d.FOLLOWUP, "tech-1"),
        ("questionnaire", c.QUESTIONNAIRE_CSAT, "tech-1"),
        ("consultation", c.CONSULTATION_CSAT, ""),
    ],
)
def test_each_rating_counts_under_its_channel(source: str, measure: str, technician: str) -> None:
    rating = RatingFacts(f"{source}/x", source, "east")
    rating.add_rating("east", 4, DUE, technician or None)
    assert d.judge_rating(rating, MONTHS) == {
        ("m", "2026-11", "east", technician, measure): (1, 1, 4),
        ("c", d.RATINGS, "east", f"{source}|4"): (1, 0, 0),
    }


def test_satisfaction_by_source_and_combined_from_the_sums() -> None:
    sums = Sums(
        {
            d.CSAT: (4, 3, 17),  # acceptance: 3 of 4 are 4-5, total 17
            d.FOLLOWUP: (2, 1, 7),
            c.QUESTIONNAIRE_CSAT: (3, 1, 9),
            c.CONSULTATION_CSAT: (1, 0, 2),
            c.CONSULTATIONS: (5, 4, 0),
            c.TRAINING: (2, 6, 7),
        }
    )
    values = kpi_values(sums)
    by_source = values["csat_by_source"]
    assert {name: (v["numerator"], v["denominator"]) for name, v in by_source.items()} == {
        "acceptance": (3, 4),
        "follow_up": (1, 2),
        "questionnaire": (1, 3),
        "consultation": (0, 1),
    }
    combined = values["csat_all_sources"]
    # 3 + 1 + 1 + 0 = 5 of 4 + 2 + 3 + 1 = 10; mean (17 + 7 + 9 + 2) / 10 = 3.5
    assert (combined["numerator"], combined["denominator"]) == (5, 10)
    assert (combined["ratio"], combined["mean_rating"], combined["version"]) == (0.5, 3.5, 1)
    assert values["csat"]["denominator"] == 4  # the SPEC's csat stays acceptance only
    assert values["consultation_timeliness"]["ratio"] == 0.8
    assert values["training"]["attendance_rate"] == pytest.approx(6 / 7)
    assert fractions(sums)["consultation_timeliness"] == (4, 5)
    assert "consultation_timeliness" not in fractions(Sums({}))  # none answered: no ratio
