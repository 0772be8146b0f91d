"""A visit's record on the fake unit of work: tasks checked against the plan, the visit and
each problem announced (a hazard with high priority), the occurrence it answers, region."""

from __future__ import annotations

import datetime as dt

import pytest

from services.maintenance.use_cases import record_visit
from shared.errors import InvalidInput, NotFound
from tests.unit.maintenance.support import (
    NORTH_DISPATCHER,
    TECH,
    clock_of,
    make_uow,
    new_asset,
    new_plan,
    record_in,
    run_days,
)

TASKS = ("anode_check", "fastening", "cleaning")


def test_a_record_announces_the_visit_and_each_problem_found() -> None:
    uow = make_uow()
    new_asset(uow)
    plan = new_plan(uow)
    run_days(uow, dt.date(2026, 1, 16))  # the 01-15 visit was sent to dispatch
    visited = dt.datetime(2026, 1, 16, 1, 30, tzinfo=dt.UTC)
    body = record_in(
        TASKS,
        visited_at=visited,
        tasks=[
            {"task": "anode_check", "done": True, "note": "-850 mV"},
            {"task": "fastening", "done": False, "note": "bolt seized"},
            {"task": "cleaning", "done": True, "note": ""},
        ],
        problems=[
            {"description": "coating blistered at the splash zone", "hazard": False},
            {"description": "exposed live cable at the rectifier", "hazard": True},
        ],
        attachments=[{"kind": "photo", "reference": "s3://p/1.jpg", "sha256": "a" * 64}],
    )

    record = record_visit(uow, plan_id=plan.id, record_in=body, by=TECH)

    assert (record.due_date, record.visited_on) == (dt.date(2026, 1, 15), dt.date(2026, 1, 16))
    assert record.next_due_date == dt.date(2026, 2, 16) == plan.next_due_date
    assert plan.open_due is None and record.technician == "tech-1"
    [completed] = uow.published("maintenance.completed")
    assert completed.data["tasks_done"] == ["anode_check", "cleaning"]
    assert completed.data["record_id"] == str(record.id)
    assert (completed.data["due_date"], completed.data["visited_on"]) == (
        "2026-01-15",
        "2026-01-16",
    )
    assert completed.data["completed_at"] == "2026-01-16T01:30:00+00:00"
    assert completed.data["problems"] == 2
    issues = uow.published("maintenance.issue_found")
    assert [(i.data["issue_no"], i.data["priority"], i.data["hazard"]) for i in issues] == [
        (1, "normal", False),
        (2, "high", True),
    ]
    assert issues[1].data["description"] == "exposed live cable at the rectifier"
    assert issues[1].data["environment"] == "marine" and issues[1].region == "east"
    assert [e.sequence for e in uow.published()[-3:]] == [1, 2, 3]


def test_a_visit_before_the_due_date_answers_no_announced_occurrence() -> None:
    uow = make_uow()
    new_asset(uow)
    plan = new_plan(uow)
    clock_of(uow).at = dt.datetime(2026, 1, 10, 2, tzinfo=dt.UTC)
    record = record_visit(uow, plan_id=plan.id, record_in=record_in(TASKS), by=TECH)
    assert record.due_date is None and plan.next_due_date == dt.date(2026, 2, 10)


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        (("anode_check", "fastening"), "missing planned tasks: cleaning"),
        ((*TASKS, "lubrication"), "not in the plan: lubrication"),
        ((*TASKS, "cleaning"), "a task is reported twice"),
    ],
)
def test_tasks_must_be_the_plans(tasks: tuple[str, ...], message: str) -> None:
    uow = make_uow()
    new_asset(uow)
    plan = new_plan(uow)
    with pytest.raises(InvalidInput) as refused:
        record_visit(uow, plan_id=plan.id, record_in=record_in(tasks), by=TECH)
    assert refused.value.errors == {"tasks": [message]}
    assert uow.published() == [] and plan.next_due_date == dt.date(2026, 1, 15)


def test_a_record_for_a_plan_of_another_region_is_as_good_as_absent() -> None:
    uow = make_uow()
    new_asset(uow)
    plan = new_plan(uow)
    with pytest.raises(NotFound):
        record_visit(uow, plan_id=plan.id, record_in=record_in(TASKS), by=NORTH_DISPATCHER)
    with pytest.raises(InvalidInput) as early:
        body = record_in(TASKS, visited_at=dt.datetime(2025, 12, 1, tzinfo=dt.UTC))
        record_visit(uow, plan_id=plan.id, record_in=body, by=TECH)
    assert set(early.value.errors) == {"visited_at"}
    assert uow.published() == []
