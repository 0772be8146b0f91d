"""Work orders opened by events (ticket.solution_accepted, maintenance.visit_due): what
they hold, once per event, never a second open one for the same ticket or due visit, and
repeats of a recent accepted repair."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from services.dispatch.handlers import on_maintenance_visit_due, on_ticket_solution_accepted
from services.dispatch.use_cases import open_maintenance_work_order, open_repair_work_order
from shared.events import Delivery, Event
from tests.unit.dispatch.support import START, WARRANTIES, make_uow, repair

DAY = dt.timedelta(days=1)


def solution(**changes: Any) -> dict[str, Any]:
    """A ticket.solution_accepted payload as SolutionAcceptedIn loads it."""
    payload: dict[str, Any] = {
        "ticket_id": uuid.uuid4(),
        "priority": "high",
        "nature": "installation",
        "severity": "major",
        "visit_needed": True,
        "required_skill": " Coating ",
        "estimated_hours": Decimal("2.50"),
        "parts_likely": ["CP-400-ANODE"],
        "product_model": "CP-400",
        "serial_no": "SN-77",
        "warranty": WARRANTIES["in_warranty"],
        "customer_name": "Li Wei",
        "customer_phone": "+86 139 0000 0000",
        "accepted_at": START,
    }
    return payload | changes


def visit_due(**changes: Any) -> dict[str, Any]:
    """A maintenance.visit_due payload as VisitDueIn loads it."""
    payload: dict[str, Any] = {
        "plan_id": uuid.uuid4(),
        "serial_no": "SN-9",
        "product_model": "CP-400",
        "customer_name": "Zhang Min",
        "customer_phone": None,
        "due_date": dt.date(2026, 12, 1),
        "tasks": ["cleaning", "anode_check"],
        "required_skill": " Cathodic_Protection",
        "estimated_hours": Decimal("1.00"),
    }
    return payload | changes


# -- repairs -------------------------------------------------------------------------------------
def test_accepted_solution_opens_an_unscheduled_repair_work_order() -> None:
    uow = make_uow()
    payload = solution()

    opened = open_repair_work_order(uow, source_event_id="ev-1", region="south", solution=payload)

    assert opened is not None and isinstance(opened.id, uuid.UUID)
    assert uow.work_orders.get(opened.id) is opened
    assert (opened.kind, opened.status, opened.region) == ("repair", "unscheduled", "south")
    assert opened.source_event_id == "ev-1" and opened.ticket_id == payload["ticket_id"]
    assert (opened.priority, opened.nature, opened.severity) == ("high", "installation", "major")
    assert opened.required_skill == "coating"
    assert opened.estimated_hours == Decimal("2.50") and opened.parts_likely == ["CP-400-ANODE"]
    assert (opened.product_model, opened.serial_no) == ("CP-400", "SN-77")
    assert (opened.customer_name, opened.customer_phone) == ("Li Wei", "+86 139 0000 0000")
    assert opened.warranty == WARRANTIES["in_warranty"]
    assert opened.plan_id is None and opened.tasks is None and opened.due_date is None
    assert opened.visit_count == 0 and opened.visits == [] and opened.repeat_of is None
    assert opened.opened_at == START and opened.version == 0 and opened.technician_id is None
    assert uow.commits == 1 and uow.published() == []


def test_the_same_event_delivered_again_opens_nothing_more() -> None:
    uow = make_uow()
    payload = solution()

    first = open_repair_work_order(uow, source_event_id="ev-1", region="south", solution=payload)
    again = open_repair_work_order(uow, source_event_id="ev-1", region="south", solution=payload)

    assert again is first
    assert len(list(uow.work_orders.where(lambda w: True))) == 1 and uow.commits == 1


def test_a_ticket_has_one_open_work_order_until_it_is_finished() -> None:
    ticket_id = uuid.uuid4()
    uow = make_uow()

    first = open_repair_work_order(
        uow, source_event_id="ev-1", region="east", solution=solution(ticket_id=ticket_id)
    )
    same_ticket = open_repair_work_order(
        uow, source_event_id="ev-2", region="east", solution=solution(ticket_id=ticket_id)
    )
    assert first is not None and same_ticket is first and uow.commits == 1

    first.status = "escalated"
    after_escalation = open_repair_work_order(
        uow, source_event_id="ev-3", region="east", solution=solution(ticket_id=ticket_id)
    )
    assert after_escalation is not None and after_escalation is not first
    assert after_escalation.source_event_id == "ev-3" and uow.commits == 2


def test_a_solution_with_no_visit_opens_nothing() -> None:
    uow = make_uow()

    opened = open_repair_work_order(
        uow, source_event_id="ev-1", region="east", solution=solution(visit_needed=False)
    )

    assert opened is None and uow.commits == 0
    assert list(uow.work_orders.where(lambda w: True)) == []


def test_a_blank_required_skill_means_none() -> None:
    uow = make_uow()

    opened = open_repair_work_order(
        uow, source_event_id="ev-1", region="east", solution=solution(required_skill="   ")
    )

    assert opened is not None and opened.required_skill is None


def test_a_repair_within_30_days_of_an_accepted_one_on_the_serial_is_a_repeat() -> None:
    recent = repair(serial_no="SN-R", status="accepted", accepted_at=START - 20 * DAY)
    earlier = repair(serial_no="SN-R", status="accepted", accepted_at=START - 29 * DAY)
    exactly_30 = repair(serial_no="SN-30", status="accepted", accepted_at=START - 30 * DAY)
    too_old = repair(
        serial_no="SN-O", status="accepted", accepted_at=START - 30 * DAY - dt.timedelta(seconds=1)
    )
    rejected = repair(serial_no="SN-X", status="unscheduled")
    maintenance = repair(
        serial_no="SN-M", kind="maintenance", status="accepted", accepted_at=START - DAY
    )
    uow = make_uow(work_orders=(earlier, recent, exactly_30, too_old, rejected, maintenance))

    def repeat_of(serial_no: str) -> uuid.UUID | None:
        opened = open_repair_work_order(
            uow,
            source_event_id=str(uuid.uuid4()),
            region="east",
            solution=solution(serial_no=serial_no),
        )
        assert opened is not None
        return opened.repeat_of

    # Two accepted repairs on SN-R: the one accepted last (20 days ago) is the original.
    assert repeat_of("SN-R") == recent.id
    assert repeat_of("SN-30") == exactly_30.id
    assert repeat_of("SN-O") is None
    assert repeat_of("SN-X") is None
    assert repeat_of("SN-M") is None
    assert repeat_of("SN-NEW") is None


def test_an_acceptance_after_the_solution_is_no_original() -> None:
    later = repair(serial_no="SN-L", status="accepted", accepted_at=START + DAY)
    uow = make_uow(work_orders=(later,))

    opened = open_repair_work_order(
        uow, source_event_id="ev-1", region="east", solution=solution(serial_no="SN-L")
    )

    assert opened is not None and opened.repeat_of is None


def test_a_solution_without_serial_is_never_a_repeat() -> None:
    uow = make_uow(work_orders=(repair(serial_no=None, status="accepted", accepted_at=START),))

    opened = open_repair_work_order(
        uow, source_event_id="ev-1", region="east", solution=solution(serial_no=None)
    )

    assert opened is not None and opened.repeat_of is None


# -- maintenance ---------------------------------------------------------------------------------
def test_due_maintenance_opens_a_maintenance_work_order() -> None:
    uow = make_uow()
    payload = visit_due()

    opened = open_maintenance_work_order(
        uow, source_event_id="ev-9", region="north", visit_due=payload
    )

    assert (opened.kind, opened.status, opened.region) == ("maintenance", "unscheduled", "north")
    assert opened.plan_id == payload["plan_id"] and opened.ticket_id is None
    assert opened.tasks == ["cleaning", "anode_check"]
    assert opened.due_date == dt.date(2026, 12, 1)
    assert opened.required_skill == "cathodic_protection"
    assert opened.estimated_hours == Decimal("1.00")
    assert (opened.serial_no, opened.product_model, opened.customer_name) == (
        "SN-9",
        "CP-400",
        "Zhang Min",
    )
    assert opened.warranty == {"status": "unknown", "parts_covered": False, "labour_covered": False}
    assert opened.nature is None and opened.repeat_of is None and opened.opened_at == START
    assert uow.commits == 1 and uow.published() == []


def test_one_maintenance_work_order_per_event_and_per_plan_and_due_date() -> None:
    uow = make_uow()
    plan_id = uuid.uuid4()
    due = visit_due(plan_id=plan_id)

    first = open_maintenance_work_order(uow, source_event_id="ev-1", region="east", visit_due=due)
    redelivered = open_maintenance_work_order(
        uow, source_event_id="ev-1", region="east", visit_due=due
    )
    same_due = open_maintenance_work_order(
        uow, source_event_id="ev-2", region="east", visit_due=due
    )
    next_due = open_maintenance_work_order(
        uow,
        source_event_id="ev-3",
        region="east",
        visit_due=visit_due(plan_id=plan_id, due_date=dt.date(2027, 6, 1)),
    )

    assert redelivered is first and same_due is first and next_due is not first
    assert next_due.due_date == dt.date(2027, 6, 1) and uow.commits == 2


# -- handlers ------------------------------------------------------------------------------------
def test_handlers_open_work_orders_from_the_envelope_and_payload() -> None:
    uow = make_uow()
    accepted = Event(
        type="ticket.solution_accepted", version=1, region="south", producer="intake", data={}
    )
    due = Event(
        type="maintenance.visit_due", version=1, region="north", producer="maintenance", data={}
    )

    on_ticket_solution_accepted(Delivery(accepted, solution()), uow)
    on_maintenance_visit_due(Delivery(due, visit_due()), uow)

    repair_order = uow.work_orders.opened_by(str(accepted.id))
    maintenance_order = uow.work_orders.opened_by(str(due.id))
    assert repair_order is not None and repair_order.region == "south"
    assert maintenance_order is not None and maintenance_order.region == "north"
    assert uow.commits == 2
