"""billing's REST API on SQLite and PostgreSQL: the fee schedule (open to read, finance to
change), drafts from repair.completed (once), issue, payments, the PDF; roles, regions and
bad input (a problem naming the field, nothing written)."""

from __future__ import annotations

import pytest

from tests.helpers import metric_value
from tests.integration.billing_support import (
    Billing,
    make_billing,
    repair_completed,
    schedule_body,
)


@pytest.fixture
def billing(database_url: str) -> Billing:
    return make_billing(database_url)


def test_the_fee_schedule_is_open_to_read_and_versioned(billing: Billing) -> None:
    assert billing.get("/fee-schedule").status_code == 404  # nothing published yet
    first = billing.publish_schedule()
    second = billing.publish_schedule(
        effective_from="2026-12-01T00:00:00+08:00",
        callout_fees=[{"region": "east", "amount": "160"}],
    )
    assert (first["schedule_version"], second["schedule_version"]) == (1, 2)
    now = billing.get("/fee-schedule")  # no token
    assert now.status_code == 200
    assert now.get_json()["callout_fees"] == [{"region": "east", "amount": "160.00"}]
    assert now.get_json()["tax_rate"] == "0.1300" and now.get_json()["currency"] == "CNY"
    before = billing.get("/fee-schedule?at=2026-11-30T23:59:59%2B08:00").get_json()
    assert before["schedule_version"] == 1
    versions = billing.get("/fee-schedule/versions")
    assert [v["schedule_version"] for v in versions.get_json()] == [2, 1]
    assert versions.headers["X-Pagination"]
    assert billing.get("/fee-schedule/versions/1").get_json()["effective_from"] == (
        "2026-10-31T16:00:00Z"
    )
    assert billing.get("/fee-schedule/versions/9").status_code == 404
    published = billing.events("fee_schedule.published")
    assert [(e["region"], e["data"]["schedule_version"]) for e in published] == [
        ("national", 1),
        ("national", 2),
    ]


@pytest.mark.parametrize(
    ("roles", "region", "status"),
    [
        ((), None, 401),
        (("technician",), None, 403),
        (("agent",), None, 403),
        (("manager",), None, 403),
        (("finance",), "east", 403),
        (("finance",), None, 200),
    ],
)
def test_only_national_finance_changes_the_fee_schedule(
    billing: Billing, roles: tuple[str, ...], region: str | None, status: int
) -> None:
    response = billing.put("/fee-schedule", schedule_body(), *roles, region=region)
    assert response.status_code == status, response.get_json()
    assert billing.counts()[0] == (1 if status == 200 else 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"callout_fees": [{"region": "atlantis", "amount": "1"}]}, "callout_fees.0.region"),
        ({"callout_fees": [{"region": "east", "amount": "1.005"}]}, "callout_fees.0.amount"),
        ({"callout_fees": [{"region": "east", "amount": "-1"}]}, "callout_fees.0.amount"),
        ({"callout_fees": [{"region": "east", "amount": "NaN"}]}, "callout_fees.0.amount"),
        (
            {
                "labour_rates": [
                    {"service_kind": "party", "product_type": "X", "rate_per_hour": "1"}
                ]
            },
            "labour_rates.0.service_kind",
        ),
        ({"parts": [{"part_no": "A", "price": "1"}, {"part_no": "A", "price": "2"}]}, "parts"),
        ({"tax_rate": "1.5"}, "tax_rate"),
        ({"currency": "yuan"}, "currency"),
        ({"effective_from": "2026-11-01T00:00:00"}, "effective_from"),
        ({"discount": "10%"}, "discount"),
    ],
)
def test_a_bad_fee_schedule_is_refused_naming_the_field(
    billing: Billing, change: dict[str, object], field: str
) -> None:
    response = billing.put("/fee-schedule", schedule_body(**change), "finance")
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert billing.counts() == (0, 0, 0, 0, 0)


def test_a_version_starting_before_the_latest_is_refused(billing: Billing) -> None:
    billing.publish_schedule(effective_from="2026-12-01T00:00:00+08:00")
    response = billing.put("/fee-schedule", schedule_body(), "finance")
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["effective_from"]
    assert billing.counts()[0] == 1


