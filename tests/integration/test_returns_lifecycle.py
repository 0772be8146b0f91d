"""returns's request lifecycle over REST on SQLite and PostgreSQL, and the events it
consumes through the EventProcessor: a replacement shipped, its original overdue and then
received (accepted, late, cleared from the overdue list); a refund refused before receipt
and a second time; a shipment after a rejected appraisal; a paid replacement priced from
billing's fee schedule; a repair escalation opening one request."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest

from shared.messaging.processing import Outcome
from tests.helpers import auth, metric_value
from tests.integration.returns_support import (
    APPRAISAL,
    DAY,
    RECEIPT,
    REFUND,
    SHIPMENT,
    START,
    Returns,
    make_returns,
    return_body,
)


@pytest.fixture
def returns(database_url: str) -> Iterator[Returns]:
    r = make_returns(database_url)
    yield r
    r.rt.db.dispose()


def gauge(r: Returns, name: str, **labels: str) -> float | None:
    return metric_value(r.client.get("/metrics").get_data(as_text=True), name, **labels)


def overdue(r: Returns, query: str = "", region: str | None = None) -> list[str]:
    response = r.get(f"/returns/overdue-originals{query}", "agent", region=region)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()]


def test_a_replacement_shipped_then_its_overdue_original_received(returns: Returns) -> None:
    r = returns
    return_id = r.agreed()
    other = r.agreed()
    r.clock.advance(hours=2)
    shipped = r.step(return_id, "shipment", SHIPMENT, "agent")
    r.step(other, "shipment", SHIPMENT | {"shipped_at": "2026-12-04T11:00:00+08:00"}, "manager")
    assert shipped["shipment"]["original_due_at"] == "2026-12-19T04:00:00Z"
    assert shipped["agreement"]["specification"] == "marine grade, 2 coats"
    assert overdue(r) == []

    r.clock.advance(days=15, seconds=1)  # one second past the first one's due moment
    assert overdue(r) == [other, return_id]  # the earlier due first
    assert overdue(r, "?region=east") == [other, return_id]
    assert overdue(r, "?region=north") == []
    assert overdue(r, region="north") == []
    assert gauge(r, "aftercare_returns_overdue_originals", region="east") == 2
    assert gauge(r, "aftercare_returns_overdue_originals", region="north") == 0
    received = r.step(return_id, "receipt", RECEIPT, "agent")

    assert received["status"] == "received"
    assert received["receipt"] == {
        "received_at": "2026-12-19T04:00:01Z",
        "condition_ok": True,
        "check_notes": "defect confirmed at the weld",
        "late": True,
    }
    assert overdue(r) == [other]
    assert gauge(r, "aftercare_returns_overdue_originals", region="east") == 1
    assert gauge(r, "aftercare_returns_open", region="east", status="shipped") == 1
    events = [(e["type"], e["sequence"]) for e in r.events() if e["aggregate_id"] == return_id]
    assert events == [
        ("return.requested", 1),
        ("return.appraised", 2),
        ("replacement.shipped", 3),
        ("return.received", 4),
    ]
    [late] = r.events("return.received")
    assert late["data"]["late"] is True and late["region"] == "east"
    shipment_event = r.events("replacement.shipped")[0]["data"]
    assert shipment_event["original_due_at"] == "2026-12-19T04:00:00+00:00"
    assert shipment_event["replacement_model"] == "CT-100" and shipment_event["quantity"] == 1


def test_a_refund_before_receipt_and_a_second_refund_are_409_and_write_nothing(
    returns: Returns,
) -> None:
    r = returns
    return_id = r.agreed("refund", refund_amount="9800.00")
    before = r.counts(), r.read(return_id)

    early = r.post(f"/returns/{return_id}/refund", REFUND, "finance")

    assert early.status_code == 409
    assert early.content_type == "application/problem+json"
    problem = early.get_json()
    assert problem["errors"] == {"status": ["is agreed"]}
    assert problem["detail"] == f"cannot refund: return {return_id} is agreed"
    assert (r.counts(), r.read(return_id)) == before

    r.step(return_id, "receipt", RECEIPT, "agent")
    r.clock.advance(days=1)
    refunded = r.step(return_id, "refund", REFUND, "finance")
    assert refunded["status"] == "refunded"
    assert refunded["refund"] == {
        "amount": "9800.00",
        "currency": "CNY",
        "method": "bank_transfer",
        "reference": "TRX-2026-0042",
        "issued_at": "2026-12-05T02:00:00Z",
        "issued_by": "tester",
    }
    after = r.counts(), r.read(return_id)
    again = r.post(f"/returns/{return_id}/refund", REFUND | {"reference": "TRX-2"}, "manager")
    assert again.status_code == 409
    assert again.get_json()["errors"] == {"status": ["is refunded"]}
    assert (r.counts(), r.read(return_id)) == after
    [issued] = r.events("refund.issued")
    assert issued["data"]["amount"] == "9800.00" and issued["data"]["kind"] == "refund"


def test_a_shipment_after_a_rejected_appraisal_is_409_and_writes_nothing(returns: Returns) -> None:
    r = returns
    return_id = r.request()
    rejected = r.step(
        return_id, "appraisal", APPRAISAL | {"rejection_reason": "impact damage"}, "engineer"
    )
    assert rejected["status"] == "rejected"
    assert rejected["appraisal"]["reason"] == "impact damage"
    before = r.counts(), r.read(return_id)

    for step, body in (
        ("shipment", SHIPMENT),
        ("agreement", {"specification": "x", "quantity": 1}),
    ):
        response = r.post(f"/returns/{return_id}/{step}", body, "agent")
        assert response.status_code == 409, response.get_json()
        assert response.get_json()["errors"] == {"status": ["is rejected"]}
    assert (r.counts(), r.read(return_id)) == before
    [appraised] = r.events("return.appraised")
    assert appraised["data"]["decision"] == "rejected"
    assert appraised["data"]["reason"] == "impact damage"


def test_a_second_open_request_for_a_serial_is_409_and_writes_nothing(returns: Returns) -> None:
    r = returns
    first = r.request(serial_no="SN-TWICE")
    before = r.counts()
    response = r.post("/returns", return_body(serial_no="SN-TWICE", kind="refund"), "agent")
    assert response.status_code == 409
    assert response.get_json()["errors"] == {
        "serial_no": [f"has an open return {first} (requested)"]
    }
    assert r.counts() == before


def test_creating_posts_honour_idempotency_keys(returns: Returns) -> None:
    r = returns
    headers = {**auth("agent", sub="agent-1"), "Idempotency-Key": "rma-0001"}
    body = return_body()
    first = r.client.post("/returns", json=body, headers=headers)
    second = r.client.post("/returns", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.get_json() == second.get_json()
    assert r.counts() == (1, 1)


def test_a_paid_replacement_is_priced_from_the_fee_schedule_in_force(returns: Returns) -> None:
    r = returns
    return_id = r.request(product_model="CP-400", purchase_date=None)
    before = r.counts(), r.read(return_id)
    unpriced = r.post(f"/returns/{return_id}/appraisal", APPRAISAL, "engineer")
    assert unpriced.status_code == 409
    assert unpriced.get_json()["errors"] == {
        "product_model": ["no price in the fee schedule in force"]
    }
    assert (r.counts(), r.read(return_id)) == before

    current = r.fee_schedule(effective_from=START - DAY)  # v3: CP-400 at 12800.00
    future = r.fee_schedule(
        schedule_version=4,
        effective_from=START + DAY,
        products=[{"model": "CP-400", "price": Decimal("13900.00")}],
    )
    outcomes = [s.outcome for e in (current, future, current) for s in r.deliver(e)]
    assert outcomes == [Outcome.APPLIED, Outcome.APPLIED, Outcome.DUPLICATE]
    appraised = r.step(return_id, "appraisal", APPRAISAL, "engineer")

    assert appraised["appraisal"]["decision"] == "paid_replacement"
    assert (appraised["appraisal"]["price"], appraised["appraisal"]["schedule_version"]) == (
        "12800.00",
        3,
    )
    [event] = r.events("return.appraised")
    assert (event["data"]["price"], event["data"]["currency"]) == ("12800.00", "CNY")
    assert event["data"]["warranty_status"] == "unknown"


def test_a_repair_escalation_opens_one_request_naming_the_tickets_customer(
    returns: Returns,
) -> None:
    r = returns
    ticket_id = uuid.uuid4()
    r.deliver(r.solution_accepted(ticket_id=ticket_id, customer_name="Zhao Lei"))
    escalation = r.escalated("south", ticket_id=ticket_id, serial_no="SN-88")

    first, again = r.deliver(escalation), r.deliver(escalation)
    unknown = r.deliver(r.escalated("south", escalated_to="return"))  # ticket never seen

    assert [s.outcome for s in first + again + unknown] == [
        Outcome.APPLIED,
        Outcome.DUPLICATE,
        Outcome.APPLIED,
    ]
    listed = r.get("/returns?region=south&source=escalation", "agent").get_json()
    by_serial = {item["serial_no"]: item for item in listed}
    opened = by_serial["SN-88"]
    assert (opened["kind"], opened["status"], opened["ticket_id"]) == (
        "replacement",
        "requested",
        str(ticket_id),
    )
    assert opened["customer"] == {"name": "Zhao Lei", "phone": "+86 138 0000 0000"}
    assert opened["warranty"]["status"] == "in_warranty"
    assert opened["work_order_id"] == str(escalation.data["work_order_id"])
    refund = by_serial["SN-2024-000123"]
    assert refund["kind"] == "refund" and refund["customer"]["name"] == "unknown customer"
    requested = r.events("return.requested")
    assert [e["data"]["source"] for e in requested] == ["escalation", "escalation"]
    assert requested[0]["causation_id"] == str(escalation.id)


def test_an_escalation_that_names_the_customer_needs_no_ticket(returns: Returns) -> None:
    r = returns
    r.deliver(r.escalated(serial_no="SN-77", customer_name="Qian Hua", customer_phone="+86 137 1"))
    [opened] = r.get("/returns?region=east&source=escalation", "agent").get_json()
    assert opened["customer"] == {"name": "Qian Hua", "phone": "+86 137 1"}
    assert r.events("return.requested")[0]["data"]["customer_name"] == "Qian Hua"


def test_an_escalation_before_the_tickets_customer_is_completed_when_it_arrives(
    returns: Returns,
) -> None:
    r = returns
    ticket_id = uuid.uuid4()
    escalation = r.escalated(ticket_id=ticket_id)
    r.deliver(escalation)
    [opened] = r.get(f"/returns?ticket_id={ticket_id}", "agent").get_json()
    assert opened["customer"]["name"] == "unknown customer"

    r.deliver(r.solution_accepted(ticket_id=ticket_id, customer_name="Zhou Min"))

    assert r.read(opened["id"])["customer"] == {"name": "Zhou Min", "phone": "+86 138 0000 0000"}
