"""Customer notices end to end: intake and dispatch as gunicorn and worker processes over
the real RabbitMQ and PostgreSQL, and a real SMTP server (aiosmtpd) started by the test.

Two customers, one English and one Chinese, each with a site and an email: ticket → assessed
→ solution accepted → work order → visit booked for tomorrow. The confirmations are
committed while dispatch's worker has no SMTP server to send to; the worker is killed with
SIGKILL and restarted with one, and each customer gets their confirmation once. The
reminder command, run twice, sends each the day-before reminder once; the technician sets
off (on the way), checks in and completes the repair (the record). Every email arrives once,
in the customer's language, with a Message-ID of its own.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
import sqlalchemy as sa

from shared.notices.store import NOTICES
from tests.e2e.conftest import Network
from tests.helpers import REPO, Mailbox, auth, smtp_server, ticket_body, wait_until

SHANGHAI = ZoneInfo("Asia/Shanghai")
CUSTOMERS = {
    "ann@example.com": {"name": "Ann Lee", "language": "en", "hour": 10},
    "li.wei@example.cn": {"name": "李伟", "language": "zh-CN", "hour": 14},
}


def post(url: str, body: dict[str, Any], *roles: str, sub: str = "tester") -> dict[str, Any]:
    response = requests.post(url, json=body, headers=auth(*roles, sub=sub), timeout=10)
    assert response.status_code in (200, 201), (url, response.status_code, response.text)
    return response.json()  # type: ignore[no-any-return]


def get(url: str, *roles: str) -> Any:
    response = requests.get(url, headers=auth(*roles), timeout=10)
    assert response.status_code == 200, (url, response.status_code, response.text)
    return response.json()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


def _accepted_ticket(intake: str, email: str) -> str:
    who = CUSTOMERS[email]
    customer = {"name": who["name"], "email": email, "language": who["language"]}
    body = ticket_body(customer=customer, site={"address": "No. 8 Harbour Road, Ningbo"})
    ticket = post(f"{intake}/tickets", body, "agent")
    assessment = {
        "nature": "wear",
        "severity": "medium",
        "diagnosis": "anode spent",
        "proposed_solution": "replace the anode",
        "visit_needed": True,
        "required_skill": "coating",
        "estimated_hours": "2.00",
        "parts_likely": [],
    }
    post(f"{intake}/tickets/{ticket['id']}/assessment", assessment, "engineer")
    post(f"{intake}/tickets/{ticket['id']}/solution-response", {"accepted": True}, "agent")
    return str(ticket["id"])


def _book_tomorrow(dispatch: str, ticket_id: str, hour: int, technician_id: str) -> str:
    def work_order() -> Any:
        found = get(f"{dispatch}/work-orders?ticket_id={ticket_id}", "agent")
        return found[0] if found else None

    order = wait_until(work_order, timeout=20, what="work order from the accepted solution")
    tomorrow = dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(hour), tzinfo=SHANGHAI)
    window = {
        "window_start": start.isoformat(),
        "window_end": (start + dt.timedelta(hours=2)).isoformat(),
        "technician_id": technician_id,
        "agreed_via": "phone",
    }
    post(f"{dispatch}/work-orders/{order['id']}/schedule", window, "agent")
    return str(order["id"])


def _notices(network: Network) -> list[Any]:
    engine = sa.create_engine(network.databases["dispatch"])
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.select(NOTICES.c.kind, NOTICES.c.sent_at)))
    finally:
        engine.dispose()


def _all_sent(network: Network, expected: int) -> bool:
    rows = _notices(network)
    return len(rows) == expected and all(r.sent_at is not None for r in rows)


def _reminders_command(network: Network) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shared.cli", "dispatch-reminders"],
        env=network.env("dispatch"),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def _finish_visit(dispatch: str, work_order_id: str) -> None:
    orders = f"{dispatch}/work-orders/{work_order_id}"
    post(f"{orders}/departure", {}, "technician", sub="tech-dong")
    check_in = {
        "identity_verified": True,
        "product_model": "CP-400",
        "work_id_shown": "W-DONG",
        "symptom_check": {"confirmed": True, "observed": "anode spent"},
    }
    arrived = post(f"{orders}/check-in", check_in, "technician", sub="tech-dong")
    record = {
        "work_performed": "replaced the anode",
        "parts": [],
        "labour_hours": "1.00",
        "started_at": arrived["visits"][-1]["arrived_at"],
        "finished_at": dt.datetime.now(dt.UTC).isoformat(),
        "result": "fixed",
        "customer_signature": "data:image/png;base64,iVBORw0KGgo=",
    }
    post(f"{orders}/completion", record, "technician", sub="tech-dong")


def test_each_customer_gets_each_notice_once_in_their_language(
    network: Network, mailbox: Mailbox
) -> None:
    intake, dispatch = network.web("intake"), network.web("dispatch")
    network.worker("intake")
    first_worker = network.worker("dispatch")  # no SMTP server: notices wait in the table
    network.wait_consumer_queue("dispatch")
    technician = post(
        f"{dispatch}/technicians",
        {"name": "Dong", "kind": "employee", "region": "east", "skills": ["coating"],
         "user_sub": "tech-dong", "work_id": "W-DONG"},
        "manager",
    )  # fmt: skip
    orders = {
        email: _book_tomorrow(
            dispatch, _accepted_ticket(intake, email), who["hour"], technician["id"]
        )
        for email, who in CUSTOMERS.items()
    }
    wait_until(lambda: len(_notices(network)) == 2, timeout=20, what="confirmations staged")
    assert all(r.sent_at is None for r in _notices(network))

    first_worker.kill()  # SIGKILL: the confirmations are committed, none sent
    network.worker("dispatch", AFTERCARE_SMTP_URL=mailbox.url, AFTERCARE_NOTICES_POLL_SECONDS="0.1")
    wait_until(lambda: _all_sent(network, 2), timeout=30, what="confirmations sent")

    _reminders_command(network)
    _reminders_command(network)  # a second run (or replica) reminds nobody twice
    wait_until(lambda: _all_sent(network, 4), timeout=30, what="reminders sent")
    for work_order_id in orders.values():
        _finish_visit(dispatch, work_order_id)
    wait_until(lambda: _all_sent(network, 8), timeout=30, what="on the way and completed sent")

    ann = {m["Subject"]: m for m in mailbox.to("ann@example.com")}
    tomorrow = (dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=1)).isoformat()
    assert sorted(ann) == sorted([
        f"Your service visit is confirmed: {tomorrow} 10:00 (UTC+0800)",
        f"Reminder: our technician visits you tomorrow, {tomorrow} 10:00 (UTC+0800)",
        "Our technician Dong is on the way",
        "Your repair is complete (CP-400)",
    ])  # fmt: skip
    assert (
        "Work performed: replaced the anode"
        in ann["Your repair is complete (CP-400)"].get_content()
    )
    li = {m["Subject"]: m for m in mailbox.to("li.wei@example.cn")}
    assert sorted(li) == sorted([
        f"您的上门服务预约已确认：{tomorrow} 14:00 (UTC+0800)",
        f"提醒：技术人员将于明天 {tomorrow} 14:00 (UTC+0800) 上门服务",
        "技术人员Dong正在前往",
        "维修已完成（CP-400）",
    ])  # fmt: skip
    assert all(m["Content-Language"] == "zh-CN" for m in li.values())
    assert len(mailbox.messages) == 8
    assert len({m["Message-ID"] for m in mailbox.messages}) == 8


def test_a_sender_killed_before_or_after_sending_loses_nothing(
    network: Network, mailbox: Mailbox
) -> None:
    """Killed holding a notice's lease, before sending: the next sender sends it once the
    lease runs out, once. Killed after the server accepted it, before marking it sent: the
    next sender sends it again with the same Message-ID (at least once; the receiving side
    can drop the duplicate)."""
    intake, dispatch = network.web("intake"), network.web("dispatch")
    network.worker("intake")
    smtp = {
        "AFTERCARE_SMTP_URL": mailbox.url,
        "AFTERCARE_NOTICES_POLL_SECONDS": "0.1",
        "AFTERCARE_NOTICES_LEASE_SECONDS": "1",
    }
    crashing = network.worker("dispatch", faults="notices.before_send", **smtp)
    network.wait_consumer_queue("dispatch")
    technician = post(
        f"{dispatch}/technicians",
        {"name": "Dong", "kind": "employee", "region": "east", "skills": ["coating"],
         "user_sub": "tech-dong", "work_id": "W-DONG"},
        "manager",
    )  # fmt: skip
    _book_tomorrow(dispatch, _accepted_ticket(intake, "ann@example.com"), 10, technician["id"])
    assert crashing.wait_exit(30) == 137
    assert mailbox.messages == [] and len(_notices(network)) == 1

    crashing = network.worker("dispatch", faults="notices.after_send", **smtp)
    assert crashing.wait_exit(30) == 137
    (accepted,) = mailbox.to("ann@example.com")
    assert _notices(network)[0].sent_at is None

    network.worker("dispatch", **smtp)
    wait_until(lambda: _all_sent(network, 1), timeout=30, what="confirmation marked sent")
    first, again = mailbox.to("ann@example.com")
    assert first["Message-ID"] == again["Message-ID"] == accepted["Message-ID"]
    assert first["Subject"] == again["Subject"]
