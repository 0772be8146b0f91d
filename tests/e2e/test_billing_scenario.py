"""Billing end to end: dispatch and billing as their own gunicorn and worker processes over
the real RabbitMQ, driven through their REST APIs (intake's and returns' events published on
the exchange as those services would).

An out-of-warranty repair done through dispatch becomes a draft invoice with the right lines
(the same repair.completed delivered twice makes one) → issued → two partial payments →
audited with no discrepancy; a repair whose record the invoice cannot match is flagged and
credited; a refund becomes a credit note; every billing event reaches the exchange once.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pika
import pytest
import requests

from services.dispatch.events import PUBLISHES as DISPATCH_EVENTS
from services.intake.events import PUBLISHES as INTAKE_EVENTS
from services.returns.events import PUBLISHES as RETURNS_EVENTS
from shared.events import Event
from shared.messaging.topology import EXCHANGE, declare
from tests.e2e.conftest import Network
from tests.helpers import (
    amqp_channel,
    auth,
    free_port,
    gunicorn_proc,
    wait_http,
    wait_until,
    worker_proc,
)

PROBE = "billing-scenario.events"
OUT_OF_WARRANTY = {"status": "out_of_warranty", "parts_covered": False, "labour_covered": False}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def call(method: str, url: str, body: Any = None, *roles: str, sub: str = "tester") -> Any:
    response = requests.request(method, url, json=body, headers=auth(*roles, sub=sub), timeout=10)
    assert response.status_code in (200, 201), (url, response.status_code, response.text)
    return response.json()


def built(catalog: Any, type_: str, region: str = "east", **changes: Any) -> Event:
    declaration = catalog.latest(type_)
    data = declaration.schema().load(declaration.sample) | changes
    return catalog.build(type_, data, region=region, occurred_at=now())


def publish(amqp_url: str, routing_key: str, body: bytes) -> None:
    connection, channel = amqp_channel(amqp_url)
    try:
        channel.confirm_delivery()
        channel.basic_publish(EXCHANGE, routing_key, body, pika.BasicProperties(delivery_mode=2))
    finally:
        connection.close()


@pytest.fixture
def probe(network: Network) -> Iterator[Network]:
    """A queue of the events this scenario watches, removed afterwards."""
    connection, channel = amqp_channel(network.amqp_url)
    declare(channel, [])
    channel.queue_delete(PROBE)
    channel.queue_declare(PROBE, durable=True)
    for key in ("repair.completed.*", "invoice.#", "payment.#", "credit_note.#", "fee_schedule.#"):
        channel.queue_bind(PROBE, EXCHANGE, routing_key=key)
    connection.close()
    yield network
    connection, channel = amqp_channel(network.amqp_url)
    channel.queue_delete(PROBE)
    connection.close()


def collect(amqp_url: str, seen: list[tuple[str, dict[str, Any]]], predicate: Any) -> None:
    """Read the probe queue into ``seen`` until ``predicate(seen)`` holds."""
    connection, channel = amqp_channel(amqp_url)

    def done() -> bool:
        while (got := channel.basic_get(PROBE, auto_ack=True))[0] is not None:
            method, _props, body = got
            seen.append((method.routing_key, json.loads(body)))
        return bool(predicate(seen))

    try:
        wait_until(done, timeout=20, what="events on the exchange")
    finally:
        connection.close()


def start(network: Network, *names: str) -> list[str]:
    """Web and worker of each service, all started at once, then waited for together."""
    bases = []
    for name in names:
        port = network.ports.setdefault(name, free_port())
        env = network.env(name)
        network.procs.append(gunicorn_proc(name, port, env, network.log_dir).start())
        network.procs.append(worker_proc(name, env, network.log_dir).start())
        bases.append(f"http://127.0.0.1:{port}")
    for base in bases:
        wait_http(f"{base}/healthz")
    for name in names:
        network.wait_consumer_queue(name)
    return bases


def stop_together(network: Network) -> None:
    """Ask every process to stop at once (the fixture then reaps them)."""
    for proc in network.procs:
        if proc.popen is not None and proc.popen.poll() is None:
            proc.popen.terminate()


def repair_through_dispatch(network: Network, dispatch: str) -> str:
    """A work order from an accepted solution, done: 1.5 h, an anode, two sealants."""
    ticket_id = str(uuid.uuid4())
    warranty = OUT_OF_WARRANTY | {"reason": "purchased 2022-03-01: 24 months are over"}
    accepted = built(
        INTAKE_EVENTS, "ticket.solution_accepted", ticket_id=ticket_id, warranty=warranty
    )
    publish(network.amqp_url, accepted.routing_key, accepted.to_json().encode())
    tech = {"name": "Dong", "kind": "employee", "region": "east", "skills": ["coating"]}
    dong = call("POST", f"{dispatch}/technicians", tech | {"user_sub": "tech-dong"}, "manager")
    found = wait_until(
        lambda: requests.get(
            f"{dispatch}/work-orders?ticket_id={ticket_id}", headers=auth("agent"), timeout=5
        ).json(),
        timeout=15,
        what="work order",
    )
    orders = f"{dispatch}/work-orders/{found[0]['id']}"
    window = {
        "window_start": now().isoformat(),
        "window_end": (now() + dt.timedelta(hours=2)).isoformat(),
        "agreed_via": "phone",
    }
    call("POST", f"{orders}/schedule", window, "agent")
    arrival = now().isoformat()
    check_in = {
        "arrived_at": arrival,
        "identity_verified": True,
        "work_id_shown": dong["work_id"],
        "product_model": "CP-400",
        "symptom_check": {"confirmed": True, "observed": "anode spent, flange weeping"},
    }
    call("POST", f"{orders}/check-in", check_in, "technician", sub="tech-dong")
    parts = [
        {"part_no": "CP-400-ANODE", "quantity": 1, "genuine": True, "reason": "anode spent"},
        {"part_no": "SEALANT-7", "quantity": 2, "genuine": True, "reason": "flange weeping"},
    ]
    proposal = agreed_on_site(dispatch, orders, parts)
    assert [line["unit_price"] for line in proposal["lines"]] == ["85.50", "12.35"]
    record = {
        "work_performed": "replaced the anode, sealed the flange",
        "labour_hours": "1.50",
        "result": "fixed",
        "parts": [part | {"covered_by_warranty": False} for part in parts],
        "started_at": arrival,
        "finished_at": now().isoformat(),
        "customer_signature": "Li Wei",
    }
    call("POST", f"{orders}/completion", record, "technician", sub="tech-dong")
    return str(found[0]["id"])


def agreed_on_site(dispatch: str, orders: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The technician puts the chargeable parts to the customer at the prices of the fee
    schedule dispatch heard from billing (once it has), and the customer signs for them."""

    def proposed() -> Any:
        response = requests.post(
            f"{orders}/parts-proposals",
            json={"parts": parts},
            headers=auth("technician", sub="tech-dong"),
            timeout=5,
        )
        return response.json() if response.status_code == 201 else None

    proposal: dict[str, Any] = wait_until(proposed, timeout=15, what="the parts priced")
    signature = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAE="
    agreement = {
        "proposal_id": proposal["id"],
        "confirmation": {"method": "customer_signature", "customer_signature": signature},
    }
    call("POST", f"{orders}/parts-agreement", agreement, "technician", sub="tech-dong")
    return proposal