def test_a_repair_record_delivered_twice_makes_one_itemised_draft(billing: Billing) -> None:
    billing.publish_schedule()
    event = repair_completed()
    invoice = billing.draft(event)
    assert [s.outcome.value for s in billing.deliver(event)] == ["duplicate"]
    republished = repair_completed(work_order_id=event.data["work_order_id"])  # a new event id
    assert [s.outcome.value for s in billing.deliver(republished)] == ["applied"]
    assert billing.counts()[1] == 1
    assert (invoice["status"], invoice["number"], invoice["schedule_version"]) == ("draft", None, 1)
    assert [(ln["kind"], ln["net"], ln["tax"], ln["currency"]) for ln in invoice["lines"]] == [
        ("callout", "150.00", "19.50", "CNY"),
        ("labour", "450.00", "58.50", "CNY"),
        ("part", "85.50", "11.12", "CNY"),
        ("part", "24.70", "3.21", "CNY"),
    ]
    assert (invoice["net_total"], invoice["tax_total"], invoice["total"]) == (
        "710.20",
        "92.33",
        "802.53",
    )
    assert invoice["record"]["labour_hours"] == "2.50" and invoice["customer_name"] is None


def test_finance_issues_with_a_number_and_nobody_else_can(billing: Billing) -> None:
    billing.publish_schedule()
    invoice = billing.draft()
    path = f"/invoices/{invoice['id']}/issue"
    for roles in (("technician",), ("agent",), ("manager",)):
        assert billing.post(path, {}, *roles).status_code == 403
    assert billing.post(path, {}, "finance", region="north").status_code == 404
    assert billing.post(path, {"customer_name": ""}, "finance").status_code == 422
    assert billing.counts()[4] == 1  # only the schedule's event
    issued = billing.post(path, {"customer_name": "Li Wei"}, "finance")
    assert issued.status_code == 200, issued.get_json()
    body = issued.get_json()
    assert (body["number"], body["status"], body["customer_name"]) == (
        "INV-2026-EAST-000001",
        "issued",
        "Li Wei",
    )
    again = billing.post(path, {}, "finance")
    assert again.status_code == 409 and again.get_json()["errors"] == {"status": ["is issued"]}
    [event] = billing.events("invoice.issued")
    assert (event["data"]["number"], event["data"]["total"]) == ("INV-2026-EAST-000001", "802.53")
    assert (
        billing.post(
            "/invoices/00000000-0000-4000-8000-000000000000/issue", {}, "finance"
        ).status_code
        == 404
    )


def test_payments_partial_then_settled_overpayment_refused(billing: Billing) -> None:
    billing.publish_schedule()
    invoice = billing.draft()
    billing.post(f"/invoices/{invoice['id']}/issue", {}, "finance")
    path = f"/invoices/{invoice['id']}/payments"
    bad = [
        ({"method": "card", "amount": "10"}, "method"),
        ({"method": "cash", "amount": "0"}, "amount"),
        ({"method": "cash", "amount": "10.001"}, "amount"),
        ({"method": "cheque", "amount": "10"}, "reference"),
        ({"method": "cash", "amount": "10", "currency": "USD"}, "currency"),
        ({"method": "cash", "amount": "10", "received_at": "2099-01-01T00:00:00Z"}, "received_at"),
        ({"method": "cash", "amount": "802.54"}, "amount"),
    ]
    for body, field in bad:
        response = billing.post(path, body, "finance")
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["errors"], response.get_json()
    assert billing.counts()[2] == 0
    assert billing.post(path, {"method": "cash", "amount": "1"}, "technician").status_code == 403
    first = billing.post(
        path, {"method": "bank_transfer", "amount": "500.00", "reference": "T-1"}, "finance"
    )
    assert first.status_code == 201, first.get_json()
    assert (first.get_json()["status"], first.get_json()["outstanding"]) == (
        "partially_paid",
        "302.53",
    )
    key = {"Idempotency-Key": "pay-2"}
    body = {"method": "cheque", "amount": "302.53", "reference": "CHQ-8"}
    second = billing.post(path, body, "finance", headers=key)
    replay = billing.post(path, body, "finance", headers=key)
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert (second.get_json()["status"], second.get_json()["amount_paid"]) == ("paid", "802.53")
    assert billing.counts()[2] == 2
    paid = billing.post(path, {"method": "cash", "amount": "1"}, "finance")
    assert paid.status_code == 409 and paid.get_json()["errors"] == {"status": ["is paid"]}
    events = billing.events("payment.received")
    assert [(e["data"]["amount"], e["data"]["status"]) for e in events] == [
        ("500.00", "partially_paid"),
        ("302.53", "paid"),
    ]


