"""POST /spot-checks's use case on the in-memory unit of work: the population (the month's
completed work orders, in the caller's region), the recorded seed, and the sample anyone can
draw again with ``random.Random(seed).sample(ids in id order, size)``."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import pytest

from services.kpi import use_cases
from services.kpi.repositories import FakeKpiUnitOfWork, KpiTables
from shared.errors import Forbidden
from tests.unit.kpi.support import ADMIN, EAST_MANAGER, MONTH, NOW, completed, fake_uow

FINISHED = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)


def workshop() -> KpiTables:
    """Four work orders completed in November (three in east), one in October."""
    return KpiTables(
        work_orders=[
            completed(
                "wo-3",
                "east",
                kind="repair",
                ticket_id="t-3",
                completed_technician_id="tech-a",
                completed_visit=2,
                completed_result="fixed",
                completed_at=FINISHED,
                accepted_at=None,
            ),
            completed("wo-1", "east"),
            completed("wo-2", "north"),
            completed("wo-5", "east"),
            completed("wo-4", "east", month="2026-10"),
        ]
    )


def draw(uow: FakeKpiUnitOfWork, **spot_check_in: Any) -> dict[str, Any]:
    return use_cases.draw_spot_check(uow, spot_check_in={"month": MONTH, **spot_check_in}, by=ADMIN)


def test_a_seeded_draw_is_the_documented_sample_and_is_recorded() -> None:
    uow = fake_uow(workshop())

    drawn = draw(uow, size=2, seed=42)

    # Every region's November work orders, in id order; October's is not one of them.
    expected = random.Random(42).sample(["wo-1", "wo-2", "wo-3", "wo-5"], 2)
    assert [w["work_order_id"] for w in drawn["work_orders"]] == expected
    assert {k: drawn[k] for k in ("month", "region", "size", "seed", "population")} == {
        "month": MONTH,
        "region": None,
        "size": 2,
        "seed": 42,
        "population": 4,
    }
    assert (drawn["created_at"], drawn["created_by"]) == (NOW, "admin-1")
    record = uow.tables.spot_checks[str(drawn["id"])]
    assert json.loads(record.work_order_ids) == expected
    assert uow.commits == 1


def test_the_same_seed_draws_the_same_sample() -> None:
    first = draw(fake_uow(workshop()), size=3, seed=2026)
    again = draw(fake_uow(workshop()), size=3, seed=2026)

    assert first["work_orders"] == again["work_orders"]
    assert first["id"] != again["id"]


def test_a_work_order_is_shown_as_kpi_knows_it() -> None:
    drawn = draw(fake_uow(workshop()), size=4, seed=1)

    shown = {w["work_order_id"]: w for w in drawn["work_orders"]}
    assert shown["wo-3"] == {
        "work_order_id": "wo-3",
        "region": "east",
        "kind": "repair",
        "ticket_id": "t-3",
        "completed_technician_id": "tech-a",
        "completed_visit": 2,
        "completed_result": "fixed",
        "completed_at": FINISHED,
        "accepted_at": None,
    }


def test_a_sample_larger_than_the_population_is_all_of_it() -> None:
    drawn = draw(fake_uow(workshop()), size=10, seed=7)

    ids = sorted(w["work_order_id"] for w in drawn["work_orders"])
    assert ids == ["wo-1", "wo-2", "wo-3", "wo-5"]
    assert (drawn["size"], drawn["population"]) == (10, 4)


def test_without_a_seed_a_random_one_is_drawn_and_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bounds: list[int] = []

    def randbelow(bound: int) -> int:
        bounds.append(bound)
        return 99

    monkeypatch.setattr(use_cases.spot_checks.secrets, "randbelow", randbelow)

    drawn = draw(fake_uow(workshop()), size=2)

    assert bounds == [2**53]  # any seed up to 2**53 - 1, which every JSON client reads exactly
    assert drawn["seed"] == 99
    expected = random.Random(99).sample(["wo-1", "wo-2", "wo-3", "wo-5"], 2)
    assert [w["work_order_id"] for w in drawn["work_orders"]] == expected


def test_a_region_asked_for_scopes_the_population() -> None:
    drawn = draw(fake_uow(workshop()), size=5, seed=3, region="north")

    assert (drawn["region"], drawn["population"]) == ("north", 1)
    assert [w["work_order_id"] for w in drawn["work_orders"]] == ["wo-2"]


def test_a_region_limited_caller_draws_from_its_region() -> None:
    uow = fake_uow(workshop())

    drawn = use_cases.draw_spot_check(
        uow, spot_check_in={"month": MONTH, "size": 1, "seed": 5}, by=EAST_MANAGER
    )

    assert (drawn["region"], drawn["population"], drawn["created_by"]) == ("east", 3, "manager-e")
    expected = random.Random(5).sample(["wo-1", "wo-3", "wo-5"], 1)
    assert [w["work_order_id"] for w in drawn["work_orders"]] == expected
    with pytest.raises(Forbidden):
        use_cases.draw_spot_check(
            uow, spot_check_in={"month": MONTH, "size": 1, "region": "north"}, by=EAST_MANAGER
        )
    assert uow.commits == 1


def test_a_month_without_completed_work_orders_draws_nothing() -> None:
    drawn = draw(fake_uow(workshop()), size=3, seed=11, month="2026-09")

    assert (drawn["month"], drawn["population"], drawn["work_orders"]) == ("2026-09", 0, [])
