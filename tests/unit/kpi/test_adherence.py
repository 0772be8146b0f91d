"""maintenance_adherence v1 as a pure judgement: an occurrence counts once announced, is done
once a record answers it, on time within a week of the due date, in the month of the due
date, whatever order its events come in."""

from __future__ import annotations

import datetime as dt
import itertools

from services.kpi.domain.adherence import MaintenanceFacts, judge_occurrence, occurrence_key
from services.kpi.domain.definitions import KPI_DEFINITIONS

DUE = dt.date(2026, 11, 30)
KEY = ("m", "2026-11", "east", "", "maintenance")


def facts(*steps: str) -> MaintenanceFacts:
    occurrence = MaintenanceFacts(occurrence_key("p", DUE), "east")
    for step in steps:
        if step == "due":
            occurrence.add_due("east", DUE)
        elif step == "late":
            occurrence.add_visit("east", DUE, DUE + dt.timedelta(days=8))
        else:
            occurrence.add_visit("east", DUE, DUE + dt.timedelta(days=7))
    return occurrence


def test_a_due_occurrence_counts_in_the_month_of_its_due_date() -> None:
    assert KPI_DEFINITIONS["maintenance_adherence"] == 1
    assert occurrence_key("p", DUE) == "p/2026-11-30"
    assert judge_occurrence(facts()) == {}
    assert judge_occurrence(facts("on_time")) == {}  # not announced: not due yet
    assert judge_occurrence(facts("due")) == {KEY: (1, 0, 0)}
    assert judge_occurrence(facts("due", "late")) == {KEY: (1, 1, 0)}
    assert judge_occurrence(facts("due", "on_time")) == {KEY: (1, 1, 1)}


def test_the_judgement_does_not_depend_on_order_or_repetition() -> None:
    steps = ("due", "late", "on_time", "due")
    for order in itertools.permutations(steps):
        assert judge_occurrence(facts(*order)) == {KEY: (1, 1, 1)}, order
