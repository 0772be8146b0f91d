"""The arithmetic, hand-computed: tax-exclusive prices, each line rounded half-up to the cent,
totals as the sums of the printed lines; warranty-covered lines at zero; the discrepancies
between an invoice and what its record calls for."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

import pytest

from services.billing import domain
from services.billing.domain import PartUse, Schedule, ServiceRecord
from shared.errors import InvalidInput

D = Decimal
SCHEDULE = Schedule(
    number=1,
    currency="CNY",
    tax_rate=D("0.13"),
    callout_fees={"east": D("150.00")},
    labour_rates={("repair", "CP-400"): D("180.00"), ("repair", "*"): D("160.00")},
    parts={"CP-400-ANODE": ("zinc anode", D("85.50")), "SEALANT-7": ("sealant", D("12.35"))},
    products={"CP-400": D("12800.00")},
)


def record(**changes: object) -> ServiceRecord:
    values: dict[str, object] = {
        "kind": "repair",
        "region": "east",
        "product_model": "CP-400",
        "labour_hours": D("2.50"),
        "parts": [PartUse("CP-400-ANODE", 1), PartUse("SEALANT-7", 2, genuine=False)],
        "parts_covered": False,
        "labour_covered": False,
    }
    return ServiceRecord(**(values | changes))  # type: ignore[arg-type]


def rows(lines: list[domain.Line]) -> list[tuple[str, str, str, str, bool]]:
    return [(ln.kind, ln.code, str(ln.net), str(ln.tax), ln.covered) for ln in lines]


def test_an_out_of_warranty_repair_is_itemised_and_taxed_line_by_line() -> None:
    lines = domain.price_service(record(), SCHEDULE)
    # 150.00 x 13% = 19.50; 2.5 h x 180 = 450.00 (58.50); 85.50 x 13% = 11.115 -> 11.12;
    # 2 x 12.35 = 24.70, x 13% = 3.211 -> 3.21
    assert rows(lines) == [
        ("callout", "east", "150.00", "19.50", False),
        ("labour", "CP-400", "450.00", "58.50", False),
        ("part", "CP-400-ANODE", "85.50", "11.12", False),
        ("part", "SEALANT-7", "24.70", "3.21", False),
    ]
    assert lines[3].description == "sealant (non-genuine)"
    sums = domain.totals(lines)
    assert (sums.net, sums.tax, sums.gross) == (D("710.20"), D("92.33"), D("802.53"))


def test_mixed_warranty_shows_covered_parts_at_zero_with_the_reason() -> None:
    lines = domain.price_service(record(parts_covered=True), SCHEDULE)
    assert rows(lines) == [
        ("callout", "east", "150.00", "19.50", False),
        ("labour", "CP-400", "450.00", "58.50", False),
        ("part", "CP-400-ANODE", "0.00", "0.00", True),
        ("part", "SEALANT-7", "0.00", "0.00", True),
    ]
    assert lines[2].unit_price == D("85.50")  # the list price is still shown
    assert lines[2].coverage_reason == "covered by warranty: parts"
    assert domain.totals(lines).gross == D("678.00")


def test_labour_cover_takes_the_call_out_with_it() -> None:
    lines = domain.price_service(record(labour_covered=True), SCHEDULE)
    assert [ln.covered for ln in lines] == [True, True, False, False]
    assert lines[0].coverage_reason == "covered by warranty: labour and call-out"
    assert domain.totals(lines).gross == D("85.50") + D("11.12") + D("24.70") + D("3.21")


@pytest.mark.parametrize(
    ("quantity", "price", "rate", "net", "tax"),
    [
        ("0.25", "0.50", "0.13", "0.13", "0.02"),  # 0.125 -> 0.13 (half-even would say 0.12)
        ("1", "0.50", "0.13", "0.50", "0.07"),  # tax 0.065 -> 0.07 (half-even: 0.06)
        ("1.75", "33.33", "0.13", "58.33", "7.58"),  # 58.3275 -> 58.33; 7.5829 -> 7.58
        ("3", "19.99", "0.06", "59.97", "3.60"),  # 3.5982 -> 3.60
        ("1", "100.00", "0", "100.00", "0.00"),
    ],
)
def test_each_line_rounds_half_up_to_the_cent(
    quantity: str, price: str, rate: str, net: str, tax: str
) -> None:
    ln = domain.line("part", "X", "x", D(quantity), D(price), tax_rate=D(rate))
    assert (str(ln.net), str(ln.tax)) == (net, tax)


def test_half_up_is_not_bankers_rounding() -> None:
    assert domain.to_cents(D("0.125")) == D("0.13")
    assert D("0.125").quantize(D("0.01"), rounding=ROUND_HALF_EVEN) == D("0.12")
    assert domain.to_cents(D("-0.125")) == D("-0.13")  # away from zero, both ways


def test_totals_are_the_sums_of_the_rounded_lines() -> None:
    schedule = Schedule(
        number=1,
        currency="CNY",
        tax_rate=D("0.13"),
        parts={p: ("", D("0.50")) for p in ("A", "B", "C")},
    )
    parts = [PartUse(p, 1) for p in ("A", "B", "C")]
    lines = domain.price_service(record(parts=parts, labour_hours=D(0)), schedule)
    # each part's tax 0.065 -> 0.07, three lines 0.21; taxing the 1.50 total would give 0.20
    assert domain.totals(lines).tax == D("0.21")
    assert domain.tax_on(D("1.50"), D("0.13")) == D("0.20")


def test_an_item_without_a_price_is_invoiced_at_zero_and_warned_about() -> None:
    lines = domain.price_service(record(parts=[PartUse("GASKET-9", 1)], region="north"), SCHEDULE)
    assert rows(lines)[0] == ("callout", "north", "0.00", "0.00", False)
    assert domain.unpriced(lines) == [
        "callout north: no price in the fee schedule in force",
        "part GASKET-9: no price in the fee schedule in force",
    ]


def test_a_product_without_its_own_rate_takes_the_kinds_rate_for_any_product() -> None:
    lines = domain.price_service(record(product_model="TANK-2", parts=[]), SCHEDULE)
    assert (lines[1].unit_price, lines[1].net) == (D("160.00"), D("400.00"))


def test_a_paid_replacement_uses_the_appraised_price_else_the_schedules() -> None:
    [given] = domain.price_replacement("CP-400", 1, D("9999.99"), SCHEDULE)
    [listed] = domain.price_replacement("CP-400", 1, None, SCHEDULE)
    assert (given.net, given.tax) == (D("9999.99"), D("1300.00"))  # 1299.9987 -> 1300.00
    assert (listed.net, listed.tax) == (D("12800.00"), D("1664.00"))


def test_a_refund_splits_into_net_and_tax_that_add_up() -> None:
    assert domain.split_gross(D("9800.00"), D("0.13")) == (D("8672.57"), D("1127.43"))
    assert domain.split_gross(D("1.00"), D("0.13")) == (D("0.88"), D("0.12"))


@pytest.mark.parametrize(
    ("total", "paid", "credited", "status"),
    [
        ("678.00", "0", "0", "issued"),
        ("678.00", "300.00", "0", "partially_paid"),
        ("678.00", "678.00", "0", "paid"),
        ("678.00", "600.00", "78.00", "paid"),
        ("678.00", "0", "678.00", "credited"),
        ("0.00", "0", "0", "paid"),
    ],
)
def test_an_invoice_is_paid_when_settled(total: str, paid: str, credited: str, status: str) -> None:
    assert domain.settled_status(D(total), D(paid), D(credited)) == status


def test_an_overpayment_and_a_foreign_currency_are_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as over:
        domain.check_payment(D("378.01"), "CNY", due=D("378.00"), invoice_currency="CNY")
    assert over.value.errors == {"amount": ["exceeds the outstanding 378.00 CNY"]}
    with pytest.raises(InvalidInput) as foreign:
        domain.check_payment(D("10.00"), "USD", due=D("378.00"), invoice_currency="CNY")
    assert foreign.value.errors == {"currency": ["must be CNY"]}
    domain.check_payment(D("378.00"), "CNY", due=D("378.00"), invoice_currency="CNY")


def test_numbers_are_per_series_year_and_region_in_the_regions_time_zone() -> None:
    assert domain.document_number("INV", 2026, "east", 42) == "INV-2026-EAST-000042"
    shanghai = ZoneInfo("Asia/Shanghai")
    new_years_eve = dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)  # 00:30 on 1 Jan there
    assert domain.numbering_year(new_years_eve, shanghai) == 2027
    assert domain.numbering_year(new_years_eve, dt.UTC) == 2026


def test_the_tax_rate_option_is_a_fraction() -> None:
    assert domain.parse_tax_rate("0.13") == D("0.13")
    for bad in ("13", "-0.1", "NaN", "thirteen"):
        with pytest.raises(ValueError, match="tax rate"):
            domain.parse_tax_rate(bad)


def test_a_maintenance_visit_has_no_call_out() -> None:
    schedule = Schedule(**{**SCHEDULE.__dict__, "labour_rates": {("maintenance", "*"): D("120")}})
    lines = domain.price_service(record(kind="maintenance", parts=[]), schedule)
    assert rows(lines) == [("labour", "CP-400", "300.00", "39.00", False)]  # 2.5 h x 120.00
