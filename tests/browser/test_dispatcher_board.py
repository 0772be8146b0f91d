"""The dispatcher's board: technicians by hours of a region's day, built from dispatch's
routes; a waiting work order assigned, and a booked visit moved, through the board's forms,
with dispatch's refusals (a move that does not say who asked for it, a technician booked twice
at once) shown by the field they name."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import Stack, capture, sign_in
from tests.browser.test_technician_phone import _post, _work_order
from tests.helpers import auth

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _technician(stack: Stack, name: str) -> dict[str, Any]:
    body = {"name": name, "kind": "employee", "region": "east", "skills": ["coating"]}
    return _post(f"{stack.urls['dispatch']}/technicians", body, "manager")  # type: ignore[no-any-return]


def _visit(stack: Stack, work_order_id: str) -> dict[str, Any]:
    response = requests.get(
        f"{stack.urls['dispatch']}/work-orders/{work_order_id}", headers=auth("manager"), timeout=10
    )
    return response.json()["visits"][-1]  # type: ignore[no-any-return]


def test_board_assigns_and_moves_visits_showing_dispatchs_refusal(
    page: Page, stack: Stack, console_url: str, screenshots: Path
) -> None:
    suffix = uuid.uuid4().hex[:4]
    first, second = _technician(stack, f"Ai {suffix}"), _technician(stack, f"Bo {suffix}")
    day = dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=5)
    booked = _work_order(stack, f"Booked {suffix}", "3 Quay Road, Ningbo", "+86 574 5555 0201")
    waiting = _work_order(stack, f"Waiting {suffix}", "9 Mill Lane, Suzhou", "+86 512 5555 0202")
    window = {
        "technician_id": first["id"],
        "window_start": f"{day}T09:00:00+08:00",
        "window_end": f"{day}T10:00:00+08:00",
        "agreed_via": "phone",
    }
    _post(f"{stack.urls['dispatch']}/work-orders/{booked}/schedule", window, "agent")

    sign_in(page, console_url, "dispatcher-east")
    expect(page.get_by_role("link", name="Dispatch board")).to_be_visible()
    page.goto(f"{console_url}/board?date={day}")
    row = page.locator(f"tr[data-technician='Ai {suffix}']")
    nine = row.locator("td").nth(1)  # the 09:00 column
    expect(nine).to_contain_text(f"Booked {suffix}")
    expect(nine).to_contain_text("09:00\u201310:00")
    capture(page, screenshots, "dispatcher-board")

    page.get_by_role("link", name=f"Assign the visit of Waiting {suffix}").click()
    page.get_by_label("Technician").select_option(label=f"Bo {suffix}")
    page.get_by_label("From").fill("13:30")
    page.get_by_label("Until").fill("15:00")
    page.get_by_label("Agreed with the customer by").select_option("email")
    page.get_by_role("button", name="Book the visit").click()
    expect(page.get_by_role("status")).to_have_text("Visit booked.")
    thirteen = page.locator(f"tr[data-technician='Bo {suffix}'] td").nth(5)  # 13:00
    expect(thirteen).to_contain_text(f"Waiting {suffix}")
    assert (_visit(stack, waiting)["technician_id"], _visit(stack, waiting)["agreed_via"]) == (
        second["id"],
        "email",
    )

    page.get_by_role("link", name=f"Move the visit of Booked {suffix}").click()
    expect(page.get_by_role("heading", name="Move the visit")).to_be_visible()
    page.get_by_label("From").fill("10:00")
    page.get_by_label("Until").fill("11:00")
    page.get_by_role("button", name="Book the visit").click()  # who asked, and why: left out
    expect(page.locator("#requested_by-error")).to_have_text(
        "required when a booked visit is moved: customer or company"
    )
    expect(page.get_by_label("Who asked to move it")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#reason-error")).to_have_text("required when a booked visit is moved")
    capture(page, screenshots, "dispatcher-move")
    assert _visit(stack, booked)["window_start"].startswith(f"{day}T01:00:00")  # not moved

    page.get_by_label("Who asked to move it").select_option("customer")
    page.get_by_label("Why it moves").fill("the customer is out until ten")
    page.get_by_role("button", name="Book the visit").click()
    expect(page.get_by_role("status")).to_have_text("Visit booked.")
    expect(row.locator("td").nth(2)).to_contain_text(f"Booked {suffix}")  # 10:00
    moved = _visit(stack, booked)
    assert (moved["reschedule_requested_by"], moved["window_start"]) == (
        "customer",
        f"{day}T02:00:00Z",
    )


def test_a_dispatcher_alone_sees_the_day_and_the_work_waiting_for_a_visit(
    page: Page, console_url: str
) -> None:
    """Dispatch admits the dispatcher role (no agent role besides) to its work orders and
    scheduling: the board shows the day and the work waiting for a visit."""
    sign_in(page, console_url, "dispatcher-only")
    expect(page.get_by_role("heading", name="Dispatch board")).to_be_visible()  # their home
    expect(page.get_by_role("table")).to_be_visible()
    expect(page.get_by_role("heading", name="Waiting for a visit")).to_have_count(1)


def test_the_board_refuses_a_double_booking_with_dispatchs_message(
    page: Page, stack: Stack, console_url: str
) -> None:
    suffix = uuid.uuid4().hex[:4]
    ai = _technician(stack, f"Ai {suffix}")
    day = dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=6)
    booked = _work_order(stack, f"Booked {suffix}", "3 Quay Road, Ningbo", "+86 574 5555 0301")
    waiting = _work_order(stack, f"Waiting {suffix}", "9 Mill Lane, Suzhou", "+86 512 5555 0302")
    window = {
        "technician_id": ai["id"],
        "window_start": f"{day}T09:00:00+08:00",
        "window_end": f"{day}T11:00:00+08:00",
        "agreed_via": "phone",
    }
    _post(f"{stack.urls['dispatch']}/work-orders/{booked}/schedule", window, "agent")

    sign_in(page, console_url, "dispatcher-east")
    expect(page.get_by_role("link", name="Dispatch board")).to_be_visible()  # signed in
    page.goto(f"{console_url}/board?date={day}")
    page.get_by_role("link", name=f"Assign the visit of Waiting {suffix}").click()
    page.get_by_label("Technician").select_option(label=f"Ai {suffix}")
    page.get_by_label("From").fill("10:00")  # inside Ai's 09:00-11:00
    page.get_by_label("Until").fill("12:00")
    page.get_by_label("Agreed with the customer by").select_option("phone")
    page.get_by_role("button", name="Book the visit").click()

    # dispatch's own message, by the field it names (the booked window in UTC)
    expect(page.locator("#technician_id-error")).to_have_text(
        f"already booked from {day}T01:00:00Z to {day}T03:00:00Z"
    )
    expect(page.get_by_label("Technician")).to_have_attribute("aria-invalid", "true")
    waiting_order = requests.get(
        f"{stack.urls['dispatch']}/work-orders/{waiting}", headers=auth("manager"), timeout=10
    ).json()
    assert (waiting_order["status"], waiting_order["visits"]) == ("unscheduled", [])
