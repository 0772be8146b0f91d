"""Factories for dispatch's unit tests: the fake unit of work on a fixed clock, technicians
and work orders built by hand, the inputs the routes and handlers would pass, and a whole
visit (scheduled, checked in, recorded) for tests that need one behind them."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from services.dispatch.events import PUBLISHES
from services.dispatch.models import Technician, TechnicianSkill, WorkOrder
from services.dispatch.repositories import FakeDispatchUnitOfWork
from services.dispatch.use_cases import check_in, complete_visit, schedule_visit
from shared.auth import Principal
from shared.clock import FixedClock
from shared.config import Settings
from shared.price_book import Schedule

START = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)  # a Monday, 08:00 UTC
HOUR = dt.timedelta(hours=1)
AGENT = Principal(sub="agent-1", roles=frozenset({"agent"}))
ADMIN = Principal(sub="ops", roles=frozenset({"admin"}))
EAST_MANAGER = Principal(sub="boss-east", roles=frozenset({"manager"}), region="east")
WARRANTIES = {
    "in_warranty": {"status": "in_warranty", "parts_covered": True, "labour_covered": True},
    "out_of_warranty": {
        "status": "out_of_warranty",
        "parts_covered": False,
        "labour_covered": False,
    },
}


def make_uow(
    *,
    technicians: tuple[Technician, ...] = (),
    work_orders: tuple[WorkOrder, ...] = (),
    schedules: tuple[Schedule, ...] = (),
    **options: str,
) -> FakeDispatchUnitOfWork:
    """A fake unit of work at START, holding these technicians, work orders and fee
    schedules."""
    settings = Settings(service="dispatch", database_url="sqlite://", extra=dict(options))
    return FakeDispatchUnitOfWork(
        PUBLISHES,
        clock=FixedClock(START),
        settings=settings,
        technicians=technicians,
        work_orders=work_orders,
        schedules=schedules,
    )


def clock_of(uow: FakeDispatchUnitOfWork) -> FixedClock:
    assert isinstance(uow.clock, FixedClock)
    return uow.clock


def technician(
    name: str,
    *,
    region: str = "east",
    skills: tuple[str, ...] = ("coating",),
    active: bool = True,
    kind: str = "employee",
    login: str | None = "",
) -> Technician:
    """A technician whose login is ``tech-<name>`` (unless ``login`` says otherwise) and whose
    work ID is ``W-<NAME>``."""
    return Technician(
        id=uuid.uuid4(),
        name=name,
        kind=kind,
        region=region,
        active=active,
        phone=None,
        user_sub=f"tech-{name}" if login == "" else login,
        work_id=f"W-{name.upper()}",
        created_at=START,
        skill_rows=[TechnicianSkill(skill=s) for s in skills],
    )


def as_technician(tech: Technician) -> Principal:
    assert tech.user_sub is not None
    return Principal(sub=tech.user_sub, roles=frozenset({"technician"}))


def repair(
    *,
    region: str = "east",
    nature: str = "wear",
    warranty: str = "in_warranty",
    serial_no: str | None = "SN-1",
    required_skill: str | None = "coating",
    status: str = "unscheduled",
    **changes: Any,
) -> WorkOrder:
    """An open repair work order, as a ticket.solution_accepted would have opened it."""
    covered = warranty == "in_warranty"
    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "kind": "repair",
        "status": status,
        "region": region,
        "source_event_id": str(uuid.uuid4()),
        "ticket_id": uuid.uuid4(),
        "priority": "normal",
        "nature": nature,
        "severity": "minor",
        "required_skill": required_skill,
        "estimated_hours": Decimal("2.50"),
        "parts_likely": ["CP-400-ANODE"],
        "product_model": "CP-400",
        "serial_no": serial_no,
        "customer_name": "Li Wei",
        "customer_phone": None,
        "warranty_status": warranty,
        "parts_covered": covered,
        "labour_covered": covered,
        "repeat_of": None,
        "visit_count": 0,
        "opened_at": START,
        "version": 0,
    }
    return WorkOrder(**(fields | changes))


def window(
    start: dt.datetime,
    length: dt.timedelta = 2 * HOUR,
    *,
    technician_id: uuid.UUID | None = None,
    by_customer: bool = False,
) -> dict[str, Any]:
    """A schedule request as ScheduleCreate loads it: agreed by phone; a move says who asked
    for it (the customer when ``by_customer``, else the company) and why."""
    schedule_in: dict[str, Any] = {
        "window_start": start,
        "window_end": start + length,
        "agreed_via": "phone",
        "requested_by": "customer" if by_customer else "company",
        "reason": "the customer is away" if by_customer else "the technician is off sick",
    }
    if technician_id is not None:
        schedule_in["technician_id"] = technician_id
    return schedule_in


def arrival(
    at: dt.datetime | None = None, *, model: str = "CP-400", work_id: str = "W-DONG"
) -> dict[str, Any]:
    """A check-in as CheckInCreate loads it (no ``arrived_at``: now), by Dong unless another
    work ID is shown, the symptom confirmed."""
    check_in_in: dict[str, Any] = {
        "identity_verified": True,
        "work_id_shown": work_id,
        "product_model": model,
        "symptom_check": {"confirmed": True, "observed": "blistering along the weld seam"},
    }
    if at is not None:
        check_in_in["arrived_at"] = at
    return check_in_in


def repair_record(
    started_at: dt.datetime,
    finished_at: dt.datetime,
    result: str = "fixed",
    parts: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    """A repair record as CompletionCreate loads it (no parts unless given)."""
    return {
        "work_performed": "replaced anode, touched up coating",
        "parts": list(parts),
        "labour_hours": Decimal("1.50"),
        "started_at": started_at,
        "finished_at": finished_at,
        "result": result,
        "customer_signature": "data:image/png;base64,iVBORw0KGgo=",
    }


COVERED_ANODE = {
    "part_no": "CP-400-ANODE",
    "quantity": 1,
    "genuine": True,
    "reason": "anode consumed",
    "covered_by_warranty": True,
}


def answer(accepted: bool, rating: int = 4, **changes: Any) -> dict[str, Any]:
    """The customer's answer as AcceptanceCreate loads it."""
    answer_in: dict[str, Any] = {"accepted": accepted, "rating": rating}
    if not accepted:
        answer_in["reason"] = "still leaking at the flange"
    return answer_in | changes


def whole_visit(
    uow: FakeDispatchUnitOfWork, work_order: WorkOrder, tech: Technician, result: str
) -> None:
    """Book ``tech`` for now+1h to now+3h, arrive at now+2h, record ``result`` at now+3h
    (work from arrival until then): three commits."""
    clock = clock_of(uow)
    booking = window(clock.now() + HOUR, technician_id=tech.id)
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=booking, by=AGENT)
    clock.advance(hours=2)
    shown = arrival(work_id=tech.work_id)
    check_in(uow, work_order_id=work_order.id, check_in_in=shown, by=as_technician(tech))
    clock.advance(hours=1)
    record = repair_record(clock.now() - HOUR, clock.now(), result)
    complete_visit(uow, work_order_id=work_order.id, record_in=record, by=as_technician(tech))


def trail(uow: FakeDispatchUnitOfWork) -> list[tuple[str, int | None, int | None]]:
    """The published events as (type, visit number, sequence), in order."""
    return [(e.type, e.data.get("visit_number"), e.sequence) for e in uow.published()]
