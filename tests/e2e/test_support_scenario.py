"""Support end to end over the real broker: intake, dispatch and support as their own
gunicorn and worker processes, driven only through their REST APIs (and the customer
through nothing but the questionnaire's link).

A repair is accepted in dispatch (``repair.accepted``) → support creates the questionnaire
about the work order → an agent issues a new one-time link (this customer gave only a phone,
and no SMS gateway runs here: the texted link stays unsent and stops working) → the customer
opens the form and answers it with no token, quoting their ticket number →
``survey.answered`` reaches the exchange (asserted on a queue of this test bound to it) → the
link cannot be used again. The emailed questionnaire and kpi's figures are
test_support_kpi_scenario.py's. Then a training session: requested on site by an agent,
scheduled, held with attendance and feedback → ``training.requested`` and ``training.held``
on the exchange with what dispatch and kpi read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from shared.messaging.topology import EXCHANGE, declare
from tests.e2e.conftest import Network
from tests.helpers import amqp_channel, auth, ticket_body, wait_until

PROBE_QUEUE = "support-scenario.events"
KEYS = ("survey.answered.#", "training.#", "questionnaire.created.#")
TECH = "tech-dong"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def post(url: str, body: dict[str, Any], *roles: str, sub: str = "tester") -> dict[str, Any]:
    response = requests.post(url, json=body, headers=auth(*roles, sub=sub), timeout=10)
    assert response.status_code in (200, 201), (url, response.status_code, response.text)
    found: dict[str, Any] = response.json()
    return found


def get(url: str, *roles: str) -> Any:
    response = requests.get(url, headers=auth(*roles), timeout=10)
    assert response.status_code == 200, (url, response.status_code, response.text)
    return response.json()


@pytest.fixture
def listening(network: Network) -> Iterator[Network]:
    """A queue bound to support's events, removed afterwards."""
    connection, channel = amqp_channel(network.amqp_url)
    declare(channel, [])
    channel.queue_delete(PROBE_QUEUE)
    channel.queue_declare(PROBE_QUEUE, durable=True)
    for key in KEYS:
        channel.queue_bind(PROBE_QUEUE, EXCHANGE, routing_key=key)
    connection.close()
    yield network
    connection, channel = amqp_channel(network.amqp_url)
    channel.queue_delete(PROBE_QUEUE)
    connection.close()


def events_until(amqp_url: str, type_: str) -> list[tuple[str, dict[str, Any]]]:
    """(routing key, event) of everything on the probe queue, once ``type_`` is among them."""
    found: list[tuple[str, dict[str, Any]]] = []
    connection, channel = amqp_channel(amqp_url)

    def arrived() -> bool:
        while True:
            method, _props, body = channel.basic_get(PROBE_QUEUE, auto_ack=True)
            if method is None:
                return any(event["type"] == type_ for _, event in found)
            found.append((method.routing_key, json.loads(body)))

    try:
        wait_until(arrived, timeout=20, what=f"{type_} on the exchange")
    finally:
        connection.close()
    return found


