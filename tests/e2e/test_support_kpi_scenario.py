"""Support, dispatch and kpi end to end over the real broker: intake, dispatch, support and
kpi as their own gunicorn and worker processes, on PostgreSQL and RabbitMQ, with a real SMTP
server (aiosmtpd) started by the test.

(a) A customer asks for on-site training (support) → dispatch opens a training work order
→ support schedules the session with a trainer on dispatch's roster → the session is a stop
on the trainer's day (``GET /routes``) → support records it held with attendance and
feedback → kpi's training figures count it. (b) A repair accepted in dispatch
(``repair.accepted`` carries the customer's email and language) → support's worker emails
the questionnaire → the customer answers through the link taken from the email, once → kpi's
CSAT for ``questionnaire`` and over all sources change exactly as computed by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.e2e.conftest import Network
from tests.e2e.test_support_scenario import TECH, accepted_repair, get, post
from tests.helpers import Mailbox, auth, smtp_server, wait_until

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the east region's time zone
EMAIL = "emma@harbour.example"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


def kpis(kpi: str, month: str) -> dict[str, Any]:
    response = requests.get(
        f"{kpi}/kpis?month={month}&region=east", headers=auth("manager"), timeout=5
    )
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["kpis"]
    return found


def figures(value: dict[str, Any]) -> tuple[Any, ...]:
    return value["numerator"], value["denominator"], value["ratio"], value["mean_rating"]


def start(network: Network, mailbox: Mailbox) -> dict[str, str]:
    """Every service's web and worker; support's worker sends to the test's SMTP server and
    its links point at its own web."""
    bases = {name: network.web(name, workers=1) for name in ("intake", "dispatch", "support")}
    bases["kpi"] = network.web("kpi", workers=1)
    for name in ("intake", "dispatch", "kpi"):
        network.worker(name)
    network.worker(
        "support",
        AFTERCARE_SMTP_URL=mailbox.url,
        AFTERCARE_NOTICES_POLL_SECONDS="0.1",
        AFTERCARE_SUPPORT_QUESTIONNAIRE_LINK_BASE=f"{bases['support']}/questionnaires/answer",
    )
    for name in ("intake", "dispatch", "support", "kpi"):
        network.wait_consumer_queue(name)
    return bases


def training_held_and_counted(bases: dict[str, str], now: dt.datetime) -> None:
    """(a): requested → on the trainer's day in dispatch → held → counted by kpi."""
    support, dispatch, kpi = bases["support"], bases["dispatch"], bases["kpi"]
    body = {
        "region": "east",
        "kind": "on_site",
        "product_model": "CP-400",
        "topics": ["operation_demo"],
        "customers": [{"name": "Hai Tong Shipyard", "ref": "C-1042"}],
        "site_address": "88 Harbour Road, Ningbo",
    }
    session = post(f"{support}/training-sessions", body, "agent")

    def opened() -> Any:
        orders = get(f"{dispatch}/work-orders?region=east", "agent")
        return next((o for o in orders if o["kind"] == "training"), None)

    order = wait_until(opened, timeout=15, what="the training work order in dispatch")
    starts = now - dt.timedelta(hours=4)  # held already, clear of the repair's visit
    plan = {
        "trainer": {"id": TECH, "name": "Dong Wei"},
        "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(hours=1)).isoformat(),
        "attendees": [
            {"person_id": "p-1", "name": "Zhao Lei"},
            {"person_id": "p-2", "name": "Qian Yu"},
            {"person_id": "p-3", "name": "Sun Mei"},
        ],
    }
    url = f"{support}/training-sessions/{session['id']}"
    post(f"{url}/schedule", plan, "manager")
    day = starts.astimezone(SHANGHAI).date().isoformat()

    def on_the_day() -> Any:
        routes = get(f"{dispatch}/routes?region=east&date={day}", "dispatcher")
        stops = [s for r in routes for s in r["stops"] if s["work_order_id"] == order["id"]]
        return routes if stops else None

    [route] = wait_until(on_the_day, timeout=15, what="the session on the trainer's day")
    [stop] = route["stops"]
    assert (route["technician_name"], stop["kind"]) == ("Dong Wei", "training")
    assert dt.datetime.fromisoformat(stop["window_start"]) == starts

    attendance = [
        {"person_id": "p-1", "attended": True, "rating": 5},
        {"person_id": "p-2", "attended": True, "rating": 4},
        {"person_id": "p-3", "attended": False},
    ]
    held = post(f"{url}/attendance", {"attendance": attendance}, "manager")
    month = dt.datetime.fromisoformat(held["held_at"]).astimezone(SHANGHAI).strftime("%Y-%m")

    def counted() -> Any:
        training = kpis(kpi, month)["training"]
        return training if training["sessions"] else None

    # One session held: 2 of the 3 listed came.
    training = wait_until(counted, timeout=15, what="kpi counting the session")
    assert training == {
        "version": 1,
        "sessions": 1,
        "attendees": 3,
        "attended": 2,
        "attendance_rate": pytest.approx(2 / 3),
    }


