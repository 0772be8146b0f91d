"""A November of kpi aggregates, kept small enough to work every expected value out by hand.

Monthly aggregates, 2026-11 unless said otherwise (count / hits / total):

| region | technician | measure            | count | hits | total |
|--------|------------|--------------------|-------|------|-------|
| east   | TECH_A     | visits             | 4     | 3    | 0     |
| east   | TECH_A     | work_orders        | 2     | 1    | 0     |
| east   | TECH_A     | csat               | 3     | 2    | 13    |  ratings 5, 5, 3
| east   | TECH_A     | repair_time        | 1     | 0    | 7200  |  two hours
| east   | (none)     | complaints         | 2     | 1    | 0     |
| east   | (none)     | complaint_feedback | 2     | 1    | 7     |  ratings 5, 2
| east   | (none)     | first_response     | 3     | 2    | 0     |
| north  | TECH_B     | visits             | 1     | 1    | 0     |
| north  | TECH_B     | csat               | 1     | 1    | 5     |
| north  | TECH_B     | repeat_visits      | 2     | 1    | 0     |
| north  | TECH_B     | followup           | 2     | 1    | 7     |  ratings 4, 3
| east   | TECH_A     | visits (2026-10)   | 10    | 0    | 0     |  another month

Past a deadline (November's): an open complaint in east (an hour ago) and one in north (two
days ago), one in east not due for another hour; an unanswered ticket in north (an hour ago).
Backlog now: east 3 tickets and 2 work orders, north 1 ticket.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.kpi.domain.definitions import KPI_DEFINITIONS
from services.kpi.events import PUBLISHES
from services.kpi.models import (
    Backlog,
    Complaint,
    DefinitionVersion,
    MonthlyAggregate,
    Ticket,
    WorkOrder,
)
from services.kpi.repositories import FakeKpiUnitOfWork, KpiTables
from shared.auth import Principal
from shared.clock import FixedClock
from shared.config import Settings

NOW = dt.datetime(2026, 11, 28, 4, 0, tzinfo=dt.UTC)  # noon in Shanghai
HOUR = dt.timedelta(hours=1)
MONTH = "2026-11"
TECH_A, TECH_B = "tech-a", "tech-b"
REGIONS = ("east", "north", "south")
ADMIN = Principal("admin-1", frozenset({"admin"}))
EAST_MANAGER = Principal("manager-e", frozenset({"manager"}), region="east")


def monthly(
    region: str, technician: str, measure: str, count: int, hits: int = 0, total: int = 0
) -> MonthlyAggregate:
    return MonthlyAggregate(
        month=MONTH,
        region=region,
        technician=technician,
        measure=measure,
        count=count,
        hits=hits,
        total=total,
    )


def november() -> KpiTables:
    """The month above."""
    october = monthly("east", TECH_A, "visits", 10)
    october.month = "2026-10"
    return KpiTables(
        monthly=[
            monthly("east", TECH_A, "visits", 4, 3),
            monthly("east", TECH_A, "work_orders", 2, 1),
            monthly("east", TECH_A, "csat", 3, 2, 13),
            monthly("east", TECH_A, "repair_time", 1, 0, 7200),
            monthly("east", "", "complaints", 2, 1),
            monthly("east", "", "complaint_feedback", 2, 1, 7),
            monthly("east", "", "first_response", 3, 2),
            monthly("north", TECH_B, "visits", 1, 1),
            monthly("north", TECH_B, "csat", 1, 1, 5),
            monthly("north", TECH_B, "repeat_visits", 2, 1),
            monthly("north", TECH_B, "followup", 2, 1, 7),
            october,
        ],
        complaints=[
            overdue_complaint("c-1", "east", NOW - HOUR),
            overdue_complaint("c-2", "north", NOW - 48 * HOUR),
            overdue_complaint("c-3", "east", NOW + HOUR),
        ],
        tickets=[
            Ticket(
                ticket_id="t-1",
                region="north",
                awaiting_month=MONTH,
                awaiting_response_due=NOW - HOUR,
            )
        ],
        backlog=[
            Backlog(service="intake", region="east", open=3),
            Backlog(service="dispatch", region="east", open=2),
            Backlog(service="intake", region="north", open=1),
        ],
        definitions=[
            DefinitionVersion(name=name, version=version, built_at=NOW - 24 * HOUR)
            for name, version in KPI_DEFINITIONS.items()
        ],
    )


def overdue_complaint(complaint_id: str, region: str, due: dt.datetime) -> Complaint:
    return Complaint(complaint_id=complaint_id, region=region, overdue_month=MONTH, overdue_at=due)


def completed(work_order_id: str, region: str, month: str = MONTH, **kw: Any) -> WorkOrder:
    """A work order whose latest repair record falls in ``month``."""
    return WorkOrder(work_order_id=work_order_id, region=region, completed_month=month, **kw)


def fake_uow(tables: KpiTables | None = None, **options: str) -> FakeKpiUnitOfWork:
    """kpi's unit of work in memory at ``NOW``, three regions configured, with ``options``."""
    settings = Settings(service="kpi", database_url="sqlite://", regions=REGIONS, extra=options)
    return FakeKpiUnitOfWork(
        PUBLISHES, clock=FixedClock(NOW), settings=settings, tables=tables or november()
    )
