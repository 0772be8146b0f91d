"""The attention list (results applied) on the in-memory unit of work: technicians below
target on a KPI in both the month asked for and the month before, the training that
addresses it, and whether they came to such a session. Expected rows worked out by hand in
the comments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.kpi import use_cases
from services.kpi.domain.attention import Session, parse_targets, previous_month
from services.kpi.models import MonthlyAggregate
from services.kpi.repositories import KpiTables
from services.kpi.use_cases import Misconfigured
from shared.errors import Forbidden
from tests.unit.kpi.support import ADMIN, EAST_MANAGER, fake_uow, monthly

TECH_A, TECH_B, TECH_C = "tech-a", "tech-b", "tech-c"


def row(month: str, region: str, technician: str, measure: str, *amount: int) -> MonthlyAggregate:
    aggregate = monthly(region, technician, measure, *amount)
    aggregate.month = month
    return aggregate


def held(session_id: str, when: str, topics: str, came: str, region: str = "east") -> Session:
    return Session(session_id, region, dt.datetime.fromisoformat(when), topics, came)


def tables() -> KpiTables:
    return KpiTables(
        monthly=[
            # TECH_A: acceptance CSAT 8 of 10 (0.8) in October, 4 of 5 (0.8) in November:
            # below 0.9 twice, on csat and on csat_all_sources (the only channel it has).
            row("2026-10", "east", TECH_A, "csat", 10, 8, 45),
            row("2026-11", "east", TECH_A, "csat", 5, 4, 22),
            # Visits 10 of 10, then 3 of 4: below 0.95 in November only.
            row("2026-10", "east", TECH_A, "visits", 10, 10),
            row("2026-11", "east", TECH_A, "visits", 4, 3),
            # TECH_B: first-time fix 3 of 4 (0.75), then 1 of 2 (0.5): below 0.85 twice.
            row("2026-10", "north", TECH_B, "work_orders", 4, 3),
            row("2026-11", "north", TECH_B, "work_orders", 2, 1),
            # A perfect CSAT in November, none in October: nothing to judge.
            row("2026-11", "north", TECH_B, "csat", 1, 1, 5),
            # TECH_C: below on first-time fix in November only (nothing in October).
            row("2026-11", "east", TECH_C, "work_orders", 2, 0),
        ],
        trainings=[
            # TECH_A came to an operation demo in October: the run's first month.
            held("s-1", "2026-10-20T04:00:00+00:00", '["operation_demo"]', '["tech-a"]'),
            # TECH_B's troubleshooting course was in September: before the run.
            held("s-0", "2026-09-20T04:00:00+00:00", '["troubleshooting"]', '["tech-b"]', "north"),
            # A troubleshooting session TECH_B was listed for but did not come to.
            held("s-2", "2026-11-20T04:00:00+00:00", '["troubleshooting"]', '["tech-x"]', "north"),
        ],
    )


def listed(body: dict[str, Any]) -> list[tuple[str, str, str | None, bool, list[str]]]:
    return [
        (r["technician"], r["kpi"], r["training"], r["attended"], r["sessions"])
        for r in body["rows"]
    ]


def test_technicians_below_target_two_months_running_are_listed_with_their_training() -> None:
    body = use_cases.get_attention(fake_uow(tables()), viewer=ADMIN, month="2026-11")

    assert (body["month"], body["previous_month"], body["frozen"]) == ("2026-11", "2026-10", [])
    assert listed(body) == [
        (TECH_A, "csat", "operation_demo", True, ["s-1"]),
        (TECH_A, "csat_all_sources", "operation_demo", True, ["s-1"]),
        (TECH_B, "first_time_fix", "troubleshooting", False, []),
    ]
    first = body["rows"][0]
    assert first["target"] == 0.9
    assert first["months"] == {
        "2026-10": {"numerator": 8, "denominator": 10, "ratio": 0.8},
        "2026-11": {"numerator": 4, "denominator": 5, "ratio": 0.8},
    }


def test_targets_and_training_are_configurable() -> None:
    uow = fake_uow(
        tables(),
        attention_targets="csat=0.8,first_time_fix=0.85",
        attention_training="first_time_fix=welding course",
    )
    body = use_cases.get_attention(uow, viewer=ADMIN, month="2026-11")

    # 0.8 is not below a 0.8 target; csat_all_sources has no target any more.
    assert listed(body) == [(TECH_B, "first_time_fix", "welding course", False, [])]


def test_a_region_limited_reader_sees_its_region_only() -> None:
    body = use_cases.get_attention(fake_uow(tables()), viewer=EAST_MANAGER, month="2026-11")
    assert [r["technician"] for r in body["rows"]] == [TECH_A, TECH_A]
    with pytest.raises(Forbidden):
        use_cases.get_attention(fake_uow(tables()), viewer=EAST_MANAGER, region="north")


def test_a_misconfigured_target_is_the_operators_problem() -> None:
    uow = fake_uow(tables(), attention_targets="csat=1.5")
    with pytest.raises(Misconfigured, match="AFTERCARE_KPI_ATTENTION_TARGETS"):
        use_cases.get_attention(uow, viewer=ADMIN, month="2026-11")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("csat=2", "between 0 and 1"),
        ("csat=x", "not a number"),
        ("nps=0.5", "kpi one of"),
        ("csat=0.5,csat=0.6", "twice"),
    ],
)
def test_bad_targets_say_what_is_wrong(text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_targets(text)


@pytest.mark.parametrize(
    ("month", "before"), [("2026-11", "2026-10"), ("2026-01", "2025-12"), ("2026-10", "2026-09")]
)
def test_the_month_before(month: str, before: str) -> None:
    assert previous_month(month) == before
