"""Assets and plans on the fake unit of work: registration, plans from the default file with
overrides, impossible schedules refused, region limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from services.maintenance.domain import add_months
from services.maintenance.use_cases import create_plan, register_asset, update_asset, update_plan
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.unit.maintenance.support import (
    ADMIN,
    AGENT,
    EAST_DISPATCHER,
    NORTH_DISPATCHER,
    asset_in,
    make_uow,
    new_asset,
    new_plan,
)


def test_a_registered_asset_keeps_its_details() -> None:
    uow = make_uow()
    asset = new_asset(uow)
    assert (asset.serial_no, asset.region, asset.source) == ("SN-1", "east", "registered")
    assert asset.complete and uow.commits == 1 and uow.published() == []


def test_a_known_serial_is_refused_and_a_region_limited_caller_stays_in_its_region() -> None:
    uow = make_uow()
    new_asset(uow)
    with pytest.raises(Conflict) as known:
        new_asset(uow)
    assert known.value.errors == {"serial_no": ["already registered"]}
    with pytest.raises(Forbidden):
        register_asset(uow, asset_in=asset_in(serial_no="SN-2", region="north"), by=EAST_DISPATCHER)
    with pytest.raises(NotFound):
        update_asset(uow, serial_no="SN-9", changes={"contact_name": "x"}, by=AGENT)
    assert uow.commits == 1


def test_a_plan_starts_from_the_default_of_its_type_and_environment() -> None:
    uow = make_uow()
    new_asset(uow, serial_no="CP-M", installed_on=dt.date(2023, 6, 30))
    new_asset(uow, serial_no="TANK", product_type="lined_tank", environment="humid")
    new_asset(uow, serial_no="PAINT", product_type="coating", environment="indoor")

    marine = new_plan(uow, "CP-M")
    tank = new_plan(uow, "TANK", team="North tank crew", estimated_hours=Decimal("8.00"))
    paint = new_plan(uow, "PAINT")

    assert (marine.interval_months, marine.notice_days, marine.team) == (
        1,
        5,
        "cathodic-protection team",
    )
    # Installed on a 30th in 2023: the first occurrence not already past on 2026-01-01.
    assert marine.next_due_date == dt.date(2026, 1, 30)
    assert marine.notice_on == dt.date(2026, 1, 25)
    assert (tank.interval_months, tank.team, tank.estimated_hours) == (
        6,
        "North tank crew",
        Decimal("8.00"),
    )
    assert tank.overrides == ["estimated_hours", "team"]
    assert (paint.interval_months, paint.notice_days) == (24, 21)
    assert paint.tasks == ["cleaning", "coating_inspection"]


def test_a_first_due_date_starts_the_plan_on_it() -> None:
    uow = make_uow()
    new_asset(uow)
    plan = new_plan(uow, interval_months=3, first_due_date=dt.date(2026, 2, 1))
    assert plan.next_due_date == dt.date(2026, 2, 1)
    with pytest.raises(InvalidInput) as past:
        new_plan(uow, first_due_date=dt.date(2025, 12, 31))
    assert set(past.value.errors) == {"first_due_date"}


@pytest.mark.parametrize(
    ("plan_in", "field"),
    [
        ({"interval_months": 0}, "interval_months"),
        ({"notice_days": 28}, "notice_days"),  # the marine default runs monthly
        ({"interval_months": 2, "notice_days": 56}, "notice_days"),
    ],
)
def test_an_impossible_schedule_is_refused_naming_the_field(
    plan_in: dict[str, Any], field: str
) -> None:
    uow = make_uow()
    new_asset(uow)
    with pytest.raises(InvalidInput) as refused:
        new_plan(uow, **plan_in)
    assert set(refused.value.errors) == {field}
    assert uow.commits == 1 and not uow.plans.items  # type: ignore[attr-defined]


def test_a_plan_needs_a_known_complete_asset_in_the_callers_region() -> None:
    uow = make_uow()
    new_asset(uow, serial_no="NORTH", region="north")
    new_asset(uow, serial_no="BARE", installed_on=None)
    with pytest.raises(InvalidInput) as unknown:
        new_plan(uow, "NOPE")
    assert unknown.value.errors == {"serial_no": ["no asset NOPE"]}
    with pytest.raises(InvalidInput):
        new_plan(uow, "BARE")
    with pytest.raises(InvalidInput) as elsewhere:
        create_plan(uow, plan_in={"serial_no": "NORTH"}, by=EAST_DISPATCHER)
    assert elsewhere.value.errors == {"serial_no": ["no asset NORTH"]}


def test_an_edit_that_makes_the_schedule_impossible_changes_nothing() -> None:
    uow = make_uow()
    new_asset(uow)
    plan = new_plan(uow)
    with pytest.raises(InvalidInput):
        update_plan(uow, plan_id=plan.id, changes={"notice_days": 40}, by=ADMIN)
    assert plan.notice_days == 5 and uow.commits == 2
    with pytest.raises(NotFound):
        update_plan(uow, plan_id=plan.id, changes={"notice_days": 3}, by=NORTH_DISPATCHER)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 1, 31), 2, dt.date(2026, 3, 31)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2026, 11, 15), 3, dt.date(2027, 2, 15)),
    ],
)
def test_months_are_added_from_the_anchor_clamped_to_the_month(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert add_months(day, months) == expected
