"""Factories for returns's unit tests: the fake unit of work on a fixed clock, requests as
the routes and the escalation handler pass them, and steps as the schemas load them."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from services.returns.events import PUBLISHES
from services.returns.repositories import FakeReturnsUnitOfWork, Schedule
from shared.auth import Principal
from shared.clock import FixedClock
from shared.config import Settings

# Friday 4 December 2026, 10:00 in Shanghai (the default regions' time zone).
START = dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.UTC)
AGENT = Principal(sub="agent-1", roles=frozenset({"agent"}))
ENGINEER = Principal(sub="eng-1", roles=frozenset({"engineer"}))
FINANCE = Principal(sub="fin-1", roles=frozenset({"finance"}))
EAST_AGENT = Principal(sub="agent-east", roles=frozenset({"agent"}), region="east")
CP400_V3 = Schedule(
    version=3,
    effective_from=dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC),
    currency="CNY",
    prices={"CP-400": Decimal("12800.00"), "LT-PIPE": Decimal("950.00")},
)


def make_uow(
    schedules: tuple[Schedule, ...] = (CP400_V3,), **options: str
) -> FakeReturnsUnitOfWork:
    """A fake unit of work at START with these fee schedules."""
    settings = Settings(service="returns", database_url="sqlite://", extra=dict(options))
    return FakeReturnsUnitOfWork(
        PUBLISHES, clock=FixedClock(START), settings=settings, schedules=schedules
    )


def clock_of(uow: FakeReturnsUnitOfWork) -> FixedClock:
    assert isinstance(uow.clock, FixedClock)
    return uow.clock


def return_in(**changes: Any) -> dict[str, Any]:
    """An agent's request as ReturnCreate loads it."""
    body: dict[str, Any] = {
        "kind": "replacement",
        "region": "east",
        "serial_no": "SN-2024-000123",
        "product_model": "CT-100",
        "reason": "coating peels off after six months",
        "purchase_date": dt.date(2025, 3, 1),
        "customer": {"name": "Li Wei", "phone": "+86 138 0000 0000"},
        "evidence": [{"description": "photo of the flange", "reference": "dms://photos/77"}],
    }
    return body | changes


def escalation(**changes: Any) -> dict[str, Any]:
    """A repair.escalated payload as the handler's inbound schema loads it."""
    payload: dict[str, Any] = {
        "work_order_id": uuid.uuid4(),
        "ticket_id": uuid.uuid4(),
        "escalated_to": "replacement",
        "failed_visits": 3,
        "nature": "product_defect",
        "product_model": "CP-400",
        "serial_no": "SN-2024-000123",
        "warranty": {"status": "in_warranty", "parts_covered": True, "labour_covered": False},
        "escalated_at": START - dt.timedelta(hours=1),
        "customer_name": None,
        "customer_phone": None,
    }
    return payload | changes


def appraisal(defect: bool = True, severity: str | None = "high", **changes: Any) -> dict[str, Any]:
    """An appraisal as AppraisalCreate loads it."""
    body: dict[str, Any] = {"quality_defect": defect, "findings": "porous weld under coating"}
    if severity is not None:
        body["severity"] = severity
    return body | changes


REPLACEMENT_TERMS = {"model": "CP-400", "specification": "400 A, marine", "quantity": 1}
REFUND_TERMS = {"return_method": "courier", "refund_date": dt.date(2026, 12, 20)}
SHIPMENT = {"carrier": "SF Express", "tracking_no": "SF1234567890", "new_serial_no": "SN-NEW-1"}
RECEIPT = {"condition_ok": True, "check_notes": "defect confirmed at the weld"}
REFUND = {"amount": Decimal("9800.00"), "method": "bank_transfer", "reference": "TRX-42"}