def test_training_and_an_emailed_questionnaire_reach_the_kpis(
    network: Network, mailbox: Mailbox
) -> None:
    bases = start(network, mailbox)
    technician = post(
        f"{bases['dispatch']}/technicians",
        {
            "name": "Dong Wei",
            "kind": "employee",
            "region": "east",
            "skills": ["coating"],
            "user_sub": TECH,
            "work_id": "W-DONG",
        },
        "manager",
    )
    now = dt.datetime.now(dt.UTC)
    training_held_and_counted(bases, now)
    questionnaire_answered_and_counted(bases, mailbox, technician["id"])


def questionnaire_answered_and_counted(
    bases: dict[str, str], mailbox: Mailbox, technician_id: str
) -> None:
    """(b): accepted with a 5 → emailed → answered with a 3 through the emailed link."""
    intake, dispatch, support, kpi = (bases[n] for n in ("intake", "dispatch", "support", "kpi"))
    customer = {"name": "Emma Stone", "email": EMAIL, "language": "en"}
    ticket, order = accepted_repair(intake, dispatch, customer=customer)
    month = dt.datetime.fromisoformat(order["accepted_at"]).astimezone(SHANGHAI).strftime("%Y-%m")

    def accepted_counted() -> Any:
        found = kpis(kpi, month)
        return found if found["csat_by_source"]["acceptance"]["denominator"] else None

    before = wait_until(accepted_counted, timeout=15, what="kpi counting the acceptance")
    # Before the answer: the acceptance's 5 alone; no questionnaire.
    assert figures(before["csat_by_source"]["questionnaire"]) == (0, 0, None, None)
    assert figures(before["csat_all_sources"]) == (1, 1, 1.0, 5.0)

    emailed = wait_until(lambda: mailbox.to(EMAIL) or None, timeout=20, what="the email")
    [message] = emailed
    assert message["Subject"] == "How did we do? A short questionnaire about your repair"
    assert message["Content-Language"] == "en"
    body = message.get_content()
    match = re.search(re.escape(f"{support}/questionnaires/answer/") + r"[A-Za-z0-9_-]{43}", body)
    assert match is not None, body
    link = match.group(0)
    assert ticket["id"] in body  # the reference the form asks for

    answer = {"customer_ref": ticket["id"], "rating": 3, "remarks": "late, but tidy"}
    answered = requests.post(link, json=answer, timeout=10)
    assert answered.status_code == 204, answered.text
    again = requests.post(link, json=answer | {"rating": 5}, timeout=10)
    assert again.status_code == 409 and list(again.json()["errors"]) == ["token"]
    [made] = get(f"{support}/questionnaires?work_order_id={order['id']}", "agent")
    assert (made["status"], made["rating"], made["technician_id"]) == (
        "answered",
        3,
        technician_id,
    )

    def answer_counted() -> Any:
        found = kpis(kpi, month)
        return found if found["csat_by_source"]["questionnaire"]["denominator"] else None

    after = wait_until(answer_counted, timeout=15, what="kpi counting the questionnaire")
    # The questionnaire's 3 is rated but not 4-5: 0 of 1, mean 3.0. All sources: the 5 and
    # the 3, one of two 4-5, mean (5 + 3) / 2 = 4.0. The acceptance-only csat is unchanged.
    assert figures(after["csat_by_source"]["questionnaire"]) == (0, 1, 0.0, 3.0)
    assert figures(after["csat_all_sources"]) == (1, 2, 0.5, 4.0)
    assert figures(after["csat"]) == figures(before["csat"]) == (1, 1, 1.0, 5.0)
    assert len(mailbox.to(EMAIL)) == 1  # sent once
