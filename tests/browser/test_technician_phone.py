"""The technician's day on a phone (390x844): visits booked through dispatch's API, listed
in window order with call and map links, and a check-in that reaches dispatch."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import Stack, capture, create_ticket, sign_in
from tests.helpers import auth, ticket_body, wait_until

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _post(url: str, body: dict[str, Any], *roles: str, sub: str = "tester") -> Any:
    headers = {**auth(*roles, sub=sub), "Idempotency-Key": str(uuid.uuid4())}
    response = requests.post(url, json=body, headers=headers, timeout=10)
    assert response.status_code in (200, 201), (url, response.status_code, response.text)
    return response.json()


def _work_order(stack: Stack, name: str, address: str, phone: str) -> str:
    """A ticket assessed and accepted through intake; the work order dispatch opens for it."""
    intake, dispatch = stack.urls["intake"], stack.urls["dispatch"]
    site = {"address": address, "contact_phone": phone}
    body = ticket_body(region="east", customer={"name": name, "phone": phone}, site=site)
    ticket = create_ticket(intake, body)
    assessment = {
        "nature": "product_defect",
        "severity": "high",
        "diagnosis": "anode spent",
        "proposed_solution": "replace the anode",
        "visit_needed": True,
        "required_skill": "coating",
        "estimated_hours": "2",
    }
    _post(f"{intake}/tickets/{ticket['id']}/assessment", assessment, "engineer")
    _post(f"{intake}/tickets/{ticket['id']}/solution-response", {"accepted": True}, "agent")

    def opened() -> Any:
        response = requests.get(
            f"{dispatch}/work-orders",
            params={"ticket_id": ticket["id"]},
            headers=auth("manager"),
            timeout=10,
        )
        return response.json() if response.status_code == 200 else None

    [work_order] = wait_until(opened, timeout=30, what="the work order dispatch opens")
    return str(work_order["id"])


def test_todays_visits_in_order_and_a_check_in(
    new_page: Callable[..., Page], stack: Stack, console_url: str, screenshots: Path
) -> None:
    dispatch = stack.urls["dispatch"]
    technician = _post(
        f"{dispatch}/technicians",
        {
            "name": "Chen Jie",
            "kind": "employee",
            "region": "east",
            "skills": ["coating"],
            "user_sub": "tech-east",
            "work_id": "W-EAST-07",
        },
        "manager",
    )
    day = dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=1)  # all windows still open
    visits = [  # booked out of order: the screen orders them by window
        ("Afternoon customer", "88 Harbour Road, Ningbo", "+86 574 5555 0103", "14:00", "15:30"),
        ("Morning customer", "1 Dock Street, Shanghai", "+86 21 5555 0101", "09:00", "10:00"),
        ("Late morning customer", "7 Canal Lane, Suzhou", "+86 512 5555 0102", "10:30", "12:00"),
    ]
    work_orders = {}
    for name, address, phone, start, end in visits:
        work_orders[name] = work_order = _work_order(stack, name, address, phone)
        window = {
            "technician_id": technician["id"],
            "window_start": f"{day.isoformat()}T{start}:00+08:00",
            "window_end": f"{day.isoformat()}T{end}:00+08:00",
            "agreed_via": "phone",
        }
        _post(f"{dispatch}/work-orders/{work_order}/schedule", window, "agent")

    page = new_page(**PHONE)
    sign_in(page, console_url, "tech-east")
    expect(page.get_by_role("heading", name="Visits")).to_be_visible()
    page.goto(f"{console_url}/today?date={day.isoformat()}")
    stops = page.locator("li.stop")
    expect(stops.locator(".customer")).to_have_text(
        ["Morning customer", "Late morning customer", "Afternoon customer"]
    )
    first = stops.first
    expect(first.locator(".window")).to_contain_text("09:00\u201310:00")  # an en dash
    expect(first.get_by_role("link", name="Call")).to_have_attribute("href", "tel:+862155550101")
    expect(first.get_by_role("link", name="Map")).to_have_attribute(
        "href", "https://www.openstreetmap.org/search?query=1%20Dock%20Street%2C%20Shanghai"
    )
    capture(page, screenshots, "technician-today")
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    first.get_by_role("link", name="Check in").click()
    expect(page.get_by_role("heading", name="Check in")).to_be_visible()
    page.get_by_role("button", name="Check in now").click()  # the model left out: a 422
    expect(page.locator("#product_model-error")).to_contain_text("between 1 and 100")
    expect(page.get_by_label("Product model found on site")).to_have_attribute(
        "aria-invalid", "true"
    )
    page.get_by_label("Product model found on site").fill("CP-400")
    page.get_by_label("Work ID shown to the customer").fill("W-EAST-07")
    page.get_by_label("What you observed").fill("The anode is spent, as reported.")
    capture(page, screenshots, "technician-check-in")
    page.get_by_role("button", name="Check in now").click()
    expect(page.get_by_role("status")).to_have_text("Checked in.")
    # Checked in: the visit is under way, so it leaves the day's list of booked visits.
    expect(stops.locator(".customer")).to_have_text(["Late morning customer", "Afternoon customer"])
    response = requests.get(
        f"{dispatch}/work-orders/{work_orders['Morning customer']}",
        headers=auth("manager"),
        timeout=10,
    )
    assert response.json()["status"] == "in_progress"
