"""From a hotline call to a closed ticket: intake and dispatch as their own gunicorn and
worker processes over the real RabbitMQ, driven only through their public REST APIs.

create → assess → reject solution → reassess → accept → work order appears → schedule
(auto-assigned) → check in late → complete not fixed → customer rejects → second visit →
fixed → accepted with rating 5 → ticket closed; and every event in order, each once.
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
from tests.helpers import amqp_channel, auth, metric_value, queue_depth, ticket_body, wait_until

PROBE_QUEUE = "scenario.events"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def post(url: str, body: dict[str, Any], *roles: str, sub: str = "tester") -> dict[str, Any]:
    response = requests.post(url, json=body, headers=auth(*roles, sub=sub), timeout=10)
    assert response.status_code in (200, 201), (url, response.status_code, response.text)
    return response.json()  # type: ignore[no-any-return]


def get(url: str, *roles: str, sub: str = "tester") -> Any:
    response = requests.get(url, headers=auth(*roles, sub=sub), timeout=10)
    assert response.status_code == 200, (url, response.status_code, response.text)
    return response.json()


@pytest.fixture
def listening(network: Network) -> Iterator[Network]:
    """A queue bound to every event, removed afterwards (it would catch other tests' too)."""
    connection, channel = amqp_channel(network.amqp_url)
    declare(channel, [])
    channel.queue_delete(PROBE_QUEUE)
    channel.queue_declare(PROBE_QUEUE, durable=True)
    channel.queue_bind(PROBE_QUEUE, EXCHANGE, routing_key="#")
    connection.close()
    yield network
    connection, channel = amqp_channel(network.amqp_url)
    channel.queue_delete(PROBE_QUEUE)
    connection.close()


def drain(amqp_url: str, expected: int) -> list[dict[str, Any]]:
    """Every event published so far, in publish order (waits for ``expected`` of them)."""
    events: list[dict[str, Any]] = []
    connection, channel = amqp_channel(amqp_url)

    def got_all() -> bool:
        while True:
            method, _props, body = channel.basic_get(PROBE_QUEUE, auto_ack=True)
            if method is None:
                return len(events) >= expected
            events.append(json.loads(body))

    try:
        wait_until(got_all, timeout=20, what=f"{expected} events")
    finally:
        connection.close()
    return events


def arrived(at: dt.datetime, work_id: str) -> dict[str, Any]:
    """A check-in with the checks passed and the symptom confirmed."""
    return {
        "arrived_at": iso(at),
        "identity_verified": True,
        "work_id_shown": work_id,
        "product_model": "CP-400",
        "symptom_check": {"confirmed": True, "observed": "corrosion at the flange"},
    }


def test_hotline_call_to_closed_ticket(listening: Network) -> None:
    network = listening
    intake = network.web("intake")
    dispatch = network.web("dispatch")
    network.worker("intake")
    # A grace period keeps the missed-visit sweep off the late visit this test checks in.
    network.worker("dispatch", AFTERCARE_DISPATCH_MISSED_GRACE_SECONDS="600")
    network.wait_consumer_queue("dispatch")
    network.wait_consumer_queue("intake")
    technician = post(
        f"{dispatch}/technicians",
        {
            "name": "Dong Wei",
            "kind": "employee",
            "region": "east",
            "skills": ["coating"],
            "user_sub": "tech-dong",
        },
        "manager",
    )

    # The hotline call, assessed, the proposal rejected, reassessed and accepted.
    ticket = post(f"{intake}/tickets", ticket_body(region="east", priority="high"), "agent")
    tickets = f"{intake}/tickets/{ticket['id']}"
    assessment = {
        "nature": "product_defect",
        "severity": "high",
        "diagnosis": "anode spent",
        "proposed_solution": "drain the tank and replace the anode",
        "visit_needed": True,
        "required_skill": "coating",
        "estimated_hours": "2.50",
        "parts_likely": ["CP-400-ANODE"],
    }
    post(f"{tickets}/assessment", assessment, "engineer")
    post(
        f"{tickets}/solution-response",
        {"accepted": False, "objection": "cannot drain the tank this month"},
        "agent",
    )
    post(
        f"{tickets}/assessment",
        {**assessment, "proposed_solution": "replace the anode without draining"},
        "engineer",
    )
    accepted = post(f"{tickets}/solution-response", {"accepted": True}, "agent")
    assert accepted["status"] == "awaiting_repair"

    # The work order appears in dispatch.
    def work_order() -> dict[str, Any] | None:
        found = get(f"{dispatch}/work-orders?ticket_id={ticket['id']}", "agent")
        return found[0] if found else None

    order = wait_until(work_order, timeout=15, what="work order from ticket.solution_accepted")
    orders = f"{dispatch}/work-orders/{order['id']}"

    # First visit: auto-assigned, the technician arrives a second after the window ends.
    window_end = now() + dt.timedelta(seconds=2)
    window = {"window_start": iso(now()), "window_end": iso(window_end), "agreed_via": "phone"}
    scheduled = post(f"{orders}/schedule", window, "agent")
    assert scheduled["visits"][0]["technician_id"] == technician["id"]
    late = window_end + dt.timedelta(seconds=1)
    wait_until(lambda: now() >= late, timeout=10, what="the window to pass")
    post(
        f"{orders}/check-in",
        arrived(late, technician["work_id"]),
        "technician",
        sub="tech-dong",
    )
    post(
        f"{orders}/completion",
        {
            "work_performed": "replaced anode",
            "labour_hours": "2.00",
            "result": "not_fixed",
            "parts": [
                {
                    "part_no": "CP-400-ANODE",
                    "quantity": 1,
                    "genuine": True,
                    "reason": "anode spent",
                    "covered_by_warranty": True,
                }
            ],
            "started_at": iso(late),
            "finished_at": iso(now()),
            "customer_signature": "Li Wei",
        },
        "technician",
        sub="tech-dong",
    )
    post(
        f"{orders}/acceptance",
        {"accepted": False, "rating": 2, "reason": "still corroding at the flange"},
        "agent",
    )

    # Second visit: on time, fixed, accepted with a 5.
    post(
        f"{orders}/schedule",
        {
            "window_start": iso(now()),
            "window_end": iso(now() + dt.timedelta(hours=2)),
            "agreed_via": "in_person",
        },
        "agent",
    )
    arrival = now()
    post(
        f"{orders}/check-in",
        arrived(arrival, technician["work_id"]),
        "technician",
        sub="tech-dong",
    )
    post(
        f"{orders}/completion",
        {
            "work_performed": "sealed the flange",
            "labour_hours": "1.50",
            "result": "fixed",
            "parts": [],
            "started_at": iso(arrival),
            "finished_at": iso(now()),
            "customer_signature": "Li Wei",
        },
        "technician",
        sub="tech-dong",
    )
    post(f"{orders}/acceptance", {"accepted": True, "rating": 5}, "agent")

    closed = wait_until(
        lambda: (t := get(tickets, "agent"))["status"] == "closed" and t,
        timeout=15,
        what="ticket closed by repair.accepted",
    )
    assert closed["work_order_id"] == order["id"]

    expected = [
        "ticket.created",
        "ticket.assessed",
        "ticket.solution_rejected",
        "ticket.assessed",
        "ticket.solution_accepted",
        "repair.scheduled",
        "technician.arrived",
        "repair.completed",
        "repair.rejected",
        "repair.scheduled",
        "technician.arrived",
        "repair.completed",
        "repair.accepted",
        "ticket.closed",
    ]
    events = drain(network.amqp_url, len(expected))
    assert [e["type"] for e in events] == expected
    assert len({e["id"] for e in events}) == len(events)
    arrivals = [e["data"] for e in events if e["type"] == "technician.arrived"]
    assert [a["on_time"] for a in arrivals] == [False, True]
    assert [a["visit_number"] for a in arrivals] == [1, 2]
    scheduled_events = [e["data"] for e in events if e["type"] == "repair.scheduled"]
    assert scheduled_events[0]["auto_assigned"] is True
    done = events[expected.index("repair.accepted")]["data"]
    assert (done["rating"], done["visit_number"], done["first_time_fix"]) == (5, 2, False)
    assert done["ticket_id"] == ticket["id"] and done["technician_id"] == technician["id"]
    final = events[-1]["data"]
    assert (final["reason"], final["work_order_id"]) == ("repair_accepted", order["id"])
    assert {e["region"] for e in events} == {"east"}
    assert len({e["correlation_id"] for e in events[:5]}) == 5  # one per intake request

    # Nothing else was published: both outboxes are drained and the probe queue is empty.
    for base, name in ((intake, "intake"), (dispatch, "dispatch")):
        wait_until(
            lambda b=base, n=name: (
                metric_value(  # type: ignore[misc]
                    requests.get(f"{b}/metrics", timeout=5).text,
                    "aftercare_outbox_backlog",
                    service=n,
                )
                == 0
            ),
            what=f"{name} outbox drained",
        )
    assert queue_depth(network.amqp_url, PROBE_QUEUE) == 0
