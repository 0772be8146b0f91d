"""The dispatch board at a region's busy day: 30 technicians and 200 booked visits, seeded
through intake and dispatch's APIs, render in under two seconds."""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.browser.conftest import Stack, sign_in
from tests.browser.test_technician_phone import _post, _work_order

SHANGHAI = ZoneInfo("Asia/Shanghai")
TECHNICIANS, VISITS = 30, 200


def _booked(stack: Stack, n: int, technician_id: str, day: dt.date) -> None:
    """One work order opened through intake (south) and booked with the technician."""
    name = f"Customer {n:03d}"
    work_order = _work_order(stack, name, f"{n} Long Road, Guangzhou", "+86 20 5555 0000", "south")
    hour = 8 + n // TECHNICIANS  # a technician's k-th visit at 08:00 + k h: none overlap
    window = {
        "technician_id": technician_id,
        "window_start": f"{day}T{hour:02d}:00:00+08:00",
        "window_end": f"{day}T{hour:02d}:45:00+08:00",
        "agreed_via": "phone",
    }
    _post(f"{stack.urls['dispatch']}/work-orders/{work_order}/schedule", window, "agent")


def test_thirty_technicians_and_two_hundred_visits_render_in_under_two_seconds(
    page: Page, stack: Stack, console_url: str
) -> None:
    dispatch = stack.urls["dispatch"]
    technicians = [
        _post(
            f"{dispatch}/technicians",
            {"name": f"Tech {i:02d}", "kind": "employee", "region": "south", "skills": ["coating"]},
            "manager",
        )["id"]
        for i in range(TECHNICIANS)
    ]
    day = dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=3)
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(
            pool.map(lambda n: _booked(stack, n, technicians[n % TECHNICIANS], day), range(VISITS))
        )

    sign_in(page, console_url, "dispatcher-all")
    expect(page.get_by_role("link", name="Dispatch board")).to_be_visible()
    started = time.monotonic()
    page.goto(f"{console_url}/board?region=south&date={day}")
    elapsed = time.monotonic() - started
    expect(page.locator("table.board .visit")).to_have_count(VISITS)
    expect(page.locator("table.board tbody tr")).to_have_count(TECHNICIANS)
    assert elapsed < 2.0, f"the board took {elapsed:.2f} s"
