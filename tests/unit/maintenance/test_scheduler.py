"""The scheduler on a fixed clock and the fake unit of work: a year of a monthly plan, a
scheduler run twice a day, one stopped for a week, a plan edited between occurrences, a
visit that moves the next due date, a paused plan."""

from __future__ import annotations

import datetime as dt

from services.maintenance.use_cases import record_visit, schedule_batch, update_plan
from tests.unit.maintenance.support import (
    ADMIN,
    TECH,
    announced,
    clock_of,
    make_uow,
    new_asset,
    new_plan,
    record_in,
    run_days,
)

MONTHLY_2026 = [f"2026-{m:02d}-15" for m in range(1, 13)]


def test_a_year_of_a_monthly_plan_announces_twelve_visits_each_once() -> None:
    uow = make_uow()
    new_asset(uow)  # installed 2025-12-15: monthly visits on the 15th
    plan = new_plan(uow, interval_months=1, notice_days=7)
    assert plan.next_due_date == dt.date(2026, 1, 15)

    run_days(uow, dt.date(2026, 12, 31), times=2)

    assert announced(uow, "maintenance.visit_due") == MONTHLY_2026
    assert announced(uow, "maintenance.due") == MONTHLY_2026
    notices = [str(e.data["notice_date"]) for e in uow.published("maintenance.due")]
    assert notices == [f"2026-{m:02d}-08" for m in range(1, 13)]
    first_visit = uow.published("maintenance.visit_due")[0]
    assert first_visit.region == "east" and first_visit.data["serial_no"] == "SN-1"
    assert first_visit.data["tasks"] == ["anode_check", "fastening", "cleaning"]
    assert first_visit.data["required_skill"] == "cathodic_protection"
    assert first_visit.data["estimated_hours"] == "1.50"
    assert first_visit.occurred_at == dt.datetime(2026, 1, 15, 2, 0, tzinfo=dt.UTC)
    assert plan.next_due_date == dt.date(2027, 1, 15)


def test_the_notice_goes_on_the_notice_date_and_the_visit_on_the_due_date() -> None:
    uow = make_uow()
    new_asset(uow)
    new_plan(uow, interval_months=1, notice_days=7)

    run_days(uow, dt.date(2026, 1, 7))
    assert uow.published() == []
    run_days(uow, dt.date(2026, 1, 8))
    assert announced(uow, "maintenance.due") == ["2026-01-15"]
    run_days(uow, dt.date(2026, 1, 14))
    assert announced(uow, "maintenance.visit_due") == []
    run_days(uow, dt.date(2026, 1, 15))
    assert announced(uow, "maintenance.visit_due") == ["2026-01-15"]


def test_a_day_is_the_regions_day_not_utcs() -> None:
    uow = make_uow()
    new_asset(uow)
    new_plan(uow, interval_months=1, notice_days=7)
    clock = clock_of(uow)

    clock.at = dt.datetime(2026, 1, 14, 15, 59, tzinfo=dt.UTC)  # 23:59 in Shanghai
    schedule_batch(uow)
    assert announced(uow, "maintenance.visit_due") == []
    clock.at = dt.datetime(2026, 1, 14, 16, 0, tzinfo=dt.UTC)  # 00:00 on the 15th there
    schedule_batch(uow)
    assert announced(uow, "maintenance.visit_due") == ["2026-01-15"]


def test_a_scheduler_down_for_a_week_catches_up_without_duplicates() -> None:
    uow = make_uow()
    new_asset(uow)
    new_plan(uow, interval_months=1, notice_days=7)
    run_days(uow, dt.date(2026, 3, 5))
    clock = clock_of(uow)

    clock.at = dt.datetime(2026, 3, 13, 2, tzinfo=dt.UTC)  # down over the notice date (8th)
    schedule_batch(uow)
    schedule_batch(uow)
    assert announced(uow, "maintenance.due")[-1] == "2026-03-15"
    late_notice = uow.published("maintenance.due")[-1]
    assert late_notice.occurred_at == clock.now()
    assert str(late_notice.data["notice_date"]) == "2026-03-08"

    clock.at = dt.datetime(2026, 4, 13, 2, tzinfo=dt.UTC)
    schedule_batch(uow)  # notice for 04-15 sent on 04-13
    clock.at = dt.datetime(2026, 4, 21, 2, tzinfo=dt.UTC)  # down 14th-20th, over the due date
    run_days(uow, dt.date(2026, 5, 31))

    assert announced(uow, "maintenance.visit_due") == MONTHLY_2026[:5]
    assert announced(uow, "maintenance.due") == MONTHLY_2026[:5]
    late_visit = uow.published("maintenance.visit_due")[3]
    assert late_visit.occurred_at == dt.datetime(2026, 4, 21, 2, tzinfo=dt.UTC)


def test_a_long_outage_announces_every_missed_visit_once_and_skips_stale_notices() -> None:
    uow = make_uow()
    new_asset(uow)
    new_plan(uow, interval_months=1, notice_days=7)
    clock_of(uow).at = dt.datetime(2026, 4, 10, 2, tzinfo=dt.UTC)

    schedule_batch(uow)
    schedule_batch(uow)

    assert announced(uow, "maintenance.visit_due") == MONTHLY_2026[:3]
    # The notices of visits already due are pointless; April's is due now (its 8th passed).
    assert announced(uow, "maintenance.due") == ["2026-04-15"]


def test_a_plan_edited_between_occurrences_moves_only_future_ones() -> None:
    uow = make_uow()
    new_asset(uow)
    plan = new_plan(uow, interval_months=1, notice_days=7)
    run_days(uow, dt.date(2026, 3, 20))

    update_plan(uow, plan_id=plan.id, changes={"interval_months": 2}, by=ADMIN)
    assert plan.next_due_date == dt.date(2026, 5, 15)
    assert plan.overrides == ["interval_months", "notice_days"]
    run_days(uow, dt.date(2026, 8, 31))

    assert announced(uow, "maintenance.visit_due") == [
        "2026-01-15",
        "2026-02-15",
        "2026-03-15",
        "2026-05-15",
        "2026-07-15",
    ]


def test_a_visit_moves_the_next_due_date_from_the_actual_visit() -> None:
    uow = make_uow()
    new_asset(uow)
    plan = new_plan(uow, interval_months=1, notice_days=7)
    run_days(uow, dt.date(2026, 1, 19))
    tasks = tuple(plan.tasks)

    visited = dt.datetime(2026, 1, 20, 3, tzinfo=dt.UTC)
    record_visit(uow, plan_id=plan.id, record_in=record_in(tasks, visited_at=visited), by=TECH)
    run_days(uow, dt.date(2026, 3, 31))

    assert announced(uow, "maintenance.visit_due") == ["2026-01-15", "2026-02-20", "2026-03-20"]


def test_a_paused_plan_announces_nothing_and_resumes_with_the_next_occurrence() -> None:
    uow = make_uow()
    new_asset(uow)
    plan = new_plan(uow, interval_months=1, notice_days=7)
    update_plan(uow, plan_id=plan.id, changes={"status": "paused"}, by=ADMIN)
    run_days(uow, dt.date(2026, 3, 1))
    assert uow.published() == []

    update_plan(uow, plan_id=plan.id, changes={"status": "active"}, by=ADMIN)
    run_days(uow, dt.date(2026, 3, 31))

    assert announced(uow, "maintenance.visit_due") == ["2026-03-15"]
