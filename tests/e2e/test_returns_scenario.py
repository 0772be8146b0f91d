"""Returns end to end over the real broker: intake, dispatch, returns and kpi as their own
gunicorn and worker processes, driven only through their REST APIs.

A CP-400 with a product defect fails three repair visits → dispatch escalates
(``repair.escalated``) → returns opens a replacement request naming the ticket's customer →
an engineer appraises it (free replacement, in warranty) → agreed, shipped, the original
received. Another product is refunded: requested, appraised, agreed, received, refunded.
kpi counts every one of those events by type and region.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests

from shared.messaging.topology import dead_letter_queue, queue_name
from tests.e2e.conftest import Network, kpi_count
from tests.helpers import (
    amqp_channel,
    auth,
    free_port,
    gunicorn_proc,
    metric_value,
    ticket_body,
    wait_http,
    wait_until,
)

TECH = "tech-dong"
WORK_ID = "W-00731"


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


def failed_visit(orders: str) -> None:
    """Book a visit now, arrive, record not fixed, and the customer rejects it."""
    start = now()
    window = {
        "window_start": start.isoformat(),
        "window_end": (start + dt.timedelta(hours=2)).isoformat(),
        "agreed_via": "phone",
    }
    post(f"{orders}/schedule", window, "agent")
    arrived = now()
    check_in = {
        "arrived_at": arrived.isoformat(),
        "identity_verified": True,
        "work_id_shown": WORK_ID,
        "product_model": "CP-400",
        "symptom_check": {"confirmed": True, "observed": "corrosion at the weld"},
    }
    post(f"{orders}/check-in", check_in, "technician", sub=TECH)
    record = {
        "work_performed": "resealed the anode housing",
        "labour_hours": "1.00",
        "result": "not_fixed",
        "parts": [],
        "started_at": arrived.isoformat(),
        "finished_at": now().isoformat(),
        "customer_signature": "Li Wei",
    }
    post(f"{orders}/completion", record, "technician", sub=TECH)
    answer = {"accepted": False, "rating": 1, "reason": "still corroding at the weld"}
    post(f"{orders}/acceptance", answer, "agent")


def repair_until_escalated(intake: str, dispatch: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A product-defect ticket whose repair fails three times; returns ticket and work order."""
    ticket = post(f"{intake}/tickets", ticket_body(region="east"), "agent")
    tickets = f"{intake}/tickets/{ticket['id']}"
    assessment = {
        "nature": "product_defect",
        "severity": "high",
        "diagnosis": "porous weld under the coating",
        "proposed_solution": "reseal and recoat the weld",
        "visit_needed": True,
        "required_skill": "coating",
        "estimated_hours": "2.00",
        "parts_likely": [],
    }
    post(f"{tickets}/assessment", assessment, "engineer")
    post(f"{tickets}/solution-response", {"accepted": True}, "agent")

    def work_order() -> Any:
        return next(iter(get(f"{dispatch}/work-orders?ticket_id={ticket['id']}", "agent")), None)

    order: dict[str, Any] = wait_until(
        work_order, timeout=15, what="work order from the accepted solution"
    )
    for _ in range(3):
        failed_visit(f"{dispatch}/work-orders/{order['id']}")
    return ticket, order


def replacement_from_escalation(
    returns: str, ticket: dict[str, Any], order: dict[str, Any]
) -> None:
    def opened() -> Any:
        # The customer comes from intake's ticket.solution_accepted, whichever event is first.
        found = get(f"{returns}/returns?work_order_id={order['id']}", "agent")
        return found if found and found[0]["customer"]["name"] == "Li Wei" else None

    [request] = wait_until(opened, timeout=15, what="return request from repair.escalated")
    assert (request["kind"], request["source"], request["region"]) == (
        "replacement",
        "escalation",
        "east",
    )
    assert request["ticket_id"] == ticket["id"] and request["customer"]["name"] == "Li Wei"
    assert (
        request["serial_no"] == order["serial_no"]
        and request["warranty"]["status"] == "in_warranty"
    )
    url = f"{returns}/returns/{request['id']}"
    appraisal = {"quality_defect": True, "severity": "high", "findings": "weld porosity confirmed"}
    appraised = post(f"{url}/appraisal", appraisal, "engineer", sub="eng-1")
    assert appraised["appraisal"]["decision"] == "free_replacement"
    post(f"{url}/agreement", {"specification": "400 A, marine", "quantity": 1}, "agent")
    shipment = {"carrier": "SF Express", "tracking_no": "SF0001", "new_serial_no": "SN-NEW-1"}
    shipped = post(f"{url}/shipment", shipment, "agent")
    assert shipped["status"] == "shipped" and shipped["shipment"]["original_due_at"]
    received = post(f"{url}/receipt", {"condition_ok": True, "check_notes": "weld porous"}, "agent")
    assert (received["status"], received["receipt"]["late"]) == ("received", False)


