"""The agent's screens in the browser: a region-limited queue, refreshing in place, a
ticket, intake from a call by keyboard with a 422 next to its field, zh-CN."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import Stack, capture, create_ticket, sign_in
from tests.helpers import auth, free_port, ticket_body


def _name(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def test_a_region_limited_agent_sees_only_their_region(
    page: Page, stack: Stack, console_url: str, screenshots: Path
) -> None:
    intake = stack.urls["intake"]
    east_name, north_name = _name("East customer"), _name("North customer")
    east = create_ticket(
        intake,
        ticket_body(region="east", customer={"name": east_name, "phone": "+86 21 5555 0101"}),
    )
    north = create_ticket(
        intake,
        ticket_body(region="north", customer={"name": north_name, "phone": "+86 10 5555 0101"}),
    )

    sign_in(page, console_url, "agent-east")
    rows = page.locator("#ticket-rows")
    expect(rows.locator(f'tr[data-ticket-id="{east["id"]}"]')).to_contain_text(east_name)
    expect(rows).not_to_contain_text(north_name)
    expect(page.locator("#region option")).to_have_count(1)  # only their own to pick
    capture(page, screenshots, "queue-region-limited")

    page.goto(f"{console_url}/tickets/{north['id']}")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(north_name)

    page.goto(f"{console_url}/tickets/{east['id']}")
    expect(page.locator("main")).to_contain_text(east_name)
    capture(page, screenshots, "ticket")


def test_the_queue_refreshes_its_rows_in_place(page: Page, stack: Stack, console_url: str) -> None:
    sign_in(page, console_url, "agent-all")
    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()
    page.evaluate("window.loadedOnce = 'yes'")  # gone if the page were loaded again
    name = _name("Arrived later")
    ticket = create_ticket(
        stack.urls["intake"], ticket_body(customer={"name": name, "phone": "+86 21 5555 0102"})
    )
    expect(page.locator(f'tr[data-ticket-id="{ticket["id"]}"]')).to_contain_text(name)
    assert page.evaluate("window.loadedOnce") == "yes"

    # A keyboard user on a row keeps their place when the rows are refreshed.
    page.locator(f"#open-{ticket['id']}").focus()
    page.evaluate(
        "window.swaps = 0;"
        " document.body.addEventListener('htmx:afterSwap', () => { window.swaps += 1; })"
    )
    page.wait_for_function("() => window.swaps >= 2")
    assert page.evaluate("document.activeElement.id") == f"open-{ticket['id']}"


def _tickets_named(intake: str, name: str) -> list[dict[str, object]]:
    response = requests.get(
        f"{intake}/tickets", params={"page_size": 100}, headers=auth("agent"), timeout=10
    )
    assert response.status_code == 200
    return [t for t in response.json() if t["customer"]["name"] == name]


def test_intake_by_keyboard_with_a_422_next_to_its_field(
    page: Page, stack: Stack, console_url: str, screenshots: Path
) -> None:
    name = _name("Zhang Min")
    sign_in(page, console_url, "agent-all")
    page.get_by_role("link", name="New ticket").click()
    page.wait_for_load_state("load")
    expect(page.locator("#customer\\.name")).to_be_focused()  # typing starts at once
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    focused_outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused_outline == "solid"  # the keyboard focus is visible
    page.keyboard.type("call me maybe")  # not a phone number: intake answers 422
    page.keyboard.press("Tab")  # email: none given
    page.keyboard.press("Tab")
    page.keyboard.type("CP-400")
    page.keyboard.press("Tab")
    page.keyboard.type("SN-KB-1")
    page.keyboard.press("Tab")  # purchase date: none given
    page.keyboard.press("Tab")
    page.keyboard.type("coating blistering near the weld seam")
    for _field in ("usage environment", "site", "preferred time", "kind", "channel", "priority"):
        page.keyboard.press("Tab")  # the defaults will do
    page.keyboard.press("Tab")
    expect(page.locator("#region")).to_be_focused()
    expect(page.locator("#region")).to_have_value("")  # no region chosen for the agent
    page.keyboard.type("east")  # picks the option by its first letters
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Register ticket")).to_be_focused()
    page.keyboard.press("Enter")

    error = page.locator("#customer-phone-error")
    expect(error).to_have_text("not a phone number")
    expect(page.locator("#customer\\.phone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#customer\\.name")).to_have_value(name)  # nothing typed is lost
    capture(page, screenshots, "intake-422")
    assert _tickets_named(stack.urls["intake"], name) == []

    expect(page.locator("#customer\\.phone")).to_be_focused()  # the field to mend
    page.keyboard.press("Control+A")
    page.keyboard.type("+86 138 1234 5678")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Ticket registered.")
    [created] = _tickets_named(stack.urls["intake"], name)
    assert created["customer"]["phone"] == "+86 138 1234 5678"
    assert created["product"]["model"] == "CP-400"
    assert created["channel"] == "hotline"
    assert created["region"] == "east"
    expect(page.locator("main")).to_contain_text(str(created["id"]))


def test_chinese_throughout_once_chosen(
    new_page: Callable[..., Page], stack: Stack, console_url: str, screenshots: Path
) -> None:
    page = new_page(viewport={"width": 1280, "height": 800}, locale="en-US")
    create_ticket(
        stack.urls["intake"], ticket_body(customer={"name": "王芳", "phone": "+86 21 5555 0103"})
    )
    sign_in(page, console_url, "agent-all")
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", name="工单")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#ticket-rows")).to_contain_text("剩余")  # a countdown, in Chinese
    capture(page, screenshots, "queue-zh-CN")
    page.goto(f"{console_url}/tickets/new")
    expect(page.get_by_role("heading", name="来电新建工单")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="New ticket from a call")).to_be_visible()


def test_a_service_that_does_not_answer_is_said_so(page: Page, stack: Stack) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    console = stack.console(
        AFTERCARE_CONSOLE_INTAKE_URL=nobody, AFTERCARE_CONSOLE_TIMEOUT_SECONDS="2"
    )
    sign_in(page, console, "agent-all")
    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()
    expect(page.locator("#ticket-rows").get_by_role("alert")).to_contain_text(
        "the service did not answer"
    )


def test_filtered_and_paged_with_a_visible_focus_all_the_way(
    page: Page, stack: Stack, console_url: str
) -> None:
    names = [_name(f"Northwest {i:02d}") for i in range(23)]  # 20 a page: two pages
    for name in names:
        body = ticket_body(region="northwest", customer={"name": name, "phone": "+86 29 5555 0100"})
        create_ticket(stack.urls["intake"], body)
    sign_in(page, console_url, "agent-all")
    page.get_by_label("Region").select_option("northwest")
    page.get_by_role("button", name="Show").click()
    rows = page.locator("#ticket-rows tr[data-ticket-id]")
    expect(rows).to_have_count(20)
    expect(page.locator("#ticket-rows")).to_contain_text("23 tickets, page 1 of 2")
    expect(rows.first).to_contain_text(names[-1])  # newest first
    page.get_by_role("link", name="Next page").click()
    expect(rows).to_have_count(3)
    expect(page.locator("#ticket-rows")).to_contain_text(names[0])
    expect(page.get_by_label("Region")).to_have_value("northwest")  # the filter stays

    # Every stop of the keyboard on the way through the page shows where it is.
    page.wait_for_load_state("load")  # the stylesheet is in, not only the rows
    page.locator("body").focus()
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement, s = getComputedStyle(e);"
            " return [e.tagName + ' ' + (e.textContent || e.name || '').trim().slice(0, 20),"
            " s.outlineStyle, s.outlineWidth]; })()"
        )
        seen.append(focused)
    assert all(style == "solid" and width != "0px" for _, style, width in seen), seen
