"""Booking a visit: automatic or named technician, moving the pending visit (by the
customer or by the company), a window that ended before it was moved, and refusals."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services.dispatch.use_cases import schedule_visit
from shared.errors import Conflict, InvalidInput, NotFound
from tests.unit.dispatch.support import (
    AGENT,
    EAST_MANAGER,
    HOUR,
    START,
    clock_of,
    make_uow,
    repair,
    technician,
    trail,
    window,
)

CST = dt.timezone(dt.timedelta(hours=8))
NINE, ELEVEN = START + HOUR, START + 3 * HOUR  # 09:00 and 11:00 UTC


def test_first_booking_chooses_a_technician_and_records_repair_scheduled() -> None:
    dong = technician("Dong")
    work_order = repair()
    uow = make_uow(technicians=(dong,), work_orders=(work_order,))
    # 17:00-19:00 in UTC+8 is 09:00-11:00 UTC.
    booking = window(dt.datetime(2026, 11, 2, 17, 0, tzinfo=CST))

    booked = schedule_visit(uow, work_order_id=work_order.id, schedule_in=booking, by=AGENT)

    assert booked is work_order
    assert booked.status == "scheduled" and booked.technician_id == dong.id
    assert booked.visit_count == 1 and booked.version == 1
    [visit] = booked.visits
    assert (visit.number, visit.status, visit.technician_id) == (1, "scheduled", dong.id)
    assert visit.auto_assigned is True and visit.rescheduled_by_customer is False
    assert (visit.window_start, visit.window_end, visit.deadline) == (NINE, ELEVEN, ELEVEN)
    assert visit.window_start.utcoffset() == dt.timedelta(0) and visit.scheduled_at == START
    assert uow.commits == 1
    [event] = uow.published("repair.scheduled")
    assert (event.region, event.aggregate_id, event.sequence) == ("east", str(work_order.id), 1)
    assert event.producer == "dispatch" and event.occurred_at == START
    assert event.data == {
        "work_order_id": str(work_order.id),
        "ticket_id": str(work_order.ticket_id),
        "kind": "repair",
        "visit_number": 1,
        "technician_id": str(dong.id),
        "technician_kind": "employee",
        "window_start": "2026-11-02T09:00:00+00:00",
        "window_end": "2026-11-02T11:00:00+00:00",
        "auto_assigned": True,
        "rescheduled_by_customer": False,
        "repeat_of": None,
        "scheduled_at": "2026-11-02T08:00:00+00:00",
        "agreed_via": "phone",
        "agreed_with": "Li Wei",  # the work order's customer: nobody else was named
        "requested_by": None,  # a first booking moves nothing
        "reschedule_reason": None,
    }


def test_a_named_technician_is_booked_as_named() -> None:
    bai, dong = technician("Bai"), technician("Dong", kind="partner_workshop")
    work_order = repair()
    uow = make_uow(technicians=(bai, dong), work_orders=(work_order,))

    schedule_visit(
        uow,
        work_order_id=work_order.id,
        schedule_in=window(NINE, technician_id=dong.id),
        by=AGENT,
    )

    assert work_order.visits[0].auto_assigned is False and work_order.technician_id == dong.id
    [event] = uow.published("repair.scheduled")
    assert event.data["technician_id"] == str(dong.id)
    assert event.data["auto_assigned"] is False
    assert event.data["technician_kind"] == "partner_workshop"


def test_a_repeat_carries_its_original_on_the_booking() -> None:
    original = uuid.uuid4()
    work_order = repair(repeat_of=original)
    uow = make_uow(technicians=(technician("Dong"),), work_orders=(work_order,))

    schedule_visit(uow, work_order_id=work_order.id, schedule_in=window(NINE), by=AGENT)

    [event] = uow.published("repair.scheduled")
    assert event.data["repeat_of"] == str(original)


@pytest.mark.parametrize(
    ("first", "moved_to", "by_customer", "deadline"),
    [
        (NINE, START + 5 * HOUR, True, START + 7 * HOUR),  # customer: the new end (15:00)
        (NINE, START + 5 * HOUR, False, ELEVEN),  # company moved it later: 11:00 stands
        (START + 5 * HOUR, NINE, False, ELEVEN),  # company moved it earlier: held to 11:00
    ],
    ids=["customer later", "company later", "company earlier"],
)
def test_moving_the_pending_visit_keeps_it_and_judges_by_the_right_end(
    first: dt.datetime, moved_to: dt.datetime, by_customer: bool, deadline: dt.datetime
) -> None:
    dong = technician("Dong")
    work_order = repair()
    uow = make_uow(technicians=(dong,), work_orders=(work_order,))
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=window(first), by=AGENT)
    clock_of(uow).advance(minutes=30)

    schedule_visit(
        uow,
        work_order_id=work_order.id,
        schedule_in=window(moved_to, by_customer=by_customer),
        by=AGENT,
    )

    [visit] = work_order.visits
    assert work_order.visit_count == 1 and visit.number == 1
    assert (visit.window_start, visit.window_end) == (moved_to, moved_to + 2 * HOUR)
    assert visit.deadline == deadline and visit.rescheduled_by_customer is by_customer
    assert visit.scheduled_at == START + dt.timedelta(minutes=30)
    assert visit.technician_id == dong.id and visit.auto_assigned is True
    assert trail(uow) == [("repair.scheduled", 1, 1), ("repair.scheduled", 1, 2)]
    moved = uow.published("repair.scheduled")[1]
    assert moved.data["rescheduled_by_customer"] is by_customer
    assert moved.data["scheduled_at"] == "2026-11-02T08:30:00+00:00"
    assert uow.commits == 2


def test_a_moved_visit_gets_another_technician_when_its_own_no_longer_fits() -> None:
    bai, dong, chen = technician("Bai"), technician("Dong"), technician("Chen")
    work_order = repair()
    uow = make_uow(technicians=(bai, dong, chen), work_orders=(work_order,))
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=window(NINE), by=AGENT)
    assert work_order.technician_id == bai.id  # nobody has open work: Bai wins on name

    bai.active = False
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=window(NINE), by=AGENT)
    assert work_order.technician_id == chen.id and work_order.visits[0].auto_assigned is True

    named = window(NINE, technician_id=dong.id)
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=named, by=AGENT)
    assert work_order.technician_id == dong.id and work_order.visits[0].auto_assigned is False
    assert [e.data["technician_id"] for e in uow.published("repair.scheduled")] == [
        str(bai.id),
        str(chen.id),
        str(dong.id),
    ]


def test_moving_a_visit_whose_window_ended_first_records_the_miss() -> None:
    dong = technician("Dong")
    work_order = repair()
    uow = make_uow(technicians=(dong,), work_orders=(work_order,))
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=window(NINE), by=AGENT)
    clock_of(uow).at = START + dt.timedelta(hours=3, minutes=30)  # 11:30: 09-11 is over
    later = START + 5 * HOUR

    schedule_visit(
        uow,
        work_order_id=work_order.id,
        schedule_in=window(later, by_customer=True),
        by=AGENT,
    )

    missed, second = work_order.visits
    assert (missed.number, missed.status) == (1, "missed")
    assert missed.missed_at == START + dt.timedelta(hours=3, minutes=30)
    assert (second.number, second.status, second.deadline) == (2, "scheduled", later + 2 * HOUR)
    assert work_order.visit_count == 2 and work_order.status == "scheduled"
    assert trail(uow) == [
        ("repair.scheduled", 1, 1),
        ("visit.missed", 1, 2),
        ("repair.scheduled", 2, 3),
    ]
    [miss] = uow.published("visit.missed")
    assert miss.data == {
        "work_order_id": str(work_order.id),
        "ticket_id": str(work_order.ticket_id),
        "kind": "repair",
        "visit_number": 1,
        "technician_id": str(dong.id),
        "window_start": "2026-11-02T09:00:00+00:00",
        "window_end": "2026-11-02T11:00:00+00:00",
        "detected_at": "2026-11-02T11:30:00+00:00",
    }
    assert uow.commits == 2


@pytest.mark.parametrize("ends", [START, START - HOUR], ids=["ends now", "ended"])
def test_a_window_that_has_ended_cannot_be_booked(ends: dt.datetime) -> None:
    work_order = repair()
    uow = make_uow(technicians=(technician("Dong"),), work_orders=(work_order,))

    with pytest.raises(InvalidInput) as refused:
        schedule_visit(
            uow, work_order_id=work_order.id, schedule_in=window(ends - 2 * HOUR), by=AGENT
        )

    assert refused.value.status == 422
    assert refused.value.errors == {"window_end": ["in the past"]}
    assert work_order.status == "unscheduled" and work_order.visits == []
    assert uow.commits == 0 and uow.published() == []


@pytest.mark.parametrize("status", ["in_progress", "awaiting_acceptance", "accepted", "escalated"])
def test_only_an_unscheduled_or_scheduled_work_order_can_be_booked(status: str) -> None:
    work_order = repair(status=status)
    uow = make_uow(technicians=(technician("Dong"),), work_orders=(work_order,))

    with pytest.raises(Conflict) as refused:
        schedule_visit(uow, work_order_id=work_order.id, schedule_in=window(NINE), by=AGENT)

    assert refused.value.status == 409
    assert refused.value.detail == (
        f"cannot schedule a visit: work order {work_order.id} is {status}"
    )
    assert refused.value.errors == {"status": [f"is {status}"]}
    assert uow.commits == 0 and uow.published() == []


def test_a_work_order_outside_the_callers_region_is_404_as_is_an_unknown_one() -> None:
    north = repair(region="north")
    east = repair(region="east")
    uow = make_uow(technicians=(technician("Dong"),), work_orders=(north, east))
    unknown = uuid.uuid4()

    with pytest.raises(NotFound) as hidden:
        schedule_visit(uow, work_order_id=north.id, schedule_in=window(NINE), by=EAST_MANAGER)
    with pytest.raises(NotFound) as absent:
        schedule_visit(uow, work_order_id=unknown, schedule_in=window(NINE), by=AGENT)
    schedule_visit(uow, work_order_id=east.id, schedule_in=window(NINE), by=EAST_MANAGER)

    assert hidden.value.status == 404 and hidden.value.detail == f"no work order {north.id}"
    assert absent.value.detail == f"no work order {unknown}"
    assert north.status == "unscheduled" and east.status == "scheduled"
    assert uow.commits == 1 and len(uow.published()) == 1
