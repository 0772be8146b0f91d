"""A visit from the customer's first call to the follow-up call, end to end: intake, dispatch
and billing as gunicorn and worker processes over the real RabbitMQ and PostgreSQL, and a
real SMTP server (aiosmtpd) started by the test.

A ticket with its site → assessed, solution accepted → dispatch's work order, booked for
tomorrow as agreed by phone → the customer gets the confirmation and, from the reminder
command, the day-before reminder as real emails → on arrival the work ID shown is not the
technician's: the identity check fails and the visit stops, back to scheduling → the customer
asks to move the visit, rebooked (a second confirmation) → on arrival the checks pass and the
symptom is confirmed → a chargeable part, priced from the fee schedule billing published, is
agreed by the customer's signature before use → the repair record → acceptance signed by the
customer → the follow-up call appears in the region's due list (due the day of acceptance:
AFTERCARE_DISPATCH_FOLLOW_UP_DAYS=0 here, so the test need not wait three days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import Network
from tests.e2e.test_billing_scenario import agreed_on_site, call, fee_schedule
from tests.e2e.test_notices_scenario import _accepted_ticket, _reminders_command
from tests.helpers import Mailbox, smtp_server, wait_until

SHANGHAI = ZoneInfo("Asia/Shanghai")
SIGNATURE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAE="
SENDING = {"AFTERCARE_NOTICES_POLL_SECONDS": "0.1"}


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


def _tomorrow_at(hour: int) -> dt.datetime:
    day = dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def _book(orders: str, hour: int, **agreement: Any) -> dict[str, Any]:
    start = _tomorrow_at(hour)
    window = {
        "window_start": start.isoformat(),
        "window_end": (start + dt.timedelta(hours=2)).isoformat(),
        "agreed_via": "phone",
    } | agreement
    return dict(call("POST", f"{orders}/schedule", window, "dispatcher"))


def _check_in(orders: str, work_id_shown: str) -> dict[str, Any]:
    body = {
        "identity_verified": True,
        "product_model": "CP-400",
        "work_id_shown": work_id_shown,
        "symptom_check": {"confirmed": True, "observed": "anode spent"},
    }
    return dict(call("POST", f"{orders}/check-in", body, "technician", sub="tech-dong"))


def _subjects(mailbox: Mailbox) -> list[str]:
    return [str(m["Subject"]) for m in mailbox.to("ann@example.com")]


def test_a_visit_from_the_call_to_the_follow_up(network: Network, mailbox: Mailbox) -> None:
    intake, billing = network.web("intake"), network.web("billing")
    dispatch = network.web("dispatch", AFTERCARE_DISPATCH_FOLLOW_UP_DAYS="0")
    for name in ("intake", "billing"):
        network.worker(name)
    network.worker("dispatch", AFTERCARE_SMTP_URL=mailbox.url, **SENDING)
    network.wait_consumer_queue("dispatch")
    fee_schedule(billing)
    dong = call(
        "POST",
        f"{dispatch}/technicians",
        {"name": "Dong", "kind": "employee", "region": "east", "skills": ["coating"],
         "user_sub": "tech-dong", "work_id": "W-DONG"},
        "manager",
    )  # fmt: skip
    ticket_id = _accepted_ticket(intake, "ann@example.com")
    [order] = wait_until(
        lambda: call("GET", f"{dispatch}/work-orders?ticket_id={ticket_id}", None, "agent"),
        timeout=20,
        what="the work order from the accepted solution",
    )
    orders = f"{dispatch}/work-orders/{order['id']}"
    assert order["site"]["address"] == "No. 8 Harbour Road, Ningbo"

    _book(orders, 10)
    _reminders_command(network)
    tomorrow = _tomorrow_at(10).date().isoformat()
    wait_until(lambda: len(_subjects(mailbox)) == 2, timeout=30, what="confirmation, reminder")
    assert sorted(_subjects(mailbox)) == sorted([
        f"Your service visit is confirmed: {tomorrow} 10:00 (UTC+0800)",
        f"Reminder: our technician visits you tomorrow, {tomorrow} 10:00 (UTC+0800)",
    ])  # fmt: skip

    stopped = _check_in(orders, work_id_shown="W-SOMEONE-ELSE")
    assert stopped["status"] == "unscheduled"
    assert stopped["visits"][0]["status"] == "stopped"

    moved = _book(orders, 14, requested_by="customer", reason="the site manager is away")
    assert moved["visits"][-1]["number"] == 2
    wait_until(lambda: len(_subjects(mailbox)) == 3, timeout=30, what="the new confirmation")
    assert f"Your service visit is confirmed: {tomorrow} 14:00 (UTC+0800)" in _subjects(mailbox)

    arrived = _check_in(orders, work_id_shown=dong["work_id"])
    assert arrived["status"] == "in_progress"
    part = {"part_no": "CP-400-ANODE", "quantity": 1, "genuine": True, "reason": "anode spent"}
    proposal = agreed_on_site(dispatch, orders, [part])
    assert [line["unit_price"] for line in proposal["lines"]] == ["85.50"]
    record = {
        "work_performed": "replaced the anode",
        "labour_hours": "1.00",
        "result": "fixed",
        "parts": [part | {"covered_by_warranty": False}],
        "started_at": arrived["visits"][-1]["arrived_at"],
        "finished_at": dt.datetime.now(dt.UTC).isoformat(),
        "customer_signature": SIGNATURE,
    }
    call("POST", f"{orders}/completion", record, "technician", sub="tech-dong")
    answer = {
        "accepted": True,
        "rating": 5,
        "confirmation": {"method": "customer_signature", "customer_signature": SIGNATURE},
    }
    accepted = call("POST", f"{orders}/acceptance", answer, "technician", sub="tech-dong")
    assert accepted["status"] == "accepted"

    due = call("GET", f"{dispatch}/follow-ups/due?region=east", None, "agent")
    assert [d["work_order_id"] for d in due] == [order["id"]]
    wait_until(lambda: len(_subjects(mailbox)) == 4, timeout=30, what="the repair record")
    assert "Your repair is complete (CP-400)" in _subjects(mailbox)
