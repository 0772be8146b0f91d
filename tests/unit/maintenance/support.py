"""Factories for maintenance's unit tests: the fake unit of work on a fixed clock, assets and
plans made through the use cases, a scheduler run day by day, and a visit's record as
RecordCreate loads it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.maintenance.events import PUBLISHES
from services.maintenance.models import Asset, Plan
from services.maintenance.repositories import FakeMaintenanceUnitOfWork
from services.maintenance.use_cases import create_plan, register_asset, schedule_batch
from shared.auth import Principal
from shared.clock import FixedClock
from shared.config import Settings

# 2026-01-01 02:00 UTC is 10:00 in Asia/Shanghai (every default region's time zone).
START = dt.datetime(2026, 1, 1, 2, 0, tzinfo=dt.UTC)
AGENT = Principal(sub="agent-1", roles=frozenset({"agent"}))
ADMIN = Principal(sub="ops", roles=frozenset({"admin"}))
TECH = Principal(sub="tech-1", roles=frozenset({"technician"}))
EAST_DISPATCHER = Principal(sub="disp-east", roles=frozenset({"manager"}), region="east")
NORTH_DISPATCHER = Principal(sub="disp-north", roles=frozenset({"manager"}), region="north")


def make_uow(**options: str) -> FakeMaintenanceUnitOfWork:
    settings = Settings(service="maintenance", database_url="sqlite://", extra=dict(options))
    return FakeMaintenanceUnitOfWork(PUBLISHES, clock=FixedClock(START), settings=settings)


def clock_of(uow: FakeMaintenanceUnitOfWork) -> FixedClock:
    assert isinstance(uow.clock, FixedClock)
    return uow.clock


def asset_in(**changes: Any) -> dict[str, Any]:
    """An asset as AssetCreate loads it: a cathodic-protection unit on a marine site."""
    return {
        "serial_no": "SN-1",
        "region": "east",
        "product_model": "CP-400",
        "product_type": "cathodic_protection",
        "customer_name": "Li Wei",
        "customer_phone": "+86 138 0000 0000",
        "contact_name": "Wang Jun",
        "site_address": "Berth 4, Ningbo port",
        "environment": "marine",
        "installed_on": dt.date(2025, 12, 15),
    } | changes


def new_asset(uow: FakeMaintenanceUnitOfWork, **changes: Any) -> Asset:
    return register_asset(uow, asset_in=asset_in(**changes), by=AGENT)


def new_plan(uow: FakeMaintenanceUnitOfWork, serial_no: str = "SN-1", **plan_in: Any) -> Plan:
    return create_plan(uow, plan_in={"serial_no": serial_no, **plan_in}, by=ADMIN)


def run_days(uow: FakeMaintenanceUnitOfWork, until: dt.date, *, times: int = 1) -> None:
    """Advance the clock a day at a time (02:00 UTC) up to ``until``, running the scheduler
    ``times`` per day."""
    clock = clock_of(uow)
    while clock.now().date() <= until:
        for _ in range(times):
            schedule_batch(uow)
        clock.advance(days=1)


def announced(uow: FakeMaintenanceUnitOfWork, type_: str) -> list[str]:
    """The due dates of the published events of one type, in order."""
    return [str(e.data["due_date"]) for e in uow.published(type_)]


def record_in(planned: tuple[str, ...], **changes: Any) -> dict[str, Any]:
    """A record as RecordCreate loads it: every task done, nothing wrong."""
    return {
        "tasks": [{"task": t, "done": True, "note": ""} for t in planned],
        "findings": "anode 40% consumed",
        "problems": [],
        "attachments": [],
        "customer_signature": "data:image/png;base64,iVBORw0KGgo=",
        "signed_by": "Wang Jun",
    } | changes