def fee_schedule(billing: str) -> None:
    body = {
        "effective_from": (now() - dt.timedelta(days=1)).isoformat(),
        "callout_fees": [{"region": "east", "amount": "150.00"}],
        "labour_rates": [
            {"service_kind": "repair", "product_type": "CP-400", "rate_per_hour": "180.00"}
        ],
        "parts": [
            {"part_no": "CP-400-ANODE", "description": "zinc anode", "price": "85.50"},
            {"part_no": "SEALANT-7", "description": "sealant", "price": "12.35"},
        ],
    }
    refused = requests.put(
        f"{billing}/fee-schedule", json=body, headers=auth("technician"), timeout=5
    )
    assert refused.status_code == 403
    call("PUT", f"{billing}/fee-schedule", body, "finance")


def invoice_of(billing: str, work_order_id: str) -> dict[str, Any]:
    found = wait_until(
        lambda: requests.get(
            f"{billing}/invoices?work_order_id={work_order_id}", headers=auth("finance"), timeout=5
        ).json(),
        timeout=15,
        what=f"draft invoice of {work_order_id}",
    )
    assert len(found) == 1, found
    return dict(call("GET", f"{billing}/invoices/{found[0]['id']}", None, "finance"))


def test_repair_to_audited_invoice_flagged_repair_and_refund(probe: Network) -> None:
    try:
        scenario(probe)
    finally:
        stop_together(probe)


