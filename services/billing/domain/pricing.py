"""Pricing work with the fee schedule in force when it was done: the itemised lines of a draft
invoice (call-out, labour, parts; a paid replacement), warranty-covered lines at zero.

Prices are tax-exclusive: each line's net is quantity x unit price rounded half-up to the
cent, its tax the net x rate rounded the same way, and an invoice's totals are the sums of
its lines (see ``money.to_cents``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from services.billing.domain.money import ZERO, tax_on, to_cents

CALLOUT, LABOUR, PART, REPLACEMENT = "callout", "labour", "part", "replacement"
LINE_KINDS = (CALLOUT, LABOUR, PART, REPLACEMENT)
SERVICE_KINDS = ("repair", "maintenance")
# A labour rate for every product type of a service kind that has no rate of its own.
ANY_PRODUCT = "*"
LABOUR_COVERED = "covered by warranty: labour and call-out"
PARTS_COVERED = "covered by warranty: parts"


@dataclass(frozen=True)
class Schedule:
    """The prices of one fee-schedule version (``number`` None: no schedule in force)."""

    number: int | None
    currency: str
    tax_rate: Decimal
    callout_fees: Mapping[str, Decimal] = field(default_factory=dict)
    labour_rates: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)
    parts: Mapping[str, tuple[str, Decimal]] = field(default_factory=dict)
    products: Mapping[str, Decimal] = field(default_factory=dict)

    def labour_rate(self, service_kind: str, product_type: str) -> Decimal | None:
        """The hourly rate for a product type, else the service kind's rate for any product."""
        rates = self.labour_rates
        return rates.get((service_kind, product_type), rates.get((service_kind, ANY_PRODUCT)))


@dataclass(frozen=True)
class PartUse:
    part_no: str
    quantity: int
    genuine: bool = True


@dataclass(frozen=True)
class ServiceRecord:
    """What a visit's repair record says was done (billing's copy of ``repair.completed``)."""

    kind: str
    region: str
    product_model: str
    labour_hours: Decimal
    parts: Sequence[PartUse]
    parts_covered: bool
    labour_covered: bool


@dataclass(frozen=True)
class Line:
    """One itemised line: what, how many, at what price, and its net and tax in cents."""

    kind: str
    code: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    net: Decimal
    tax: Decimal
    covered: bool = False
    coverage_reason: str | None = None
    priced: bool = True

    @property
    def key(self) -> tuple[str, str]:
        """What a line is about: its kind and code (region, product type, part number)."""
        return self.kind, self.code


def line(
    kind: str,
    code: str,
    description: str,
    quantity: Decimal,
    unit_price: Decimal | None,
    *,
    tax_rate: Decimal,
    covered_by: str | None = None,
) -> Line:
    """A line priced half-up to the cent; covered lines (and unpriced ones) are at zero."""
    price = unit_price if unit_price is not None else ZERO
    net = ZERO if covered_by else to_cents(quantity * price)
    return Line(
        kind=kind,
        code=code,
        description=description,
        quantity=quantity,
        unit_price=to_cents(price),
        net=net,
        tax=tax_on(net, tax_rate),
        covered=covered_by is not None,
        coverage_reason=covered_by,
        priced=unit_price is not None,
    )


def price_service(record: ServiceRecord, schedule: Schedule) -> list[Line]:
    """The lines of a visit: the region's call-out fee (a repair visit only: a planned
    maintenance visit is the company's own appointment), labour hours at the rate of the
    service kind and product type, each part at its list price. The call-out follows the
    labour's warranty cover (the journey is part of the labour)."""
    rate = schedule.tax_rate
    labour_cover = LABOUR_COVERED if record.labour_covered else None
    parts_cover = PARTS_COVERED if record.parts_covered else None
    kind = "maintenance" if record.kind == "maintenance" else "repair"
    lines = [] if kind == "maintenance" else [_callout(record, schedule, labour_cover)]
    lines.append(
        line(
            LABOUR,
            record.product_model,
            f"{kind} labour, {record.product_model}",
            record.labour_hours,
            schedule.labour_rate(kind, record.product_model),
            tax_rate=rate,
            covered_by=labour_cover,
        )
    )
    for part in record.parts:
        description, price = schedule.parts.get(part.part_no, ("", None))
        name = description or part.part_no
        if not part.genuine:
            name += " (non-genuine)"
        quantity = Decimal(part.quantity)
        lines.append(
            line(PART, part.part_no, name, quantity, price, tax_rate=rate, covered_by=parts_cover)
        )
    return lines


def _callout(record: ServiceRecord, schedule: Schedule, cover: str | None) -> Line:
    return line(
        CALLOUT,
        record.region,
        f"call-out fee ({record.region})",
        Decimal(1),
        schedule.callout_fees.get(record.region),
        tax_rate=schedule.tax_rate,
        covered_by=cover,
    )


def price_replacement(
    model: str, quantity: int, price: Decimal | None, schedule: Schedule
) -> list[Line]:
    """A paid replacement: the appraisal's price, else the schedule's price of the model."""
    unit = price if price is not None else schedule.products.get(model)
    description = f"replacement unit, {model}"
    return [
        line(REPLACEMENT, model, description, Decimal(quantity), unit, tax_rate=schedule.tax_rate)
    ]


@dataclass(frozen=True)
class Totals:
    net: Decimal
    tax: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


def totals(lines: Sequence[Line]) -> Totals:
    """An invoice's totals: the sums of its printed (already rounded) lines."""
    return Totals(net=sum((ln.net for ln in lines), ZERO), tax=sum((ln.tax for ln in lines), ZERO))


def unpriced(lines: Sequence[Line]) -> list[str]:
    """Warnings for the lines the schedule had no price for (invoiced at zero)."""
    return [
        f"{ln.kind} {ln.code}: no price in the fee schedule in force"
        for ln in lines
        if not ln.priced and not ln.covered
    ]
