"""The first-response countdown against a console on a fixed clock, for tickets reported
at fixed past times: due, overdue, paused (a lunch break) and responded. Each expected figure
is worked out by hand from the default calendar (Mon-Fri 08:30-12:00 and 13:30-17:30,
Asia/Shanghai); 7 Dec 2026 is a Monday."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import Stack, capture, create_ticket, sign_in
from tests.helpers import auth, ticket_body


@pytest.fixture(scope="module")
def tickets(stack: Stack) -> dict[str, dict[str, Any]]:
    intake = stack.urls["intake"]

    def reported(priority: str, at: str) -> dict[str, Any]:
        return create_ticket(intake, ticket_body(priority=priority, reported_at=at))

    # high: 4 business hours from Mon 09:00 → 09:00-12:00 and 13:30-14:30: due Mon 14:30.
    due = reported("high", "2026-12-07T09:00:00+08:00")
    # urgent: 2 business hours from Fri 4 Dec 09:00: due Fri 11:00.
    overdue = reported("urgent", "2026-12-04T09:00:00+08:00")
    answered = reported("urgent", "2026-12-04T09:00:00+08:00")
    assessment = {
        "nature": "usage",
        "severity": "low",
        "diagnosis": "wrong primer",
        "proposed_solution": "advice on the phone",
        "visit_needed": False,
        "assessed_at": "2026-12-04T10:00:00+08:00",  # before its 11:00 deadline
    }
    headers = {**auth("engineer"), "Idempotency-Key": str(uuid.uuid4())}
    response = requests.post(
        f"{intake}/tickets/{answered['id']}/assessment",
        json=assessment,
        headers=headers,
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return {"due": due, "overdue": overdue, "answered": answered}


def _cell(page: Page, ticket: dict[str, Any]) -> Any:
    return page.locator(f'tr[data-ticket-id="{ticket["id"]}"] .sla')


def test_due_overdue_and_responded_at_ten_on_monday(
    page: Page, stack: Stack, tickets: dict[str, dict[str, Any]], screenshots: Path
) -> None:
    console = stack.console(AFTERCARE_CONSOLE_FIXED_TIME="2026-12-07T10:00:00+08:00")
    sign_in(page, console, "agent-all")
    # 10:00-12:00 and 13:30-14:30 left: 3 h.
    expect(_cell(page, tickets["due"])).to_have_text("due in 3h 00m")
    # Fri 11:00-12:00, 13:30-17:30 and Mon 08:30-10:00: 6 h 30 over.
    expect(_cell(page, tickets["overdue"])).to_have_text("overdue by 6h 30m")
    expect(_cell(page, tickets["answered"])).to_have_text("responded in time")
    capture(page, screenshots, "queue")


def test_the_lunch_break_pauses_the_countdown(
    page: Page, stack: Stack, tickets: dict[str, dict[str, Any]]
) -> None:
    console = stack.console(AFTERCARE_CONSOLE_FIXED_TIME="2026-12-07T12:30:00+08:00")
    sign_in(page, console, "agent-all")
    # Paused until 13:30; 13:30-14:30 left: 1 h.
    expect(_cell(page, tickets["due"])).to_have_text("paused, 1h 00m left")
    expect(_cell(page, tickets["due"])).to_have_attribute("data-state", "paused")
    # Fri 11:00-12:00, 13:30-17:30 and Mon 08:30-12:00: 8 h 30 over.
    expect(_cell(page, tickets["overdue"])).to_have_text("overdue by 8h 30m")