def accepted_repair(
    intake: str, dispatch: str, **ticket_changes: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A ticket repaired at the first visit and accepted with a 5; its ticket and order."""
    ticket = post(f"{intake}/tickets", ticket_body(region="east", **ticket_changes), "agent")
    tickets = f"{intake}/tickets/{ticket['id']}"
    assessment = {
        "nature": "wear",
        "severity": "medium",
        "diagnosis": "anode spent",
        "proposed_solution": "replace the anode",
        "visit_needed": True,
        "required_skill": "coating",
        "estimated_hours": "1.50",
        "parts_likely": [],
    }
    post(f"{tickets}/assessment", assessment, "engineer")
    post(f"{tickets}/solution-response", {"accepted": True}, "agent")

    def work_order() -> Any:
        return next(iter(get(f"{dispatch}/work-orders?ticket_id={ticket['id']}", "agent")), None)

    order: dict[str, Any] = wait_until(work_order, timeout=15, what="work order")
    orders = f"{dispatch}/work-orders/{order['id']}"
    window = {
        "window_start": now().isoformat(),
        "window_end": (now() + dt.timedelta(hours=2)).isoformat(),
        "agreed_via": "phone",
    }
    post(f"{orders}/schedule", window, "agent")
    arrived = now()
    check_in = {
        "arrived_at": arrived.isoformat(),
        "identity_verified": True,
        "product_model": "CP-400",
        "work_id_shown": "W-DONG",
        "symptom_check": {"confirmed": True, "observed": "anode spent"},
    }
    post(f"{orders}/check-in", check_in, "technician", sub=TECH)
    record = {
        "work_performed": "replaced the anode",
        "labour_hours": "1.00",
        "result": "fixed",
        "parts": [],
        "started_at": arrived.isoformat(),
        "finished_at": now().isoformat(),
        "customer_signature": "Li Wei",
    }
    post(f"{orders}/completion", record, "technician", sub=TECH)
    answer = {"accepted": True, "rating": 5, "confirmation": {"method": "agent_call"}}
    post(f"{orders}/acceptance", answer, "agent")
    return ticket, get(orders, "agent")


def test_a_questionnaire_answered_through_its_link_reaches_the_exchange(listening: Network) -> None:
    network = listening
    bases = {}
    for name in ("intake", "dispatch", "support"):
        bases[name] = network.web(name, workers=1)
        network.worker(name)
    for name in ("intake", "dispatch", "support"):
        network.wait_consumer_queue(name)
    intake, dispatch, support = bases["intake"], bases["dispatch"], bases["support"]
    technician = post(
        f"{dispatch}/technicians",
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
    ticket, order = accepted_repair(intake, dispatch)

    def questionnaire() -> Any:
        return next(
            iter(get(f"{support}/questionnaires?work_order_id={order['id']}", "agent")), None
        )

    made = wait_until(questionnaire, timeout=15, what="questionnaire from repair.accepted")
    assert (made["source"], made["region"], made["customer_ref"]) == (
        "repair_accepted",
        "east",
        ticket["id"],
    )
    assert made["technician_id"] == technician["id"]
    link = post(f"{support}/questionnaires/{made['id']}/link", {}, "agent")["link"]
    path = "/questionnaires/answer/" + link.rsplit("/", 1)[1]

    # The customer: no token, only the link and their ticket number.
    form = requests.get(f"{support}{path}", timeout=10)
    assert form.status_code == 200 and form.json()["questions"][0]["id"] == "rating"
    other = requests.post(
        f"{support}{path}", json={"customer_ref": "someone else", "rating": 1}, timeout=10
    )
    assert other.status_code == 403 and list(other.json()["errors"]) == ["customer_ref"]
    answer = {"customer_ref": ticket["id"], "rating": 4, "remarks": "on time, tidy work"}
    answered = requests.post(f"{support}{path}", json=answer, timeout=10)
    assert answered.status_code == 204, answered.text

    found = events_until(network.amqp_url, "survey.answered")
    [(key, event)] = [(k, e) for k, e in found if e["type"] == "survey.answered"]
    assert key == "survey.answered.east" and event["producer"] == "support"
    assert event["data"] | {"answered_at": None} == {
        "questionnaire_id": made["id"],
        "work_order_id": order["id"],
        "technician_id": technician["id"],
        "source": "questionnaire",
        "rating": 4,
        "answered_at": None,
    }
    assert [e["type"] for _, e in found].count("questionnaire.created") == 1
    assert link.rsplit("/", 1)[1] not in json.dumps([e for _, e in found])
    again = requests.post(f"{support}{path}", json=answer, timeout=10)
    assert again.status_code == 409
    assert get(f"{support}/questionnaires/{made['id']}", "manager")["rating"] == 4

    training_held_on_the_exchange(network, support)


def training_held_on_the_exchange(network: Network, support: str) -> None:
    """An on-site session requested, scheduled and held: its events as dispatch and kpi read
    them."""
    body = {
        "region": "east",
        "kind": "on_site",
        "product_model": "CP-400",
        "topics": ["operation_demo"],
        "customers": [{"name": "Hai Tong Shipyard", "ref": "C-1042"}],
        "site_address": "88 Harbour Road, Ningbo",
        "preferred_time": (now() + dt.timedelta(days=7)).isoformat(),
    }
    session = post(f"{support}/training-sessions", body, "agent")
    starts = now() - dt.timedelta(hours=2)
    plan = {
        "trainer": {"id": TECH, "name": "Dong Wei"},
        "starts_at": starts.isoformat(),
        "ends_at": (starts + dt.timedelta(hours=1)).isoformat(),
        "attendees": [
            {"person_id": "p-1", "name": "Zhao Lei"},
            {"person_id": "p-2", "name": "Qian Yu"},
        ],
    }
    url = f"{support}/training-sessions/{session['id']}"
    post(f"{url}/schedule", plan, "manager")
    attendance = [
        {"person_id": "p-1", "attended": True, "rating": 5},
        {"person_id": "p-2", "attended": True, "rating": 2},
    ]
    post(f"{url}/attendance", {"attendance": attendance}, "manager")
    found = events_until(network.amqp_url, "training.held")
    by_type = {e["type"]: (k, e) for k, e in found}
    key, requested = by_type["training.requested"]
    assert key == "training.requested.east"
    assert (requested["data"]["kind"], requested["data"]["site_address"]) == (
        "on_site",
        "88 Harbour Road, Ningbo",
    )
    held = by_type["training.held"][1]["data"]
    # (5 + 2) / 2 = 3.50
    assert (held["attended_count"], held["feedback"]["mean"], held["trainer_id"]) == (
        2,
        "3.50",
        TECH,
    )
