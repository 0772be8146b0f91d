"""GET /kpis's use case on the in-memory unit of work: overall, per region, per technician,
region-limited callers, and the current month in each region's time zone. Expected values
are worked out by hand from the month in ``support``."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.kpi import use_cases
from services.kpi.domain.definitions import KPI_DEFINITIONS
from services.kpi.events import PUBLISHES
from services.kpi.repositories import FakeKpiUnitOfWork, KpiTables
from shared.auth import Principal
from shared.calendar import BusinessCalendar, CalendarBook
from shared.clock import FixedClock
from shared.errors import Forbidden
from tests.unit.kpi.support import ADMIN, EAST_MANAGER, MONTH, TECH_A, fake_uow, november


def share(kpis: dict[str, Any], name: str) -> tuple[int, int, float | None]:
    value = kpis[name]
    return value["numerator"], value["denominator"], value["ratio"]


# -- scope_region ------------------------------------------------------------------------------
@pytest.mark.parametrize("requested", [None, "north"])
def test_an_unlimited_caller_reads_what_it_asks_for(requested: str | None) -> None:
    assert use_cases.scope_region(ADMIN, requested) == requested


@pytest.mark.parametrize("requested", [None, "east"])
def test_a_region_limited_caller_reads_its_own_region(requested: str | None) -> None:
    assert use_cases.scope_region(EAST_MANAGER, requested) == "east"


def test_a_region_limited_caller_asking_for_another_region_is_refused() -> None:
    with pytest.raises(Forbidden) as refused:
        use_cases.scope_region(EAST_MANAGER, "north")
    assert refused.value.status == 403
    assert str(refused.value) == "this token is limited to region east"


# -- month_or_current --------------------------------------------------------------------------
SHANGHAI = BusinessCalendar(tz=ZoneInfo("Asia/Shanghai"), weekly={})
LOS_ANGELES = BusinessCalendar(tz=ZoneInfo("America/Los_Angeles"), weekly={})
# 1 December 2026, 11:00 in Shanghai; still 30 November (19:00) in Los Angeles.
NEW_MONTH = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("month", "region", "expected"),
    [
        ("2026-07", "pacific", "2026-07"),  # asked for: taken as it is
        (None, "east", "2026-12"),
        (None, "pacific", "2026-11"),
        (None, None, "2026-12"),  # no region: the hotline's zone
        (None, "nowhere", "2026-12"),  # a region without a calendar: the hotline's zone too
    ],
)
def test_the_current_month_is_the_regions_own(
    month: str | None, region: str | None, expected: str
) -> None:
    calendars = CalendarBook(regions={"east": SHANGHAI, "pacific": LOS_ANGELES}, hotline=SHANGHAI)
    uow = FakeKpiUnitOfWork(PUBLISHES, clock=FixedClock(NEW_MONTH), calendars=calendars)

    assert use_cases.month_or_current(uow, month, region) == expected


# -- get_kpis ----------------------------------------------------------------------------------
def test_overall_kpis_add_up_every_region() -> None:
    body = use_cases.get_kpis(fake_uow(), viewer=ADMIN, month=MONTH)

    assert (body["month"], body["region"], body["technician"]) == (MONTH, None, None)
    kpis = body["kpis"]
    assert share(kpis, "repair_timeliness") == (4, 5, 0.8)  # (3 + 1) of (4 + 1)
    assert share(kpis, "first_time_fix") == (1, 2, 0.5)
    assert share(kpis, "csat") == (3, 4, 0.75)
    assert kpis["csat"]["mean_rating"] == 4.5  # (13 + 5) / 4
    assert kpis["mean_time_to_repair"] == {
        "version": 1,
        "repairs": 1,
        "mean_seconds": 7200.0,
        "mean_hours": 2.0,
    }
    assert share(kpis, "repeat_visits") == (1, 2, 0.5)
    assert share(kpis, "followup_satisfaction") == (1, 2, 0.5)
    assert kpis["followup_satisfaction"]["mean_rating"] == 3.5
    # Closed 2 (1 in time) plus 2 open past their deadline; the one not yet due is not counted.
    assert share(kpis, "complaint_timeliness") == (1, 4, 0.25)
    assert kpis["complaint_timeliness"]["open_past_deadline"] == 2
    assert share(kpis, "complaint_satisfaction") == (1, 2, 0.5)
    assert kpis["complaint_satisfaction"]["mean_rating"] == 3.5
    assert share(kpis, "first_response_compliance") == (2, 4, 0.5)  # 3 answered + 1 unanswered
    assert kpis["first_response_compliance"]["unanswered_past_deadline"] == 1
    assert kpis["open_backlog"] == {"version": 1, "tickets": 4, "work_orders": 2}


def test_a_regions_kpis_are_its_own() -> None:
    kpis = use_cases.get_kpis(fake_uow(), viewer=ADMIN, month=MONTH, region="east")["kpis"]

    assert share(kpis, "repair_timeliness") == (3, 4, 0.75)
    assert share(kpis, "csat") == (2, 3, 2 / 3)
    assert kpis["csat"]["mean_rating"] == 13 / 3
    assert share(kpis, "followup_satisfaction") == (0, 0, None)
    assert kpis["followup_satisfaction"]["mean_rating"] is None
    assert share(kpis, "complaint_timeliness") == (1, 3, 1 / 3)
    assert share(kpis, "first_response_compliance") == (2, 3, 2 / 3)
    assert kpis["first_response_compliance"]["unanswered_past_deadline"] == 0
    assert kpis["open_backlog"] == {"version": 1, "tickets": 3, "work_orders": 2}


def test_a_technicians_kpis_leave_out_what_is_not_theirs() -> None:
    kpis = use_cases.get_kpis(fake_uow(), viewer=ADMIN, month=MONTH, technician=TECH_A)["kpis"]

    assert share(kpis, "repair_timeliness") == (3, 4, 0.75)
    assert share(kpis, "first_time_fix") == (1, 2, 0.5)
    assert share(kpis, "csat") == (2, 3, 2 / 3)
    assert kpis["mean_time_to_repair"]["repairs"] == 1
    assert share(kpis, "repeat_visits") == (0, 0, None)
    for regional in (
        "complaint_timeliness",
        "complaint_satisfaction",
        "first_response_compliance",
        "open_backlog",
    ):
        assert kpis[regional] is None


def test_another_month_is_read_on_its_own() -> None:
    kpis = use_cases.get_kpis(fake_uow(), viewer=ADMIN, month="2026-10")["kpis"]

    assert share(kpis, "repair_timeliness") == (0, 10, 0.0)
    assert share(kpis, "csat") == (0, 0, None)
    assert share(kpis, "complaint_timeliness") == (0, 0, None)  # November's deadlines
    assert kpis["open_backlog"] == {"version": 1, "tickets": 4, "work_orders": 2}  # now


def test_the_current_month_and_the_callers_region_by_default() -> None:
    body = use_cases.get_kpis(fake_uow(), viewer=EAST_MANAGER)

    assert (body["month"], body["region"]) == (MONTH, "east")
    assert share(body["kpis"], "repair_timeliness") == (3, 4, 0.75)


def test_a_region_limited_caller_cannot_read_another_region() -> None:
    with pytest.raises(Forbidden):
        use_cases.get_kpis(fake_uow(), viewer=EAST_MANAGER, month=MONTH, region="north")


def test_versions_say_whether_the_facts_need_a_rebuild() -> None:
    body = use_cases.get_kpis(fake_uow(), viewer=ADMIN, month=MONTH)
    assert body["definitions"] == KPI_DEFINITIONS
    assert body["facts_built_with"] == KPI_DEFINITIONS
    assert body["rebuild_needed"] is False

    tables = november()
    tables.definitions[0].version = 0
    stale = use_cases.get_kpis(fake_uow(tables), viewer=ADMIN, month=MONTH)
    assert stale["rebuild_needed"] is True
    never_built = use_cases.get_kpis(fake_uow(KpiTables()), viewer=ADMIN, month=MONTH)
    assert never_built["rebuild_needed"] is True


def test_reads_commit_nothing() -> None:
    uow = fake_uow()
    use_cases.get_kpis(uow, viewer=Principal("eng-1", frozenset({"engineer"})), month=MONTH)
    assert (uow.commits, uow.published()) == (0, [])
