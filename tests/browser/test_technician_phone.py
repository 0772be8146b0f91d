"""The technician's day on a phone (390x844): visits booked through dispatch's API, listed
in window order with call and map links, and a check-in that reaches dispatch."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import PASSWORD, Stack, capture, create_ticket, sign_in
from tests.helpers import auth, ticket_body, wait_until

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _post(url: str, body: dict[str, Any], *roles: str, sub: str = "tester") -> Any:
    headers = {**auth(*roles, sub=sub), "Idempotency-Key": str(uuid.uuid4())}
    response = requests.post(url, json=body, headers=headers, timeout=10)
    assert response.status_code in (200, 201), (url, response.status_code, response.text)
    return response.json()


def _work_order(stack: Stack, name: str, address: str, phone: str, region: str = "east") -> str:
    """A ticket assessed and accepted through intake; the work order dispatch opens for it."""
    intake, dispatch = stack.urls["intake"], stack.urls["dispatch"]
    site = {"address": address, "contact_phone": phone}
    body = ticket_body(region=region, customer={"name": name, "phone": phone}, site=site)
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

    _fee_schedule_heard_by_dispatch(stack, technician["id"], day + dt.timedelta(days=1))

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
    # The check-in reaches dispatch but its answer is lost on the way back to the phone: it
    # stays queued, and sent again with its key when the page is opened again it is
    # answered as the first time (a second check-in would be refused: already in progress).
    page.route("**/check-in*", _answer_lost, times=1)
    page.get_by_role("button", name="Check in now").click()
    expect(page.locator("[data-queue-status]")).to_contain_text("Queued on this phone")
    assert _work_order_now(stack, work_orders["Morning customer"])["status"] == "in_progress"
    page.reload()
    expect(page.get_by_role("status").first).to_have_text("Checked in.")
    expect(page.get_by_role("heading", name="Repair record")).to_be_visible()
    assert _work_order_now(stack, work_orders["Morning customer"])["status"] == "in_progress"

    _repair_record_sent_once_after_a_dropped_connection(page, stack, screenshots)
    _acceptance_signed_on_the_phone(page, stack, screenshots, work_orders["Morning customer"])
    # The visit is done: it has left the day's list of booked visits.
    page.goto(f"{console_url}/today?date={day.isoformat()}")
    expect(stops.locator(".customer")).to_have_text(["Late morning customer", "Afternoon customer"])
    # The repair record in Chinese, as a technician who chose it sees it.
    page.goto(f"{console_url}/visits/{work_orders['Late morning customer']}/repair")
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", name="维修记录")).to_be_visible()
    expect(page.get_by_role("button", name="提交维修记录")).to_be_visible()
    capture(page, screenshots, "technician-repair-zh-CN")


def _answer_lost(route: Route) -> None:
    """The request reaches the console (and dispatch); its answer never reaches the phone."""
    route.fetch()
    route.abort()


def _schedule(stack: Stack, work_order: str, technician_id: str, start: str, end: str) -> None:
    window = {
        "technician_id": technician_id,
        "window_start": start,
        "window_end": end,
        "agreed_via": "phone",
    }
    _post(f"{stack.urls['dispatch']}/work-orders/{work_order}/schedule", window, "agent")


def _fee_schedule_heard_by_dispatch(stack: Stack, technician_id: str, day: dt.date) -> None:
    """Billing publishes its fee schedule; dispatch prices parts from it once it has heard
    (probed on a visit of another day, so the day under test is untouched)."""
    schedule = {
        "effective_from": (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat(),
        "callout_fees": [{"region": "east", "amount": "150.00"}],
        "labour_rates": [
            {"service_kind": "repair", "product_type": "CP-400", "rate_per_hour": "180.00"}
        ],
        "parts": [
            {"part_no": "ANODE-MG-5", "description": "magnesium anode", "price": "85.50"},
            {"part_no": "SEALANT-7", "description": "flange sealant", "price": "12.35"},
        ],
    }
    response = requests.put(
        f"{stack.urls['billing']}/fee-schedule", json=schedule, headers=auth("finance"), timeout=10
    )
    assert response.status_code in (200, 201), response.text
    probe = _work_order(stack, "Probe customer", "2 Test Road, Hangzhou", "+86 571 5555 0199")
    _schedule(stack, probe, technician_id, f"{day}T09:00:00+08:00", f"{day}T10:00:00+08:00")
    check_in = {
        "identity_verified": True,
        "work_id_shown": "W-EAST-07",
        "product_model": "CP-400",
        "symptom_check": {"confirmed": True, "observed": "as reported"},
    }
    orders = f"{stack.urls['dispatch']}/work-orders/{probe}"
    _post(f"{orders}/check-in", check_in, "technician", sub="tech-east")
    part = {"part_no": "SEALANT-7", "quantity": 1, "genuine": True, "reason": "probe"}

    def priced() -> bool:
        response = requests.post(
            f"{orders}/parts-proposals",
            json={"parts": [part]},
            headers={**auth("technician", sub="tech-east"), "Idempotency-Key": str(uuid.uuid4())},
            timeout=10,
        )
        return response.status_code == 201

    wait_until(priced, timeout=30, what="dispatch pricing parts from billing's fee schedule")


def _chargeable_part_agreed(page: Page, screenshots: Path) -> None:
    page.get_by_role("link", name="Chargeable parts").click()
    expect(page.get_by_role("heading", name="Chargeable parts", exact=True)).to_be_visible()
    page.locator("#parts-0-part_no").fill("SEALANT-7")
    page.locator("#parts-0-quantity").fill("2")
    page.locator("#parts-0-reason").fill("the flange is weeping")
    non_genuine = page.locator("input[name='parts.0.genuine']")
    non_genuine.check()  # no manager allowed one on this work order: dispatch refuses it
    page.get_by_role("button", name="Price the parts").click()
    expect(page.locator("#parts-0-genuine-error")).to_have_text(
        "non-genuine SEALANT-7 needs a manager's approval"
    )
    expect(non_genuine).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#parts-0-part_no")).to_have_value("SEALANT-7")  # the form kept
    non_genuine.uncheck()
    page.get_by_role("button", name="Price the parts").click()
    expect(page.locator(".proposal .total")).to_have_text("24.70 CNY")
    _sign(page)
    capture(page, screenshots, "technician-parts")
    page.get_by_role("button", name="The customer agrees").click()
    expect(page.get_by_role("status").first).to_have_text("The customer agreed to the parts.")
    expect(page.get_by_role("heading", name="Repair record")).to_be_visible()
    expect(page.locator("#parts-0-part_no")).to_have_value("SEALANT-7")
    expect(page.locator("#parts-0-covered_by_warranty")).to_have_value("no")


def _work_order_now(stack: Stack, work_order_id: str) -> dict[str, Any]:
    response = requests.get(
        f"{stack.urls['dispatch']}/work-orders/{work_order_id}",
        headers=auth("manager"),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _sign(page: Page) -> None:
    """A signature drawn with the pointer on the pad."""
    pad = page.locator("canvas.pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    x, y = box["x"], box["y"]
    page.mouse.move(x + 20, y + 100)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + 20 + step * 25, y + 100 - (step % 3) * 30)
    page.mouse.up()


def _repair_record_sent_once_after_a_dropped_connection(
    page: Page, stack: Stack, screenshots: Path
) -> None:
    work_order_id = page.url.split("/visits/")[1].split("/")[0]
    _chargeable_part_agreed(page, screenshots)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_label("Work performed").fill("Replaced the spent anode; sealed the flange.")
    page.locator("#parts-1-part_no").fill("ANODE-MG-5")
    page.locator("#parts-1-quantity").fill("1")
    page.locator("#parts-1-reason").fill("the old anode was spent")
    page.get_by_label("Labour hours").fill("1.5")
    _sign(page)
    expect(page.locator("input[name=customer_signature]")).to_have_value(
        re.compile(r"^data:image/png;base64,")
    )
    capture(page, screenshots, "technician-repair")
    page.context.set_offline(True)
    page.get_by_role("button", name="Send the repair record").click()
    expect(page.locator("[data-queue-status]")).to_contain_text("Queued on this phone")
    capture(page, screenshots, "technician-repair-queued")
    assert posts == []  # nothing left the phone
    assert _work_order_now(stack, work_order_id)["status"] == "in_progress"
    page.context.set_offline(False)
    expect(page.get_by_role("heading", name="Acceptance")).to_be_visible()
    expect(page.get_by_role("status").first).to_have_text("Repair record sent.")
    assert [u for u in posts if u.endswith("/repair")] == [page.url.replace("acceptance", "repair")]
    work_order = _work_order_now(stack, work_order_id)
    assert work_order["status"] == "awaiting_acceptance"
    [visit] = work_order["visits"]
    assert visit["repair"]["labour_hours"] == "1.50"
    parts = [
        (p["part_no"], p["covered_by_warranty"], p["unit_price"]) for p in visit["repair"]["parts"]
    ]
    assert parts == [("SEALANT-7", False, "12.35"), ("ANODE-MG-5", True, None)]
    assert visit["repair"]["customer_signature"].startswith("data:image/png;base64,")


def _acceptance_signed_on_the_phone(
    page: Page, stack: Stack, screenshots: Path, work_order_id: str
) -> None:
    page.get_by_label("5").check()
    page.get_by_role("button", name="Record the customer's answer").click()  # no signature
    expect(page.locator("#confirmation-customer_signature-error")).to_be_visible()
    page.get_by_label("5").check()
    _sign(page)
    capture(page, screenshots, "technician-acceptance")
    page.context.set_offline(True)
    page.get_by_role("button", name="Record the customer's answer").click()
    expect(page.locator("[data-queue-status]")).to_contain_text("Queued on this phone")
    # While offline the session is lost too: back online, the answer waits for the sign-in,
    # then goes with the new session's CSRF token and its own Idempotency-Key.
    page.context.clear_cookies()
    page.context.set_offline(False)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert _work_order_now(stack, work_order_id)["status"] == "awaiting_acceptance"
    page.get_by_label("User name").fill("tech-east")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_have_text("The customer's answer is recorded.")
    work_order = _work_order_now(stack, work_order_id)
    assert work_order["status"] == "accepted"
    [visit] = work_order["visits"]
    assert visit["acceptance"]["rating"] == 5
    assert visit["acceptance"]["confirmed_by"] == "customer_signature"
