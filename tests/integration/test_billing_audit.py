"""billing's audit and credit notes on SQLite and PostgreSQL: discrepancies found and listed,
the verdict and its resolution (credit note, new invoice), refunds and paid replacements
arriving as events."""

from __future__ import annotations

import uuid

import pytest

from tests.integration.billing_support import (
    Billing,
    make_billing,
    repair_completed,
    returns_event,
)

UNLISTED = [
    {"part_no": "CP-400-ANODE", "quantity": 1, "genuine": True},
    {"part_no": "GASKET-9", "quantity": 2, "genuine": True},
]


@pytest.fixture
def billing(database_url: str) -> Billing:
    made = make_billing(database_url)
    made.publish_schedule()
    return made


def issued(billing: Billing, **changes: object) -> dict[str, object]:
    invoice = billing.draft(repair_completed(**changes))
    response = billing.post(f"/invoices/{invoice['id']}/issue", {}, "finance")
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def test_a_record_the_invoice_disagrees_with_is_flagged_and_credited(billing: Billing) -> None:
    invoice = issued(billing, parts=UNLISTED)
    assert invoice["flagged"] is True
    assert invoice["warnings"] == ["part GASKET-9: no price in the fee schedule in force"]
    [flagged] = billing.get("/invoices?flagged=true", "finance").get_json()
    assert flagged["id"] == invoice["id"]
    path = f"/invoices/{invoice['id']}"
    [found] = billing.get(f"{path}/discrepancies", "finance").get_json()
    assert (found["code"], found["item"], found["invoiced"]) == ("unpriced", "GASKET-9", "0.00")
    assert billing.get(f"{path}/discrepancies", "agent").status_code == 403
    refusals = [
        ({"verdict": "correct"}, "notes"),
        ({"verdict": "incorrect"}, "resolution"),
        ({"verdict": "maybe"}, "verdict"),
        (
            {"verdict": "incorrect", "resolution": "credit_note", "credit_amount": "9999"},
            "credit_amount",
        ),
        ({"verdict": "correct", "credit_amount": "1"}, "credit_amount"),
    ]
    before = billing.counts()
    for body, field in refusals:
        response = billing.post(f"{path}/audit", body, "finance")
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["errors"]
    assert (
        billing.post(
            f"{path}/audit", {"verdict": "correct", "notes": "x"}, "technician"
        ).status_code
        == 403
    )
    assert billing.counts() == before
    body = {
        "verdict": "incorrect",
        "resolution": "credit_note",
        "credit_amount": "28.25",
        "notes": "gasket priced by hand at 12.50 each, agreed with the east team",
    }
    audited = billing.post(f"{path}/audit", body, "finance")
    assert audited.status_code == 200, audited.get_json()
    assert audited.get_json()["audit"]["status"] == "incorrect"
    assert audited.get_json()["amount_credited"] == "28.25"
    [event] = billing.events("invoice.audited")
    assert [d["code"] for d in event["data"]["discrepancies"]] == ["unpriced"]
    [note] = billing.get("/credit-notes?status=against_invoice", "finance").get_json()
    assert (note["number"], note["invoice_id"], note["net"], note["tax"]) == (
        "CN-2026-EAST-000001",
        invoice["id"],
        "25.00",
        "3.25",
    )
    assert billing.post(f"{path}/audit", body, "finance").status_code == 409


def test_a_clean_invoice_passes_audit(billing: Billing) -> None:
    invoice = issued(billing)
    assert billing.get(f"/invoices/{invoice['id']}/discrepancies", "finance").get_json() == []
    audited = billing.post(f"/invoices/{invoice['id']}/audit", {"verdict": "correct"}, "finance")
    assert audited.status_code == 200
    assert (audited.get_json()["audit"]["status"], audited.get_json()["discrepancies"]) == (
        "correct",
        [],
    )
    draft = billing.draft()
    refused = billing.post(f"/invoices/{draft['id']}/audit", {"verdict": "correct"}, "finance")
    assert refused.status_code == 409 and refused.get_json()["errors"] == {"status": ["is draft"]}


def test_a_price_corrected_since_is_resolved_by_a_new_invoice(billing: Billing) -> None:
    invoice = issued(billing)
    rates = [{"service_kind": "repair", "product_type": "CP-400", "rate_per_hour": "160.00"}]
    billing.publish_schedule(labour_rates=rates)  # a correction, from the same 1 Nov
    [flagged] = billing.get("/invoices?flagged=true&status=issued", "finance").get_json()
    assert flagged["id"] == invoice["id"]
    body = {"verdict": "incorrect", "resolution": "new_invoice", "notes": "rate corrected"}
    audited = billing.post(f"/invoices/{invoice['id']}/audit", body, "finance").get_json()
    assert (audited["status"], audited["amount_credited"]) == ("credited", "802.53")
    [event] = billing.events("invoice.audited")
    new = billing.get(f"/invoices/{event['data']['new_invoice_id']}", "finance").get_json()
    assert (new["status"], new["replaces_id"], new["total"]) == ("draft", invoice["id"], "746.03")


def test_a_paid_replacement_is_billed_and_its_refund_credits_it(billing: Billing) -> None:
    return_id = str(uuid.uuid4())
    appraised = returns_event("return.appraised", return_id=return_id, price="1000.00")
    assert [s.outcome.value for s in billing.deliver(appraised)] == ["applied"]
    [invoice] = billing.get(f"/invoices?return_id={return_id}", "finance").get_json()
    assert (invoice["source_kind"], invoice["total"], invoice["customer_name"]) == (
        "replacement",
        "1130.00",
        "Li Wei",
    )
    billing.post(f"/invoices/{invoice['id']}/issue", {}, "finance")
    refund = returns_event("refund.issued", return_id=return_id, amount="1130.00")
    billing.deliver(refund)
    billing.deliver(returns_event("refund.issued", return_id=return_id, amount="1130.00"))
    [note] = billing.get(f"/credit-notes?return_id={return_id}", "agent").get_json()
    assert (note["invoice_id"], note["amount"], note["source"]) == (
        invoice["id"],
        "1130.00",
        "refund",
    )
    assert billing.get(f"/invoices/{invoice['id']}", "finance").get_json()["status"] == "credited"
    assert billing.get(f"/credit-notes/{note['id']}", "finance", region="north").status_code == 404


def test_a_refund_of_a_sale_billing_never_invoiced_is_a_standalone_credit(billing: Billing) -> None:
    billing.deliver(returns_event("refund.issued", region="north", return_id=str(uuid.uuid4())))
    [note] = billing.get("/credit-notes?status=standalone", "finance").get_json()
    assert (note["number"], note["amount"], note["net"], note["tax"]) == (
        "CN-2026-NORTH-000001",
        "9800.00",
        "8672.57",
        "1127.43",
    )
    [event] = billing.events("credit_note.issued")
    assert event["region"] == "north" and event["data"]["invoice_id"] is None


def test_a_draft_issued_after_a_correction_takes_the_corrected_price(billing: Billing) -> None:
    draft = billing.draft()
    rates = [{"service_kind": "repair", "product_type": "CP-400", "rate_per_hour": "160.00"}]
    billing.publish_schedule(labour_rates=rates)  # a correction, from the same 1 Nov
    issued = billing.post(f"/invoices/{draft['id']}/issue", {}, "finance").get_json()
    assert (draft["total"], issued["total"], issued["schedule_version"]) == ("802.53", "746.03", 2)
    assert [ln["line_no"] for ln in issued["lines"]] == [1, 2, 3, 4]
    assert issued["lines"][1]["unit_price"] == "160.00" and issued["discrepancies"] == []
