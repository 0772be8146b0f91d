"""Discrepancies between an invoice and what its record calls for, found line by line."""

from __future__ import annotations

from decimal import Decimal

from services.billing import domain
from services.billing.domain import Schedule, ServiceRecord

D = Decimal
SCHEDULE = Schedule(
    number=1,
    currency="CNY",
    tax_rate=D("0.13"),
    callout_fees={"east": D("150.00")},
    labour_rates={("repair", "CP-400"): D("180.00")},
    parts={"AN-1": ("anode", D("85.50"))},
)
RECORD = ServiceRecord(
    kind="repair",
    region="east",
    product_model="CP-400",
    labour_hours=D("2.50"),
    parts=[domain.PartUse("AN-1", 1)],
    parts_covered=False,
    labour_covered=False,
)


def test_an_invoice_made_from_its_record_has_no_discrepancy() -> None:
    lines = domain.price_service(RECORD, SCHEDULE)
    assert domain.find_discrepancies(lines, lines) == []


def test_a_price_corrected_since_is_a_discrepancy_naming_both_values() -> None:
    invoiced = domain.price_service(RECORD, SCHEDULE)
    corrected = Schedule(
        **{**SCHEDULE.__dict__, "labour_rates": {("repair", "CP-400"): D("160.00")}}
    )
    expected = domain.price_service(RECORD, corrected)
    found = domain.find_discrepancies(expected, invoiced)
    assert [(d.code, d.item, d.expected, d.invoiced) for d in found] == [
        ("unit_price_differs", "CP-400", "160.00", "180.00"),
        ("net_differs", "CP-400", "400.00", "450.00"),
    ]
    invoiced_sum, expected_sum = domain.totals(invoiced), domain.totals(expected)
    assert domain.overcharge(invoiced_sum, expected_sum) == D("56.50")  # 50.00 + 6.50 tax


def test_hours_and_parts_that_differ_from_the_record_are_listed() -> None:
    expected = domain.price_service(RECORD, SCHEDULE)
    more_hours = ServiceRecord(**{**RECORD.__dict__, "labour_hours": D("3.00"), "parts": []})
    invoiced = domain.price_service(more_hours, SCHEDULE)
    found = domain.find_discrepancies(expected, invoiced)
    assert [(d.code, d.kind, d.field) for d in found] == [
        ("quantity_differs", "labour", "quantity"),
        ("net_differs", "labour", "net"),
        ("line_missing", "part", "line"),
    ]
    found_back = domain.find_discrepancies(invoiced, expected)
    assert found_back[-1].code == "line_extra"


def test_an_unpriced_line_is_a_discrepancy() -> None:
    record = ServiceRecord(**{**RECORD.__dict__, "parts": [domain.PartUse("GASKET-9", 2)]})
    lines = domain.price_service(record, SCHEDULE)
    [found] = domain.find_discrepancies(lines, lines)
    assert (found.code, found.kind, found.item) == ("unpriced", "part", "GASKET-9")
