"""GET /scorecards's use case on the in-memory unit of work: regions and technicians ranked
by the weighted composite, with weights asked for, configured, defaulted or invalid. The
composites are worked out by hand from the month in ``support``:

- east: repair timeliness 3/4, first-time fix 1/2, CSAT 2/3, complaint timeliness 1/3
  (1 of 2 closed in time, plus 1 open past its deadline), complaint satisfaction 1/2,
  first-response compliance 2/3.
- north: repair timeliness 1/1, CSAT 1/1, complaint timeliness 0/1 (open past deadline),
  first-response compliance 0/1 (unanswered past deadline), no work order or feedback.
- south: nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from services.kpi import use_cases
from services.kpi.repositories import KpiTables
from shared.errors import Forbidden, InvalidInput
from tests.unit.kpi.support import (
    ADMIN,
    EAST_MANAGER,
    MONTH,
    TECH_A,
    TECH_B,
    fake_uow,
    monthly,
    november,
)


def ranking(card: dict[str, Any], key: str = "region") -> list[tuple[int, str, float | None]]:
    return [(row["rank"], row[key], row["composite"]) for row in card["rows"]]


def test_regions_ranked_by_the_weights_asked_for() -> None:
    card = use_cases.get_scorecard(
        fake_uow(),
        viewer=ADMIN,
        rank_by="region",
        month=MONTH,
        weights_text="repair_timeliness=1,csat=1",
    )

    assert (card["month"], card["by"], card["region"]) == (MONTH, "region", None)
    assert card["weights"] == {"repair_timeliness": 1.0, "csat": 1.0}
    # east: (3/4 + 2/3) / 2 = 17/24; north: (1 + 1) / 2; south has neither: last.
    assert ranking(card) == [(1, "north", 1.0), (2, "east", 17 / 24), (3, "south", None)]
    east = card["rows"][1]
    assert east["kpis"] == {
        "complaint_satisfaction": 0.5,
        "complaint_timeliness": 1 / 3,
        "csat": 2 / 3,
        "first_response_compliance": 2 / 3,
        "first_time_fix": 0.5,
        "repair_timeliness": 0.75,
    }
    assert east["judged"] == {
        "complaint_satisfaction": 2,
        "complaint_timeliness": 3,
        "csat": 3,
        "first_response_compliance": 3,
        "first_time_fix": 2,
        "repair_timeliness": 4,
    }
    north = card["rows"][0]
    assert north["kpis"]["first_time_fix"] is None
    assert north["kpis"]["complaint_timeliness"] == 0.0
    assert north["judged"]["first_response_compliance"] == 1


def test_the_default_weights() -> None:
    card = use_cases.get_scorecard(fake_uow(), viewer=ADMIN, rank_by="region", month=MONTH)

    assert card["weights"] == {
        "repair_timeliness": 0.3,
        "first_time_fix": 0.3,
        "csat": 0.25,
        "complaint_timeliness": 0.15,
    }
    # east: 0.3 * 3/4 + 0.3 * 1/2 + 0.25 * 2/3 + 0.15 * 1/3 = 71/120 (the weights sum to 1);
    # north has no first-time fix: (0.3 * 1 + 0.25 * 1 + 0.15 * 0) / 0.7 = 11/14.
    assert ranking(card) == [(1, "north", 11 / 14), (2, "east", 71 / 120), (3, "south", None)]


def test_configured_weights_apply_when_none_are_asked_for() -> None:
    uow = fake_uow(scorecard_weights="first_time_fix=1")

    card = use_cases.get_scorecard(uow, viewer=ADMIN, rank_by="region", month=MONTH)

    assert card["weights"] == {"first_time_fix": 1.0}
    # Only east has a work order with an outcome; the others tie without one, by name.
    assert ranking(card) == [(1, "east", 0.5), (2, "north", None), (3, "south", None)]


def test_weights_asked_for_override_the_configured_ones() -> None:
    uow = fake_uow(scorecard_weights="first_time_fix=1")

    card = use_cases.get_scorecard(
        uow, viewer=ADMIN, rank_by="region", month=MONTH, weights_text="csat=2"
    )

    assert card["weights"] == {"csat": 2.0}
    assert ranking(card)[0] == (1, "north", 1.0)


@pytest.mark.parametrize(
    "weights", ["speed=1", "csat", "csat=x", "csat=-1", "csat=1,csat=2", "csat=0"]
)
def test_invalid_weights_asked_for_are_the_callers_to_fix(weights: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        use_cases.get_scorecard(
            fake_uow(), viewer=ADMIN, rank_by="region", month=MONTH, weights_text=weights
        )
    assert refused.value.status == 422
    assert list(refused.value.errors) == ["weights"]


def test_invalid_configured_weights_are_the_operators_to_fix() -> None:
    uow = fake_uow(scorecard_weights="speed=1")

    with pytest.raises(use_cases.Misconfigured) as broken:
        use_cases.get_scorecard(uow, viewer=ADMIN, rank_by="region", month=MONTH)
    assert broken.value.status == 500
    assert str(broken.value).startswith("AFTERCARE_KPI_SCORECARD_WEIGHTS: ")


def test_a_region_with_data_but_not_configured_is_ranked_too() -> None:
    tables = KpiTables(monthly=[monthly("west", TECH_A, "visits", 2, 1)])

    card = use_cases.get_scorecard(
        fake_uow(tables), viewer=ADMIN, rank_by="region", month=MONTH, weights_text="csat=1"
    )

    assert [row["region"] for row in card["rows"]] == ["east", "north", "south", "west"]


def test_a_region_limited_caller_ranks_only_its_region() -> None:
    card = use_cases.get_scorecard(fake_uow(), viewer=EAST_MANAGER, rank_by="region", month=MONTH)

    assert card["region"] == "east"
    assert ranking(card) == [(1, "east", 71 / 120)]
    with pytest.raises(Forbidden):
        use_cases.get_scorecard(
            fake_uow(), viewer=EAST_MANAGER, rank_by="region", month=MONTH, region="north"
        )


def test_technicians_ranked_on_their_own_kpis_only() -> None:
    card = use_cases.get_scorecard(
        fake_uow(),
        viewer=ADMIN,
        rank_by="technician",
        month=MONTH,
        weights_text="repair_timeliness=1",
    )

    assert card["by"] == "technician"
    assert ranking(card, "technician") == [(1, TECH_B, 1.0), (2, TECH_A, 0.75)]
    tech_a = card["rows"][1]
    assert tech_a["kpis"] == {"csat": 2 / 3, "first_time_fix": 0.5, "repair_timeliness": 0.75}
    assert tech_a["judged"] == {"csat": 3, "first_time_fix": 2, "repair_timeliness": 4}


def test_a_regions_technicians() -> None:
    card = use_cases.get_scorecard(
        fake_uow(), viewer=ADMIN, rank_by="technician", month=MONTH, region="east"
    )

    # Default weights over TECH_A's three KPIs: (0.3 * 3/4 + 0.3 * 1/2 + 0.25 * 2/3) / 0.85
    # = (27/120 + 18/120 + 20/120) * 20/17 = 65/102.
    assert ranking(card, "technician") == [(1, TECH_A, 65 / 102)]


def test_technicians_tied_rank_by_id() -> None:
    tables = november()
    tables.monthly.append(monthly("south", "tech-0", "visits", 1, 1))

    card = use_cases.get_scorecard(
        fake_uow(tables),
        viewer=ADMIN,
        rank_by="technician",
        month=MONTH,
        weights_text="repair_timeliness=1",
    )

    assert ranking(card, "technician") == [(1, "tech-0", 1.0), (2, TECH_B, 1.0), (3, TECH_A, 0.75)]