def refund_by_agent(returns: str) -> None:
    body = {
        "kind": "refund",
        "region": "east",
        "serial_no": "SN-REFUND-1",
        "product_model": "LT-PIPE",
        "reason": "lining delaminated within a month",
        "purchase_date": (now() - dt.timedelta(days=60)).date().isoformat(),
        "customer": {"name": "Wang Fang", "phone": "+86 139 0000 0000"},
        "evidence": [{"description": "inspection report", "reference": "dms://reports/9"}],
    }
    request = post(f"{returns}/returns", body, "agent")
    url = f"{returns}/returns/{request['id']}"
    appraisal = {
        "quality_defect": True,
        "severity": "critical",
        "findings": "lining delaminated over 2 m",
        "refund_amount": "950.00",
    }
    assert post(f"{url}/appraisal", appraisal, "engineer")["appraisal"]["decision"] == "refund"
    post(
        f"{url}/agreement",
        {"return_method": "pickup", "refund_date": now().date().isoformat()},
        "agent",
    )
    post(f"{url}/receipt", {"condition_ok": True, "check_notes": "delamination confirmed"}, "agent")
    refund = {"amount": "950.00", "method": "bank_transfer", "reference": "TRX-1"}
    refunded = post(f"{url}/refund", refund, "finance")
    assert refunded["status"] == "refunded" and refunded["refund"]["amount"] == "950.00"


SERVICES = ("kpi", "intake", "dispatch", "returns")


def start_together(network: Network, names: tuple[str, ...]) -> list[str]:
    """Web (one gunicorn worker) and worker of each service, started at once, then awaited
    (the network would start and await them one after the other)."""
    bases = []
    for name in names:
        port = network.ports.setdefault(name, free_port())
        web = gunicorn_proc(name, port, network.env(name), network.log_dir, workers=1)
        network.procs.append(web.start())
        network.worker(name)
        bases.append(f"http://127.0.0.1:{port}")
    for base in bases:
        wait_http(f"{base}/healthz")
    for name in names:
        network.wait_consumer_queue(name)
    return bases


def stop_together(network: Network) -> None:
    """Stop every process at once (the network would stop them one after the other)."""
    running = [p.popen for p in network.procs if p.popen and p.popen.poll() is None]
    for popen in running:
        popen.terminate()
    for popen in running:
        popen.wait(20)


def test_escalation_to_replacement_and_a_refund_counted_by_kpi(network: Network) -> None:
    try:
        run_scenario(network)
    finally:
        stop_together(network)


def run_scenario(network: Network) -> None:
    connection, channel = amqp_channel(network.amqp_url)
    for queue in (queue_name("returns"), dead_letter_queue("returns")):
        channel.queue_delete(queue)  # nothing another test left behind
    connection.close()
    kpi, intake, dispatch, returns = start_together(network, SERVICES)
    post(
        f"{dispatch}/technicians",
        {
            "name": "Dong Wei",
            "kind": "employee",
            "region": "east",
            "skills": ["coating"],
            "user_sub": TECH,
            "work_id": WORK_ID,
        },
        "manager",
    )

    ticket, order = repair_until_escalated(intake, dispatch)
    replacement_from_escalation(returns, ticket, order)
    refund_by_agent(returns)

    expected = {
        "repair.escalated": 1,
        "return.requested": 2,
        "return.appraised": 2,
        "replacement.shipped": 1,
        "return.received": 2,
        "refund.issued": 1,
    }

    def counted() -> dict[str, float]:
        return {t: kpi_count(kpi, t, "east") for t in expected}

    wait_until(lambda: counted() == expected, timeout=15, what=f"kpi counts {expected}")
    text = requests.get(f"{returns}/metrics", timeout=5).text
    assert metric_value(text, "aftercare_outbox_backlog", service="returns") == 0
