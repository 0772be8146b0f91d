"""Factories for billing's unit tests: the fake unit of work on a fixed clock, a fee schedule
and the event payloads as billing's inbound schemas load them."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from services.billing.events import PUBLISHES
from services.billing.models import FeeSchedule, Invoice
from services.billing.repositories import FakeBillingUnitOfWork
from services.billing.use_cases import draft_invoice_for_visit, issue_invoice, publish_fee_schedule
from shared.auth import Principal
from shared.clock import FixedClock
from shared.config import Settings

START = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)  # Wednesday 10:00 in Shanghai
CST = dt.timezone(dt.timedelta(hours=8))
FINANCE = Principal(sub="fin-1", roles=frozenset({"finance"}))
EAST_FINANCE = Principal(sub="fin-east", roles=frozenset({"finance"}), region="east")
D = Decimal
OUT_OF_WARRANTY = {"status": "out_of_warranty", "parts_covered": False, "labour_covered": False}
IN_WARRANTY = {"status": "in_warranty", "parts_covered": True, "labour_covered": True}


def make_uow(**options: str) -> FakeBillingUnitOfWork:
    settings = Settings(service="billing", database_url="sqlite://", extra=dict(options))
    return FakeBillingUnitOfWork(PUBLISHES, clock=FixedClock(START), settings=settings)


def clock_of(uow: FakeBillingUnitOfWork) -> FixedClock:
    assert isinstance(uow.clock, FixedClock)
    return uow.clock


def schedule_in(**changes: Any) -> dict[str, Any]:
    """A fee schedule as FeeScheduleUpdate loads it (in force from 1 Nov, Shanghai time)."""
    body: dict[str, Any] = {
        "effective_from": dt.datetime(2026, 11, 1, tzinfo=CST),
        "currency": "CNY",
        "callout_fees": [{"region": "east", "amount": D("150.00")}],
        "labour_rates": [
            {"service_kind": "repair", "product_type": "CP-400", "rate_per_hour": D("180.00")},
            {"service_kind": "repair", "product_type": "*", "rate_per_hour": D("160.00")},
            {"service_kind": "maintenance", "product_type": "*", "rate_per_hour": D("120.00")},
        ],
        "parts": [
            {"part_no": "CP-400-ANODE", "description": "zinc anode", "price": D("85.50")},
            {"part_no": "SEALANT-7", "description": "sealant", "price": D("12.35")},
        ],
        "products": [{"model": "CP-400", "price": D("12800.00")}],
    }
    return body | changes


def published(uow: FakeBillingUnitOfWork, **changes: Any) -> FeeSchedule:
    return publish_fee_schedule(uow, schedule_in=schedule_in(**changes), by=FINANCE)


def completed(**changes: Any) -> dict[str, Any]:
    """A repair.completed as RepairCompletedIn loads it: out of warranty, 2.5 h, an anode and
    two tubes of sealant, finished on 30 Nov."""
    body: dict[str, Any] = {
        "work_order_id": uuid.uuid4(),
        "ticket_id": uuid.uuid4(),
        "kind": "repair",
        "visit_number": 1,
        "technician_id": uuid.uuid4(),
        "work_performed": "replaced anode, sealed flange",
        "labour_hours": D("2.50"),
        "parts": [
            {"part_no": "CP-400-ANODE", "quantity": 1, "genuine": True},
            {"part_no": "SEALANT-7", "quantity": 2, "genuine": False},
        ],
        "finished_at": dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC),
        "warranty": OUT_OF_WARRANTY,
        "product_model": "CP-400",
        "serial_no": "SN-1",
    }
    return body | changes


def drafted(uow: FakeBillingUnitOfWork, region: str = "east", **changes: Any) -> Invoice:
    invoice = draft_invoice_for_visit(uow, region=region, completed=completed(**changes))
    assert invoice is not None
    return invoice


def issued(uow: FakeBillingUnitOfWork, region: str = "east", **changes: Any) -> Invoice:
    invoice = drafted(uow, region, **changes)
    return issue_invoice(uow, invoice_id=invoice.id, issue_in={}, by=FINANCE)


def lines_of(invoice: Invoice) -> list[tuple[str, str, str, str, str, str, bool]]:
    """(kind, code, quantity, unit price, net, tax, covered) per line, as text."""
    return [
        (
            ln.kind,
            ln.code,
            str(ln.quantity),
            str(ln.unit_price),
            str(ln.net),
            str(ln.tax),
            ln.covered,
        )
        for ln in invoice.lines
    ]