def scenario(network: Network) -> None:
    billing, dispatch = start(network, "billing", "dispatch")
    fee_schedule(billing)

    # An out-of-warranty repair done through dispatch becomes a draft with the right lines.
    work_order_id = repair_through_dispatch(network, dispatch)
    draft = invoice_of(billing, work_order_id)
    assert [(ln["kind"], ln["quantity"], ln["net"], ln["tax"]) for ln in draft["lines"]] == [
        ("callout", "1.00", "150.00", "19.50"),
        ("labour", "1.50", "270.00", "35.10"),
        ("part", "1.00", "85.50", "11.12"),
        ("part", "2.00", "24.70", "3.21"),
    ]
    assert (draft["status"], draft["total"]) == ("draft", "599.13")  # 530.20 + 68.93

    # The same repair.completed delivered again (a producer's retry) changes nothing.
    seen: list[tuple[str, dict[str, Any]]] = []
    collect(network.amqp_url, seen, lambda s: any(k.startswith("repair.completed") for k, _ in s))
    [(key, completed)] = [(k, e) for k, e in seen if k.startswith("repair.completed")]
    publish(network.amqp_url, key, json.dumps(completed).encode())

    # Issued, paid in two parts, audited clean.
    invoices = f"{billing}/invoices/{draft['id']}"
    refused = requests.post(f"{invoices}/issue", json={}, headers=auth("technician"), timeout=5)
    assert refused.status_code == 403
    issued = call("POST", f"{invoices}/issue", {"customer_name": "Li Wei"}, "finance")
    assert issued["number"].startswith(f"INV-{now().year}-EAST-")
    cash = {"method": "cash", "amount": "300.00"}
    assert call("POST", f"{invoices}/payments", cash, "finance")["status"] == "partially_paid"
    cheque = {"method": "cheque", "amount": "299.13", "reference": "CHQ-0042"}
    assert call("POST", f"{invoices}/payments", cheque, "finance")["status"] == "paid"
    audited = call("POST", f"{invoices}/audit", {"verdict": "correct"}, "finance")
    assert (audited["audit"]["status"], audited["discrepancies"]) == ("correct", [])
    pdf = requests.get(f"{invoices}/pdf", headers=auth("agent"), timeout=10)
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    # A repair whose record has a part the schedule cannot price is flagged and credited.
    odd = built(
        DISPATCH_EVENTS,
        "repair.completed",
        work_order_id=uuid.uuid4(),
        warranty=OUT_OF_WARRANTY,
        parts=[{"part_no": "GASKET-9", "quantity": 2, "genuine": True}],
        finished_at=now(),
    )
    publish(network.amqp_url, odd.routing_key, odd.to_json().encode())
    # A refund of a sale billing never invoiced, published after the duplicate above.
    refund = built(RETURNS_EVENTS, "refund.issued", return_id=uuid.uuid4(), amount="9800.00")
    publish(network.amqp_url, refund.routing_key, refund.to_json().encode())

    flagged = invoice_of(billing, str(odd.data["work_order_id"]))
    assert flagged["flagged"] and flagged["warnings"] == [
        "part GASKET-9: no price in the fee schedule in force"
    ]
    odd_path = f"{billing}/invoices/{flagged['id']}"
    call("POST", f"{odd_path}/issue", {}, "finance")
    [found] = call("GET", f"{odd_path}/discrepancies", None, "finance")
    assert (found["code"], found["item"]) == ("unpriced", "GASKET-9")
    resolution = {
        "verdict": "incorrect",
        "resolution": "new_invoice",
        "notes": "gasket to be priced",
    }
    corrected = call("POST", f"{odd_path}/audit", resolution, "finance")
    assert corrected["status"] == "credited"

    standalone = wait_until(
        lambda: call("GET", f"{billing}/credit-notes?status=standalone", None, "finance"),
        timeout=15,
        what="credit note from refund.issued",
    )
    assert [(c["amount"], c["invoice_id"]) for c in standalone] == [("9800.00", None)]
    # The refund was consumed after the duplicate repair.completed: still one invoice for it.
    assert (
        len(call("GET", f"{billing}/invoices?work_order_id={work_order_id}", None, "finance")) == 1
    )

    def billing_events(s: list[tuple[str, dict[str, Any]]]) -> list[str]:
        return [e["type"] for _, e in s if e["producer"] == "billing"]

    expected = Counter(
        {
            "fee_schedule.published": 1,
            "invoice.issued": 2,
            "payment.received": 2,
            "invoice.audited": 2,
            "credit_note.issued": 2,
        }
    )
    collect(network.amqp_url, seen, lambda s: Counter(billing_events(s)) == expected)
    first = [e["type"] for _, e in seen if e["data"].get("invoice_id") == draft["id"]]
    assert first == ["invoice.issued", "payment.received", "payment.received", "invoice.audited"]
    routing = {k for k, e in seen if e["producer"] == "billing"}
    assert {"fee_schedule.published.national", "invoice.issued.east"} <= routing