def test_invoices_are_listed_and_filtered_within_the_callers_region(billing: Billing) -> None:
    billing.publish_schedule()
    east = billing.draft()
    north = billing.draft(repair_completed("north"))
    billing.post(f"/invoices/{east['id']}/issue", {}, "finance")
    everything = billing.get("/invoices", "agent").get_json()
    assert {i["id"] for i in everything} == {east["id"], north["id"]}
    assert [i["id"] for i in billing.get("/invoices?status=draft", "finance").get_json()] == [
        north["id"]
    ]
    assert [i["id"] for i in billing.get("/invoices", "finance", region="north").get_json()] == [
        north["id"]
    ]
    assert billing.get(f"/invoices/{east['id']}", "finance", region="north").status_code == 404
    assert billing.get("/invoices", "technician").status_code == 403
    assert billing.get("/invoices?status=lost", "finance").status_code == 422
    window = "created_from=2026-12-03T00:00:00Z"
    assert billing.get(f"/invoices?{window}", "finance").get_json() == []


def test_the_customer_gets_the_invoice_as_a_pdf(billing: Billing) -> None:
    billing.publish_schedule()
    invoice = billing.draft()
    draft_pdf = billing.get(f"/invoices/{invoice['id']}/pdf", "agent")
    billing.post(f"/invoices/{invoice['id']}/issue", {"customer_name": "李伟"}, "finance")
    pdf = billing.get(f"/invoices/{invoice['id']}/pdf", "agent")
    for response in (draft_pdf, pdf):
        assert response.status_code == 200
        assert response.content_type == "application/pdf"
        assert response.data.startswith(b"%PDF") and len(response.data) > 1500
    assert "INV-2026-EAST-000001.pdf" in pdf.headers["Content-Disposition"]
    assert billing.get(f"/invoices/{invoice['id']}/pdf", "technician").status_code == 403


def test_metrics_report_invoices_what_is_owed_and_what_awaits_audit(billing: Billing) -> None:
    billing.publish_schedule()
    invoice = billing.draft()
    billing.draft(repair_completed(parts=[{"part_no": "GASKET-9", "quantity": 1, "genuine": True}]))
    billing.post(f"/invoices/{invoice['id']}/issue", {}, "finance")
    body = {"method": "cash", "amount": "500.00"}
    billing.post(f"/invoices/{invoice['id']}/payments", body, "finance")
    text = billing.client.get("/metrics").get_data(as_text=True)
    assert metric_value(text, "aftercare_invoices", region="east", status="partially_paid") == 1
    assert metric_value(text, "aftercare_invoices", region="east", status="draft") == 1
    owed = metric_value(
        text, "aftercare_invoices_outstanding_amount", region="east", currency="CNY"
    )
    assert owed == pytest.approx(302.53)
    assert metric_value(text, "aftercare_invoices_flagged_unaudited", region="east") == 1
    assert metric_value(text, "aftercare_invoices_flagged_unaudited", region="north") == 0


def test_invoices_past_their_due_date_are_listed_as_overdue(billing: Billing) -> None:
    billing.publish_schedule()
    invoice = billing.draft()
    issued = billing.post(f"/invoices/{invoice['id']}/issue", {}, "finance").get_json()
    assert issued["due_at"] == "2027-01-01T02:00:00Z"  # 30 days' terms
    assert billing.get("/invoices?overdue=true", "finance").get_json() == []
    billing.clock.advance(days=30, seconds=1)
    [late] = billing.get("/invoices?overdue=true", "finance").get_json()
    assert late["id"] == invoice["id"]
    text = billing.client.get("/metrics").get_data(as_text=True)
    assert metric_value(text, "aftercare_invoices_overdue", region="east") == 1
    body = {"method": "cash", "amount": "802.53"}
    billing.post(f"/invoices/{invoice['id']}/payments", body, "finance")
    assert billing.get("/invoices?overdue=true", "finance").get_json() == []
    assert len(billing.get("/invoices?overdue=false", "finance").get_json()) == 1


def test_the_price_list_is_a_pdf_anyone_can_fetch(billing: Billing) -> None:
    assert billing.get("/fee-schedule/pdf").status_code == 404
    billing.publish_schedule()
    pdf = billing.get("/fee-schedule/pdf")  # no token
    assert pdf.status_code == 200 and pdf.content_type == "application/pdf"
    assert pdf.data.startswith(b"%PDF") and len(pdf.data) > 1500
    assert "fee-schedule-v1.pdf" in pdf.headers["Content-Disposition"]
