"""Through the API, on SQLite and PostgreSQL: a technician is never booked twice at once, and
a dispatcher (region-limited) schedules in their own region only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.dispatch_support import HOUR, Dispatch, make_dispatch


@pytest.fixture
def dispatch(database_url: str) -> Iterator[Dispatch]:
    api = make_dispatch(database_url)
    yield api
    api.rt.db.dispose()


def test_a_double_booking_is_refused_with_the_clashing_window_and_writes_nothing(
    dispatch: Dispatch,
) -> None:
    dong = dispatch.technician("Dong")
    first, second = dispatch.open_repair(), dispatch.open_repair()
    booked = dispatch.schedule(first, starts_in=HOUR, technician_id=dong)
    assert booked.status_code == 200, booked.get_json()
    before = dispatch.counts()

    clash = dispatch.schedule(second, starts_in=2 * HOUR, technician_id=dong)

    assert clash.status_code == 409
    assert clash.content_type == "application/problem+json"
    problem = clash.get_json()
    window = booked.get_json()["visits"][0]
    assert list(problem["errors"]) == ["technician_id"]
    assert window["window_start"] in problem["errors"]["technician_id"][0]
    assert dispatch.counts() == before
    assert dispatch.work_order(second)["status"] == "unscheduled"


def test_a_dispatcher_schedules_in_their_region_only(dispatch: Dispatch) -> None:
    dispatch.technician("Dong")
    dispatch.technician("Wu", region="north")
    east, north = dispatch.open_repair(), dispatch.open_repair(region="north")
    body = {
        "window_start": (dispatch.clock.now() + HOUR).isoformat(),
        "window_end": (dispatch.clock.now() + 3 * HOUR).isoformat(),
        "agreed_via": "phone",
    }

    def as_east_dispatcher(work_order_id: str) -> int:
        path = f"/work-orders/{work_order_id}/schedule"
        return dispatch.post(path, body, "dispatcher", region="east").status_code

    assert as_east_dispatcher(east) == 200
    assert as_east_dispatcher(north) == 404  # another region's work is as good as absent
    listed = dispatch.get("/work-orders", "dispatcher", region="east").get_json()
    assert {w["region"] for w in listed} == {"east"}
    assert dispatch.get("/technicians", "dispatcher", region="east").status_code == 200
