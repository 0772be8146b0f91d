"""kpi's REST API on SQLite and PostgreSQL: GET /kpis, GET /scorecards (ranking, ties,
weights), POST /spot-checks (reproducible samples), roles, region-limited tokens and bad
input answered as problems naming the field."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest

from shared.clock import FixedClock
from shared.errors import PROBLEM_JSON
from tests.helpers import auth, settings_for
from tests.integration.test_kpi_facts import NOW, Kpi, Story, kpi_service, new_id

TECH_A = "1a1a1a1a-0000-4000-8000-000000000001"
TECH_B = "2b2b2b2b-0000-4000-8000-000000000002"
TECH_C = "3c3c3c3c-0000-4000-8000-000000000003"


@pytest.fixture
def kpi(database_url: str) -> Iterator[Kpi]:
    service = kpi_service(database_url)
    yield service
    service.client.application.extensions["aftercare"].db.dispose()
    service.rt.db.dispose()


def fixed_first_time(story: Story, tech: str, *, on_time: bool = True, rating: int = 5) -> str:
    """A repair work order fixed on its first visit, in November."""
    order = new_id()
    arrival = "2026-11-14T05:00:00+00:00" if on_time else "2026-11-14T06:00:01+00:00"
    story.arrived(order, 1, tech, arrival, "2026-11-14T06:00:00+00:00")
    story.completed(order, 1, tech, "2026-11-14T07:00:00+00:00")
    story.accepted(order, 1, tech, "2026-11-14T08:00:00+00:00", rating=rating)
    return order


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_json()
    assert response.content_type == PROBLEM_JSON
    body: dict[str, Any] = response.get_json()
    return body


# -- GET /kpis ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("roles", "status"),
    [
        (("engineer",), 200),
        (("manager",), 200),
        (("admin",), 200),
        (("agent",), 403),
        (("technician",), 403),
        (("finance",), 403),
    ],
)
def test_kpis_admit_managers_admins_and_engineers(
    kpi: Kpi, roles: tuple[str, ...], status: int
) -> None:
    response = kpi.client.get("/kpis?month=2026-11", headers=auth(*roles))
    assert response.status_code == status


def test_kpis_need_a_token(kpi: Kpi) -> None:
    problem(kpi.client.get("/kpis?month=2026-11"), 401)


def test_a_region_limited_token_sees_its_region_only(kpi: Kpi) -> None:
    east, north = Story("east"), Story("north")
    fixed_first_time(east, TECH_A, on_time=False)
    fixed_first_time(north, TECH_B)
    kpi.deliver(east.events + north.events)
    limited = auth("manager", region="east")

    body = kpi.client.get("/kpis?month=2026-11", headers=limited).get_json()
    assert body["region"] == "east"
    assert body["kpis"]["repair_timeliness"]["ratio"] == 0.0  # east's late arrival only
    assert kpi.client.get("/kpis?month=2026-11&region=east", headers=limited).status_code == 200
    problem(kpi.client.get("/kpis?month=2026-11&region=north", headers=limited), 403)
    # Scorecards too: by technician, only the east technician is ranked.
    rows = kpi.client.get("/scorecards?month=2026-11&by=technician", headers=limited).get_json()
    assert [r["technician"] for r in rows["rows"]] == [TECH_A]
    problem(kpi.client.get("/scorecards?by=region&region=north", headers=limited), 403)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/kpis?month=2026-13", "month"),
        ("/kpis?month=2026-1", "month"),
        ("/kpis?month=November", "month"),
        ("/kpis?month=2026-11&region=atlantis", "region"),
        ("/kpis?month=2026-11&technician=bob", "technician"),
        ("/scorecards?month=2026-11", "by"),
        ("/scorecards?month=2026-11&by=team", "by"),
        ("/scorecards?month=2026-11&by=region&weights=speed=1", "weights"),
        ("/scorecards?month=2026-11&by=region&weights=csat=-1", "weights"),
        ("/scorecards?month=2026-11&by=region&weights=csat=0", "weights"),
        ("/scorecards?month=11-2026&by=region", "month"),
    ],
)
def test_bad_query_is_a_problem_naming_the_field(kpi: Kpi, path: str, field: str) -> None:
    body = problem(kpi.client.get(path, headers=auth("manager")), 422)
    assert field in body["errors"], body


def test_month_defaults_to_this_month_in_the_regions_time_zone(database_url: str) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 30, 15, 59, 59, tzinfo=dt.UTC))
    kpi = kpi_service(database_url, clock)
    try:
        assert kpi.client.get("/kpis", headers=auth("manager")).get_json()["month"] == "2026-11"
        clock.advance(seconds=1)  # midnight in Shanghai
        body = kpi.client.get("/kpis?region=east", headers=auth("manager")).get_json()
        assert body["month"] == "2026-12"
    finally:
        kpi.client.application.extensions["aftercare"].db.dispose()
        kpi.rt.db.dispose()


# -- GET /scorecards ---------------------------------------------------------------------------
def league(kpi: Kpi) -> None:
    """east and north perfect; south late once; central only a complaint closed in time."""
    east, north, south, central = Story("east"), Story("north"), Story("south"), Story("central")
    fixed_first_time(east, TECH_A)
    order = new_id()
    east.arrived(order, 1, TECH_A, "2026-11-20T05:00:00+00:00", "2026-11-20T06:00:00+00:00")
    fixed_first_time(north, TECH_B)
    fixed_first_time(south, TECH_C, on_time=False, rating=4)
    complaint, deadline = new_id(), "2026-11-20T09:30:00+00:00"
    central.filed(complaint, "2026-11-04T01:30:00+00:00", deadline)
    central.complaint_closed(
        complaint, 1, "2026-11-10T03:00:00+00:00", "2026-11-11T06:00:00+00:00", deadline, 5
    )
    kpi.deliver(east.events + north.events + south.events + central.events)


def scorecard(kpi: Kpi, query: str, **headers: Any) -> dict[str, Any]:
    response = kpi.client.get(f"/scorecards?{query}", headers=headers or auth("engineer"))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def test_scorecard_ranks_regions_ties_broken_by_name(kpi: Kpi) -> None:
    league(kpi)

    body = scorecard(kpi, "month=2026-11&by=region")

    ranking = [(r["rank"], r["region"], r["composite"]) for r in body["rows"]]
    assert ranking == [
        # Default weights, renormalised over the KPIs each region has: central has only
        # complaint timeliness (1/1); east and north are perfect; south is late on its
        # only visit: (0.3 * 0 + 0.3 * 1 + 0.25 * 1) / (0.3 + 0.3 + 0.25) = 11/17.
        (1, "central", 1.0),
        (2, "east", 1.0),
        (3, "north", 1.0),
        (4, "south", 11 / 17),
        (5, "northeast", None),
        (6, "northwest", None),
        (7, "southwest", None),
    ]
    south = body["rows"][3]
    assert south["kpis"]["repair_timeliness"] == 0.0
    assert south["kpis"]["complaint_timeliness"] is None
    assert south["judged"]["repair_timeliness"] == 1
    assert body["weights"] == {
        "repair_timeliness": 0.3,
        "first_time_fix": 0.3,
        "csat": 0.25,
        "complaint_timeliness": 0.15,
    }


def test_scorecard_ranks_technicians(kpi: Kpi) -> None:
    story = Story("east")
    fixed_first_time(story, TECH_B)
    fixed_first_time(story, TECH_A)
    fixed_first_time(story, TECH_C, rating=3)  # csat 0/1: (0.3 + 0.3 + 0) / 0.85 = 12/17
    kpi.deliver(story.events)

    body = scorecard(kpi, "month=2026-11&by=technician")

    assert [(r["rank"], r["technician"], r["composite"]) for r in body["rows"]] == [
        (1, TECH_A, 1.0),
        (2, TECH_B, 1.0),
        (3, TECH_C, 12 / 17),
    ]
    assert set(body["rows"][0]["kpis"]) == {"repair_timeliness", "first_time_fix", "csat"}


def test_scorecard_weights_are_configurable(database_url: str) -> None:
    kpi = kpi_service(database_url)
    league(kpi)
    expected = [
        ("east", 1.0),
        ("north", 1.0),
        ("south", 0.0),
        ("central", None),
        ("northeast", None),
        ("northwest", None),
        ("southwest", None),
    ]
    override = scorecard(kpi, "month=2026-11&by=region&weights=repair_timeliness=2")
    assert [(r["region"], r["composite"]) for r in override["rows"]] == expected
    assert override["weights"] == {"repair_timeliness": 2.0}
    kpi.client.application.extensions["aftercare"].db.dispose()

    from services.kpi import SERVICE
    from shared.web import build_app

    settings = settings_for(
        SERVICE, database_url, extra={"scorecard_weights": "repair_timeliness=1"}
    )
    configured = build_app(SERVICE, settings, clock=FixedClock(NOW)).test_client()
    body = configured.get("/scorecards?month=2026-11&by=region", headers=auth("admin")).get_json()
    assert [(r["region"], r["composite"]) for r in body["rows"]] == expected
    configured.application.extensions["aftercare"].db.dispose()
    kpi.rt.db.dispose()


def test_misconfigured_weights_are_reported_as_such(kpi: Kpi, database_url: str) -> None:
    from services.kpi import SERVICE
    from shared.web import build_app

    settings = settings_for(SERVICE, database_url, extra={"scorecard_weights": "speed=1"})
    client = build_app(SERVICE, settings, clock=FixedClock(NOW)).test_client()
    try:
        body = problem(client.get("/scorecards?by=region", headers=auth("admin")), 500)
        assert body["type"].endswith("/misconfigured")
        assert "AFTERCARE_KPI_SCORECARD_WEIGHTS" in body["detail"]
        # A request that names its own weights does not depend on the configured ones.
        own = client.get("/scorecards?by=region&weights=csat=1", headers=auth("admin"))
        assert own.status_code == 200
    finally:
        client.application.extensions["aftercare"].db.dispose()


# -- POST /spot-checks -------------------------------------------------------------------------
def completed_orders(kpi: Kpi) -> tuple[list[str], list[str]]:
    """12 east and 3 north work orders completed in November, 2 east ones in October."""
    east, north = Story("east"), Story("north")
    east_ids = [new_id() for _ in range(12)]
    north_ids = [new_id() for _ in range(3)]
    for order in east_ids:
        east.completed(order, 1, TECH_A, "2026-11-14T07:00:00+00:00")
    for order in north_ids:
        north.completed(order, 1, TECH_B, "2026-11-30T15:59:59+00:00")  # 23:59:59 local
    for _ in range(2):
        east.completed(new_id(), 1, TECH_A, "2026-10-31T15:00:00+00:00")
    north.completed(new_id(), 1, TECH_B, "2026-11-30T16:00:00+00:00")  # December locally
    kpi.deliver(east.events + north.events)
    return sorted(east_ids), sorted(north_ids)


def draw(kpi: Kpi, body: dict[str, Any], *roles: str, **kw: Any) -> Any:
    return kpi.client.post(
        "/spot-checks", json=body, headers={**auth(*(roles or ("manager",)), **kw)}
    )


def sample_ids(response: Any) -> list[str]:
    assert response.status_code == 201, response.get_json()
    return [w["work_order_id"] for w in response.get_json()["work_orders"]]


def test_spot_check_is_reproducible_from_its_seed(kpi: Kpi) -> None:
    east, _ = completed_orders(kpi)
    # Anyone can redraw it: random.Random(seed).sample(population in id order, size).
    by_42 = random.Random(42).sample(east, 5)
    by_43 = random.Random(43).sample(east, 5)
    assert by_42 != by_43

    first = draw(kpi, {"month": "2026-11", "region": "east", "size": 5, "seed": 42})
    again = draw(kpi, {"month": "2026-11", "region": "east", "size": 5, "seed": 42})
    other = draw(kpi, {"month": "2026-11", "region": "east", "size": 5, "seed": 43})

    assert sample_ids(first) == sample_ids(again) == by_42
    assert sample_ids(other) == by_43
    body = first.get_json()
    assert (body["seed"], body["population"], body["size"], body["region"]) == (42, 12, 5, "east")
    assert body["id"] != again.get_json()["id"]
    item = body["work_orders"][0]
    assert (item["technician_id"], item["result"], item["completed_at"]) == (
        TECH_A,
        "fixed",
        "2026-11-14T07:00:00Z",
    )
    recorded = kpi.client.get(first.headers["Location"], headers=auth("engineer"))
    assert recorded.status_code == 200
    assert recorded.get_json() == body


def test_spot_check_without_a_seed_records_the_one_it_drew(kpi: Kpi) -> None:
    east, north = completed_orders(kpi)

    drawn = draw(kpi, {"month": "2026-11", "size": 4}, "admin")

    body = drawn.get_json()
    assert isinstance(body["seed"], int) and 0 <= body["seed"] <= 2**53 - 1
    assert body["population"] == 15 and body["region"] is None
    assert sample_ids(drawn) == random.Random(body["seed"]).sample(sorted(east + north), 4)
    redrawn = draw(kpi, {"month": "2026-11", "size": 4, "seed": body["seed"]}, "admin")
    assert sample_ids(redrawn) == sample_ids(drawn)


def test_spot_check_larger_than_the_population_takes_all_of_it(kpi: Kpi) -> None:
    _, north = completed_orders(kpi)
    drawn = draw(kpi, {"month": "2026-11", "region": "north", "size": 50, "seed": 1})
    assert sorted(sample_ids(drawn)) == north
    assert drawn.get_json()["population"] == 3
    empty = draw(kpi, {"month": "2026-09", "size": 5, "seed": 1})
    assert sample_ids(empty) == [] and empty.get_json()["population"] == 0


def test_spot_checks_by_role_and_region(kpi: Kpi) -> None:
    _, north = completed_orders(kpi)
    problem(draw(kpi, {"month": "2026-11", "size": 2}, "engineer"), 403)
    problem(draw(kpi, {"month": "2026-11", "size": 2}, "agent"), 403)
    problem(kpi.client.post("/spot-checks", json={"month": "2026-11", "size": 2}), 401)
    # A region-limited manager draws from its region, and only its region.
    limited = draw(kpi, {"month": "2026-11", "size": 3, "seed": 5}, region="north")
    assert limited.get_json()["region"] == "north"
    assert sorted(sample_ids(limited)) == north
    problem(draw(kpi, {"month": "2026-11", "region": "east", "size": 2}, region="north"), 403)
    # Reading a spot check of another region is like reading one that does not exist.
    location = limited.headers["Location"]
    problem(kpi.client.get(location, headers=auth("manager", region="east")), 404)
    assert kpi.client.get(location, headers=auth("engineer", region="north")).status_code == 200
    problem(kpi.client.get(location, headers=auth("agent")), 403)
    problem(
        kpi.client.get("/spot-checks/6f1c1a52-8c8e-4b5e-9a8e-2f7f1b3d9c10", headers=auth("admin")),
        404,
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"size": 2}, "month"),
        ({"month": "2026/11", "size": 2}, "month"),
        ({"month": "2026-11"}, "size"),
        ({"month": "2026-11", "size": 0}, "size"),
        ({"month": "2026-11", "size": 1001}, "size"),
        ({"month": "2026-11", "size": "5"}, "size"),
        ({"month": "2026-11", "size": 2, "seed": -1}, "seed"),
        ({"month": "2026-11", "size": 2, "seed": 2**53}, "seed"),
        ({"month": "2026-11", "size": 2, "seed": 1.5}, "seed"),
        ({"month": "2026-11", "size": 2, "region": "atlantis"}, "region"),
        ({"month": "2026-11", "size": 2, "colour": "red"}, "colour"),
    ],
)
def test_bad_spot_check_is_a_problem_naming_the_field(
    kpi: Kpi, body: dict[str, Any], field: str
) -> None:
    answer = problem(draw(kpi, body), 422)
    assert field in answer["errors"], answer


def test_malformed_spot_check_body_is_not_a_server_error(kpi: Kpi) -> None:
    response = kpi.client.post(
        "/spot-checks",
        data="{not json",
        headers={**auth("manager"), "Content-Type": "application/json"},
    )
    assert response.status_code in (400, 422)
    assert response.content_type == PROBLEM_JSON


def test_spot_check_retried_with_its_idempotency_key_is_drawn_once(kpi: Kpi) -> None:
    completed_orders(kpi)
    headers = {**auth("manager"), "Idempotency-Key": "spot-2026-11-a"}
    body = {"month": "2026-11", "size": 3}

    first = kpi.client.post("/spot-checks", json=body, headers=headers)
    retry = kpi.client.post("/spot-checks", json=body, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.headers.get("Idempotent-Replayed") == "true"
    assert retry.get_json() == first.get_json()  # same id, same seed, same sample


def test_openapi_documents_the_kpi_endpoints(kpi: Kpi) -> None:
    doc = kpi.client.get("/openapi.json").get_json()
    paths = doc["paths"]
    assert {"/kpis", "/scorecards", "/spot-checks", "/spot-checks/{spot_check_id}"} <= set(paths)
    assert "Roles: manager, admin." in paths["/spot-checks"]["post"]["description"]
    parameters = {p["name"] for p in paths["/kpis"]["get"]["parameters"]}
    assert {"month", "region", "technician"} <= parameters
    create = doc["components"]["schemas"]["SpotCheckCreate"]
    assert set(create["required"]) == {"month", "size"}
