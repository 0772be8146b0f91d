"""Issuing (gap-free numbers per year and region), payments (partial, overpayment refused,
paid when settled), the audit against the record, and credit notes from refunds."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest

from services.billing.use_cases import (
    audit_invoice,
    credit_refund,
    draft_invoice_for_replacement,
    issue_invoice,
    record_payment,
)
from shared.errors import Conflict, InvalidInput, NotFound
from tests.unit.billing.support import (
    CST,
    EAST_FINANCE,
    FINANCE,
    IN_WARRANTY,
    START,
    clock_of,
    drafted,
    issued,
    make_uow,
    published,
)

D = Decimal
NORTH_FINANCE = EAST_FINANCE.__class__(sub="fin-n", roles=frozenset({"finance"}), region="north")


def pay(uow: Any, invoice: Any, amount: str, method: str = "cash", **more: Any) -> Any:
    body = {"method": method, "amount": D(amount)} | more
    return record_payment(uow, invoice_id=invoice.id, payment_in=body, by=FINANCE)


def test_issuing_numbers_gap_free_per_region_and_announces_the_invoice() -> None:
    uow = make_uow()
    published(uow)
    numbers = [issued(uow).number, issued(uow).number, issued(uow, "north").number]
    assert numbers == ["INV-2026-EAST-000001", "INV-2026-EAST-000002", "INV-2026-NORTH-000001"]
    [event, *_] = uow.published("invoice.issued")
    assert event.region == "east"
    assert event.data["number"] == "INV-2026-EAST-000001"
    assert (event.data["total"], event.data["tax_total"], len(event.data["lines"])) == (
        "802.53",
        "92.33",
        4,
    )
    assert event.data["lines"][2]["tax"] == "11.12"


def test_the_year_is_the_regions_at_the_moment_of_issue() -> None:
    uow = make_uow()
    published(uow)
    invoice = drafted(uow)
    clock_of(uow).at = dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)  # 1 Jan in Shanghai
    issue_invoice(uow, invoice_id=invoice.id, issue_in={"customer_name": "Li Wei"}, by=FINANCE)
    assert (invoice.number, invoice.customer_name) == ("INV-2027-EAST-000001", "Li Wei")


def test_an_invoice_is_issued_once() -> None:
    uow = make_uow()
    published(uow)
    invoice = issued(uow)
    with pytest.raises(Conflict) as refused:
        issue_invoice(uow, invoice_id=invoice.id, issue_in={}, by=FINANCE)
    assert refused.value.errors == {"status": ["is issued"]}
    assert len(uow.published("invoice.issued")) == 1


def test_another_regions_invoice_is_as_good_as_absent() -> None:
    uow = make_uow()
    published(uow)
    invoice = drafted(uow)
    with pytest.raises(NotFound):
        issue_invoice(uow, invoice_id=invoice.id, issue_in={}, by=NORTH_FINANCE)
    assert issue_invoice(uow, invoice_id=invoice.id, issue_in={}, by=EAST_FINANCE).number


def test_a_zero_invoice_is_settled_when_issued() -> None:
    uow = make_uow()
    published(uow)
    invoice = issued(uow, warranty=IN_WARRANTY)
    assert (invoice.status, invoice.settled_at) == ("paid", START)


def test_two_partial_payments_settle_the_invoice() -> None:
    uow = make_uow()
    published(uow)
    invoice = issued(uow)  # 802.53
    pay(uow, invoice, "500.00", "bank_transfer", reference="TRX-1")
    assert (invoice.status, invoice.outstanding) == ("partially_paid", D("302.53"))
    clock_of(uow).advance(days=3)
    pay(uow, invoice, "302.53", "cheque", reference="CHQ-88")
    assert (invoice.status, invoice.outstanding, invoice.amount_paid) == (
        "paid",
        D("0.00"),
        D("802.53"),
    )
    assert invoice.settled_at == START + dt.timedelta(days=3)
    events = uow.published("payment.received")
    assert [(e.data["amount"], e.data["outstanding"], e.data["status"]) for e in events] == [
        ("500.00", "302.53", "partially_paid"),
        ("302.53", "0.00", "paid"),
    ]
    with pytest.raises(Conflict):
        pay(uow, invoice, "0.01")


def test_an_overpayment_is_refused_and_nothing_changes() -> None:
    uow = make_uow()
    published(uow)
    invoice = issued(uow)
    commits = uow.commits
    with pytest.raises(InvalidInput) as refused:
        pay(uow, invoice, "802.54")
    assert refused.value.errors == {"amount": ["exceeds the outstanding 802.53 CNY"]}
    assert (invoice.amount_paid, invoice.payments, uow.commits) == (D("0.00"), [], commits)


def test_a_draft_takes_no_payment_and_a_payment_is_not_older_than_its_invoice() -> None:
    uow = make_uow()
    published(uow)
    with pytest.raises(Conflict):
        pay(uow, drafted(uow), "10.00")
    invoice = issued(uow)
    with pytest.raises(InvalidInput) as early:
        pay(uow, invoice, "10.00", received_at=START - dt.timedelta(days=1))
    assert list(early.value.errors) == ["received_at"]


def test_an_audit_with_no_discrepancy() -> None:
    uow = make_uow()
    published(uow)
    invoice = issued(uow)
    audit_invoice(uow, invoice_id=invoice.id, audit_in={"verdict": "correct"}, by=FINANCE)
    assert (invoice.audit_status, invoice.discrepancies, invoice.flagged) == ("correct", [], False)
    [event] = uow.published("invoice.audited")
    assert (event.data["verdict"], event.data["discrepancies"]) == ("correct", [])
    with pytest.raises(Conflict) as again:
        audit_invoice(uow, invoice_id=invoice.id, audit_in={"verdict": "correct"}, by=FINANCE)
    assert again.value.errors == {"status": ["is correct"]}


def test_a_draft_is_not_audited() -> None:
    uow = make_uow()
    published(uow)
    with pytest.raises(Conflict):
        audit_invoice(uow, invoice_id=drafted(uow).id, audit_in={"verdict": "correct"}, by=FINANCE)


def corrected_labour(uow: Any) -> None:
    """A correction published after the invoice: labour was 160.00, not 180.00, from 1 Nov."""
    rates = [{"service_kind": "repair", "product_type": "CP-400", "rate_per_hour": D("160.00")}]
    published(uow, labour_rates=rates, effective_from=dt.datetime(2026, 11, 1, tzinfo=CST))


def test_an_overcharge_found_by_audit_is_credited() -> None:
    uow = make_uow()
    published(uow)
    invoice = issued(uow)  # labour 2.5 h x 180.00
    corrected_labour(uow)
    with pytest.raises(InvalidInput) as unexplained:
        audit_invoice(uow, invoice_id=invoice.id, audit_in={"verdict": "correct"}, by=FINANCE)
    assert list(unexplained.value.errors) == ["notes"]
    audit_in = {"verdict": "incorrect", "resolution": "credit_note", "notes": "rate corrected"}
    audit_invoice(uow, invoice_id=invoice.id, audit_in=audit_in, by=FINANCE)
    assert [d["code"] for d in invoice.discrepancies] == ["unit_price_differs", "net_differs"]
    # 2.5 h x 20.00 = 50.00 net, 6.50 tax: 56.50 credited
    assert (invoice.amount_credited, invoice.outstanding) == (D("56.50"), D("746.03"))
    [note] = uow.published("credit_note.issued")
    assert (note.data["number"], note.data["amount"], note.data["net"], note.data["tax"]) == (
        "CN-2026-EAST-000001",
        "56.50",
        "50.00",
        "6.50",
    )
    [audited] = uow.published("invoice.audited")
    assert audited.data["credit_note_id"] == note.data["credit_note_id"]


def test_a_wrong_unpaid_invoice_is_replaced_by_a_new_one() -> None:
    uow = make_uow()
    published(uow)
    invoice = issued(uow)
    corrected_labour(uow)
    audit_in = {"verdict": "incorrect", "resolution": "new_invoice", "notes": "re-invoice"}
    audit_invoice(uow, invoice_id=invoice.id, audit_in=audit_in, by=FINANCE)
    assert (invoice.status, invoice.amount_credited) == ("credited", D("802.53"))
    [audited] = uow.published("invoice.audited")
    new = uow.invoices.get(uuid.UUID(audited.data["new_invoice_id"]))
    assert new is not None and (new.status, new.replaces_id) == ("draft", invoice.id)
    assert (new.lines[1].unit_price, new.total) == (D("160.00"), D("746.03"))


def test_a_paid_invoice_is_corrected_by_credit_note_not_replaced() -> None:
    uow = make_uow()
    published(uow)
    invoice = issued(uow)
    pay(uow, invoice, "100.00")
    corrected_labour(uow)
    audit_in = {"verdict": "incorrect", "resolution": "new_invoice", "notes": "x"}
    with pytest.raises(Conflict):
        audit_invoice(uow, invoice_id=invoice.id, audit_in=audit_in, by=FINANCE)
    assert uow.published("credit_note.issued") == []


def refund(return_id: uuid.UUID, amount: str, reference: str = "TRX-9") -> dict[str, Any]:
    return {
        "return_id": return_id,
        "work_order_id": None,
        "amount": D(amount),
        "currency": "CNY",
        "method": "bank_transfer",
        "reference": reference,
    }


def test_a_refund_credits_the_invoice_of_the_replacement_it_refunds() -> None:
    uow = make_uow()
    published(uow)
    return_id = uuid.uuid4()
    appraisal = {
        "return_id": return_id,
        "decision": "paid_replacement",
        "price": D("1000.00"),
        "currency": "CNY",
        "product_model": "CP-400",
        "appraised_at": START,
    }
    invoice = draft_invoice_for_replacement(uow, region="east", appraisal=appraisal)
    assert invoice is not None
    issue_invoice(uow, invoice_id=invoice.id, issue_in={}, by=FINANCE)
    note = credit_refund(uow, region="east", refund=refund(return_id, "1130.00"))
    assert credit_refund(uow, region="east", refund=refund(return_id, "1130.00")) is note
    assert (note.invoice_id, note.net, note.tax) == (invoice.id, D("1000.00"), D("130.00"))
    assert invoice.status == "credited"
    assert len(uow.published("credit_note.issued")) == 1


def test_a_refund_of_something_not_invoiced_is_a_standalone_credit() -> None:
    uow = make_uow()
    note = credit_refund(uow, region="east", refund=refund(uuid.uuid4(), "9800.00"))
    assert note.invoice_id is None and note.reason.endswith("standalone")
    assert (note.number, note.net, note.tax) == ("CN-2026-EAST-000001", D("8672.57"), D("1127.43"))
    [event] = uow.published("credit_note.issued")
    assert event.data["invoice_id"] is None and event.data["source"] == "refund"


def test_a_draft_made_before_its_prices_were_known_is_priced_when_issued() -> None:
    uow = make_uow()
    draft = drafted(uow)  # no schedule yet: every line unpriced
    assert (draft.total, draft.flagged) == (D("0.00"), True)
    published(uow)  # in force from 1 Nov, before the work
    invoice = issue_invoice(uow, invoice_id=draft.id, issue_in={}, by=FINANCE)
    assert (invoice.total, invoice.schedule_number, invoice.flagged) == (D("802.53"), 1, False)
    assert (invoice.warnings, invoice.discrepancies) == ([], [])
    [event] = uow.published("invoice.issued")
    assert (event.data["total"], event.data["schedule_version"]) == ("802.53", 1)


def test_a_correction_flags_the_invoices_it_changes_and_reprices_the_drafts() -> None:
    uow = make_uow()
    published(uow)
    invoice = issued(uow)
    draft = drafted(uow)
    old_work = drafted(uow, finished_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC))
    corrected_labour(uow)  # from 1 Nov, like the version it corrects
    assert invoice.flagged and [d["code"] for d in invoice.discrepancies] == [
        "unit_price_differs",
        "net_differs",
    ]
    assert invoice.total == D("802.53")  # an issued invoice keeps its prices
    assert (draft.total, draft.schedule_number, draft.flagged) == (D("746.03"), 2, False)
    assert old_work.schedule_number is None  # work before 1 Nov: nothing changes for it


def test_an_issued_invoice_is_due_after_the_payment_terms() -> None:
    uow = make_uow()
    published(uow)
    assert issued(uow).due_at == START + dt.timedelta(days=30)
    short = make_uow(payment_terms_days="10")
    published(short)
    invoice = issued(short)
    assert invoice.due_at == START + dt.timedelta(days=10)
    [event] = short.published("invoice.issued")
    assert event.data["due_at"] == "2026-12-12T02:00:00+00:00"
