"""Publishing the fee schedule, and the draft invoices events make: priced with the version
in force when the work was done, once per visit or return."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from services.billing.models import Invoice
from services.billing.use_cases import (
    draft_invoice_for_replacement,
    draft_invoice_for_visit,
    publish_fee_schedule,
)
from shared.errors import Forbidden, InvalidInput
from tests.unit.billing.support import (
    CST,
    EAST_FINANCE,
    IN_WARRANTY,
    START,
    completed,
    drafted,
    lines_of,
    make_uow,
    published,
    schedule_in,
)

D = Decimal


def test_finance_publishes_numbered_versions_with_an_event_for_returns() -> None:
    uow = make_uow()
    first = published(uow)
    second = published(uow, effective_from=dt.datetime(2026, 12, 1, tzinfo=CST))
    assert (first.number, second.number, uow.commits) == (1, 2, 2)
    assert first.tax_rate == D("0.1300") and first.published_by == "fin-1"
    events = uow.published("fee_schedule.published")
    assert [(e.region, e.data["schedule_version"]) for e in events] == [
        ("national", 1),
        ("national", 2),
    ]
    assert events[0].data["callout_fees"] == [{"region": "east", "amount": "150.00"}]
    assert events[0].data["products"] == [{"model": "CP-400", "price": "12800.00"}]
    assert events[0].data["tax_rate"] == "0.1300"


def test_the_tax_rate_defaults_to_the_configured_option() -> None:
    uow = make_uow(tax_rate="0.06")
    assert published(uow).tax_rate == D("0.0600")
    assert published(uow, tax_rate=D("0.09")).tax_rate == D("0.0900")


def test_a_version_cannot_take_effect_before_the_latest_one() -> None:
    uow = make_uow()
    published(uow, effective_from=dt.datetime(2026, 12, 1, tzinfo=CST))
    with pytest.raises(InvalidInput) as refused:
        published(uow, effective_from=dt.datetime(2026, 11, 30, tzinfo=CST))
    assert list(refused.value.errors) == ["effective_from"]
    assert uow.commits == 1


def test_a_region_limited_token_cannot_change_the_national_schedule() -> None:
    uow = make_uow()
    with pytest.raises(Forbidden):
        publish_fee_schedule(uow, schedule_in=schedule_in(), by=EAST_FINANCE)
    assert uow.commits == 0


def test_an_out_of_warranty_repair_becomes_an_itemised_draft() -> None:
    uow = make_uow()
    published(uow)
    invoice = drafted(uow)
    assert lines_of(invoice) == [
        ("callout", "east", "1", "150.00", "150.00", "19.50", False),
        ("labour", "CP-400", "2.50", "180.00", "450.00", "58.50", False),
        ("part", "CP-400-ANODE", "1", "85.50", "85.50", "11.12", False),
        ("part", "SEALANT-7", "2", "12.35", "24.70", "3.21", False),
    ]
    assert (invoice.status, invoice.number, invoice.schedule_number) == ("draft", None, 1)
    assert (invoice.net_total, invoice.tax_total, invoice.total) == (
        D("710.20"),
        D("92.33"),
        D("802.53"),
    )
    assert invoice.flagged is False and uow.published() == uow.published("fee_schedule.published")


def test_an_in_warranty_repair_is_itemised_at_zero() -> None:
    uow = make_uow()
    published(uow)
    invoice = drafted(uow, warranty=IN_WARRANTY)
    assert [ln.covered for ln in invoice.lines] == [True] * 4
    assert invoice.total == D("0.00")


def test_the_prices_are_those_in_force_when_the_work_was_done() -> None:
    uow = make_uow()
    published(uow)  # from 1 Nov: labour 180.00
    december = dt.datetime(2026, 12, 1, tzinfo=CST)  # 30 Nov 16:00 UTC
    new_rates = [{"service_kind": "repair", "product_type": "CP-400", "rate_per_hour": D("200")}]
    published(uow, effective_from=december, labour_rates=new_rates)
    before = drafted(uow, finished_at=december - dt.timedelta(seconds=1))
    after = drafted(uow, finished_at=december)
    assert (before.lines[1].unit_price, before.schedule_number) == (D("180.00"), 1)
    assert (after.lines[1].unit_price, after.schedule_number) == (D("200.00"), 2)
    assert after.lines[1].net == D("500.00") and after.created_at == START


def test_the_same_visit_delivered_twice_makes_one_invoice() -> None:
    uow = make_uow()
    published(uow)
    record = completed()
    first = draft_invoice_for_visit(uow, region="east", completed=record)
    again = draft_invoice_for_visit(uow, region="east", completed=dict(record))
    assert first is again
    assert len(uow.invoices.items) == 1  # type: ignore[attr-defined]


def test_work_before_any_schedule_is_drafted_unpriced_and_flagged() -> None:
    uow = make_uow()
    invoice = drafted(uow)
    assert invoice.total == D("0.00") and invoice.flagged
    assert invoice.schedule_number is None and len(invoice.warnings) == 4


def test_a_maintenance_visit_is_invoiced_only_when_chargeable() -> None:
    uow = make_uow()
    published(uow)
    free = {"status": "unknown", "parts_covered": True, "labour_covered": True}
    assert drafted_or_none(uow, kind="maintenance", warranty=free) is None
    invoice = drafted_or_none(uow, kind="maintenance", parts=[], labour_hours=D("1.50"))
    assert isinstance(invoice, Invoice)
    # no call-out on a planned visit; 1.5 h x 120.00 (maintenance, any product) = 180.00,
    # tax 23.40
    assert lines_of(invoice) == [
        ("labour", "CP-400", "1.50", "120.00", "180.00", "23.40", False),
    ]
    assert (invoice.source_kind, invoice.total) == ("maintenance", D("203.40"))


def drafted_or_none(uow: object, **changes: object) -> object:
    return draft_invoice_for_visit(uow, region="east", completed=completed(**changes))  # type: ignore[arg-type]


def appraisal(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "return_id": uuid.uuid4(),
        "decision": "paid_replacement",
        "price": D("12800.00"),
        "currency": "CNY",
        "product_model": "CP-400",
        "serial_no": "SN-1",
        "customer_name": "Li Wei",
        "ticket_id": None,
        "work_order_id": None,
        "appraised_at": START,
    }
    return body | changes


def test_a_paid_replacement_becomes_a_draft_once() -> None:
    uow = make_uow()
    published(uow)
    appraised = appraisal()
    invoice = draft_invoice_for_replacement(uow, region="east", appraisal=appraised)
    assert invoice is not None
    assert draft_invoice_for_replacement(uow, region="east", appraisal=appraised) is invoice
    assert lines_of(invoice) == [
        ("replacement", "CP-400", "1", "12800.00", "12800.00", "1664.00", False)
    ]
    assert (invoice.customer_name, invoice.total) == ("Li Wei", D("14464.00"))


def test_a_replacement_without_a_price_takes_the_schedules() -> None:
    uow = make_uow()
    published(uow, products=[{"model": "CP-400", "price": D("11000")}])
    invoice = draft_invoice_for_replacement(uow, region="east", appraisal=appraisal(price=None))
    assert invoice is not None and invoice.net_total == D("11000.00")


@pytest.mark.parametrize(
    "decision", ["free_replacement", "refund", "negotiated_refund", "rejected"]
)
def test_other_appraisals_bill_nothing(decision: str) -> None:
    uow = make_uow()
    assert (
        draft_invoice_for_replacement(uow, region="east", appraisal=appraisal(decision=decision))
        is None
    )
    assert uow.commits == 0


def test_a_replacement_is_billed_in_the_appraisals_currency() -> None:
    uow = make_uow()
    published(uow)  # a CNY schedule
    appraised = appraisal(currency="USD", price=D("1800.00"))
    invoice = draft_invoice_for_replacement(uow, region="east", appraisal=appraised)
    assert invoice is not None and (invoice.currency, invoice.total) == ("USD", D("2034.00"))
