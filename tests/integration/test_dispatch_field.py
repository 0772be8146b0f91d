"""What a dispatcher and an agent plan their day with (issue 9): each technician's route of a
day in time order, and the follow-up calls due, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.integration.dispatch_support import HOUR, START, Dispatch, make_dispatch


@pytest.fixture
def dispatch(database_url: str) -> Iterator[Dispatch]:
    api = make_dispatch(database_url)
    yield api
    api.rt.db.dispose()


def test_a_route_lists_each_technicians_visits_of_the_day_in_time_order(
    dispatch: Dispatch,
) -> None:
    d = dispatch
    dong, bai = d.technician("Dong"), d.technician("Bai")
    # START is Monday 2 Nov 2026, 16:00 in Shanghai. Dong: 17:00 today, then 11:00 and
    # 09:00 tomorrow (booked out of order; two-hour windows); Bai: 11:00 tomorrow.
    late, early, later, bais = (d.open_repair() for _ in range(4))
    d.schedule(late, technician_id=dong, starts_in=HOUR)
    d.schedule(later, technician_id=dong, starts_in=19 * HOUR)
    d.schedule(early, technician_id=dong, starts_in=17 * HOUR)
    d.schedule(bais, technician_id=bai, starts_in=19 * HOUR)

    today = d.get("/routes?region=east", "dispatcher", region="east")
    tomorrow = d.get("/routes?region=east&date=2026-11-03", "dispatcher")

    assert today.status_code == 200, today.get_json()
    assert [
        (r["technician_name"], [s["work_order_id"] for s in r["stops"]]) for r in today.get_json()
    ] == [("Dong", [late])]
    routes = tomorrow.get_json()
    assert [r["technician_name"] for r in routes] == ["Bai", "Dong"]
    assert [s["work_order_id"] for s in routes[1]["stops"]] == [early, later]
    assert routes[1]["stops"][0]["window_start"] == "2026-11-03T01:00:00Z"  # 09:00 Shanghai
    own = d.get("/routes?date=2026-11-03&region=east", "technician", sub="tech-Bai")
    assert [r["technician_name"] for r in own.get_json()] == ["Bai"]


def test_a_route_needs_a_region_and_keeps_to_the_tokens(dispatch: Dispatch) -> None:
    d = dispatch
    missing = d.get("/routes", "dispatcher")
    assert missing.status_code == 422 and "region" in missing.get_json()["errors"]
    assert d.get("/routes?region=east", "dispatcher", region="north").status_code == 404
    assert d.get("/routes", "dispatcher", region="north").get_json() == []
    assert d.get("/routes?region=east", "agent").status_code == 403


def test_follow_up_calls_come_due_3_and_30_days_after_acceptance(dispatch: Dispatch) -> None:
    d = dispatch
    d.technician("Dong")
    work_order = d.open_repair()
    d.visit(work_order, "Dong", "fixed")
    assert d.answer(work_order, accepted=True).status_code == 200
    accepted_at = d.clock.now()

    def due() -> list[tuple[str, int, str]]:
        body = d.get("/follow-ups/due?region=east", "agent").get_json()
        return [(r["work_order_id"], r["call"], r["due_at"]) for r in body]

    def iso(moment: dt.datetime) -> str:
        return moment.isoformat().replace("+00:00", "Z")

    d.clock.advance(days=3, seconds=-1)
    assert due() == []
    d.clock.advance(seconds=1)
    assert due() == [(work_order, 1, iso(accepted_at + dt.timedelta(days=3)))]
    call = {"satisfaction": 5, "remarks": "all good"}
    assert d.post(f"/work-orders/{work_order}/follow-up", call, "agent").status_code == 200
    assert due() == []
    d.clock.advance(days=27)
    assert due() == [(work_order, 2, iso(accepted_at + dt.timedelta(days=30)))]
    assert d.get("/follow-ups/due", "agent", region="north").get_json() == []
    assert accepted_at > START


def test_the_work_order_shows_what_the_technician_needs_on_site(dispatch: Dispatch) -> None:
    d = dispatch
    dong = d.technician("Dong")
    site = {
        "address": "No. 8 Harbour Road, Beilun, Ningbo",
        "contact_name": "Wang Fang",
        "contact_phone": "+86 139 0000 0000",
        "latitude": "29.884000",
        "longitude": "121.812000",
    }
    work_order = d.open_repair(
        site=site,
        symptom="coating blistering near the weld seam",
        usage_environment="marine, splash zone",
        tools=["reference electrode"],
        preferred_time="weekday mornings",
    )
    d.schedule(work_order, technician_id=dong)

    body = d.work_order(work_order)
    assert body["site"] == site
    assert (body["symptom"], body["usage_environment"], body["preferred_time"]) == (
        "coating blistering near the weld seam",
        "marine, splash zone",
        "weekday mornings",
    )
    assert body["tools"] == ["reference electrode"] and body["parts_likely"] == ["CP-400-ANODE"]
    [route] = d.get("/routes?region=east", "dispatcher").get_json()
    assert route["stops"][0]["site_address"] == site["address"]


def test_a_ticket_without_a_site_still_opens_a_work_order(dispatch: Dispatch) -> None:
    work_order = dispatch.open_repair(site=None, symptom=None, tools=[])
    assert dispatch.work_order(work_order)["site"] is None
