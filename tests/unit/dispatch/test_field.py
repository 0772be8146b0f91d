"""The rules of the visit in the field, as plain functions and through the use cases on the
fake unit of work: the appointment and who moved it, the work ID and the symptom on arrival,
parts priced from the fee schedule, agreed before use, non-genuine only when allowed."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest

from services.dispatch.domain.field import (
    Agreed,
    appointment,
    issued_work_id,
    price_proposal,
    record_parts,
    same_work_id,
)
from services.dispatch.use_cases import (
    agree_parts,
    allow_non_genuine_part,
    check_in,
    complete_visit,
    propose_parts,
    schedule_visit,
)
from shared.auth import Principal
from shared.errors import Conflict, InvalidInput, NotFound
from shared.price_book import Price, Schedule
from tests.unit.dispatch.support import (
    AGENT,
    EAST_MANAGER,
    HOUR,
    START,
    arrival,
    as_technician,
    clock_of,
    make_uow,
    repair,
    repair_record,
    technician,
    window,
)

SCHEDULE = Schedule(
    version=3,
    effective_from=START - dt.timedelta(days=1),
    currency="CNY",
    prices={"SEALANT-7": Decimal("12.50"), "GASKET-9": Decimal("30.00")},
)
SEALANT = {"part_no": "SEALANT-7", "quantity": 2, "genuine": False, "reason": "flange resealed"}
GASKET = {"part_no": "GASKET-9", "quantity": 1, "genuine": True, "reason": "gasket perished"}
SIGNED = {
    "method": "customer_signature",
    "customer_signature": "data:image/png;base64,AAAAAAAAAAAA",
}
PRICES = {
    "SEALANT-7": Price(Decimal("12.50"), "CNY", 3),
    "GASKET-9": Price(Decimal("30.00"), "CNY", 3),
}


# -- the appointment ---------------------------------------------------------------------------
def test_a_first_booking_records_how_and_with_whom_and_ignores_who_moved_it() -> None:
    booked = appointment(
        {"agreed_via": "sms", "requested_by": "customer", "reason": "x"},
        rescheduling=False,
        customer="Li Wei",
    )
    assert booked == {
        "agreed_via": "sms",
        "agreed_with": "Li Wei",
        "requested_by": None,
        "reason": None,
    }


@pytest.mark.parametrize(
    ("given", "errors"),
    [
        ({}, {"requested_by", "reason"}),
        ({"requested_by": "customer"}, {"reason"}),
        (
            {"rescheduled_by_customer": True, "requested_by": "company", "reason": "r"},
            {"rescheduled_by_customer"},
        ),
    ],
    ids=["nothing said", "no reason", "contradicting flag"],
)
def test_a_move_must_say_who_asked_for_it_and_why(given: dict[str, Any], errors: set[str]) -> None:
    with pytest.raises(InvalidInput) as refused:
        appointment({"agreed_via": "phone"} | given, rescheduling=True, customer="Li Wei")
    assert set(refused.value.errors or {}) == errors


def test_the_older_flag_still_says_who_asked() -> None:
    moved = appointment(
        {"agreed_via": "phone", "rescheduled_by_customer": True, "reason": "away"},
        rescheduling=True,
        customer="Li Wei",
    )
    assert moved["requested_by"] == "customer" and moved["reason"] == "away"


@pytest.mark.parametrize(("by_customer", "on_time"), [(True, True), (False, False)])
def test_lateness_follows_who_asked_for_the_move(by_customer: bool, on_time: bool) -> None:
    dong = technician("Dong")
    work_order = repair()
    uow = make_uow(technicians=(dong,), work_orders=(work_order,))
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=window(START + HOUR), by=AGENT)
    later = window(START + 5 * HOUR, by_customer=by_customer)  # 13:00-15:00
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=later, by=AGENT)
    clock_of(uow).at = START + dt.timedelta(hours=6)

    check_in(uow, work_order_id=work_order.id, check_in_in=arrival(), by=as_technician(dong))

    [visit] = work_order.visits
    assert visit.reschedule_requested_by == ("customer" if by_customer else "company")
    assert visit.on_time is on_time
    moved = uow.published("repair.scheduled")[1].data
    assert moved["requested_by"] == visit.reschedule_requested_by
    assert moved["reschedule_reason"] == later["reason"]


# -- the work ID and the symptom -----------------------------------------------------------------
def test_work_ids_compare_without_case_and_spaces_and_are_issued_from_the_id() -> None:
    assert same_work_id(" w-dong", "W-DONG") and not same_work_id("W-BAI", "W-DONG")
    assert not same_work_id("W-DONG", None)
    assert issued_work_id(uuid.UUID("1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9")) == "W-1F2E3D4C"


def booked_uow(**opened: Any) -> tuple[Any, Any, Any]:
    dong = technician("Dong")
    work_order = repair(**opened)
    uow = make_uow(technicians=(dong,), work_orders=(work_order,), schedules=(SCHEDULE,))
    schedule_visit(
        uow,
        work_order_id=work_order.id,
        schedule_in=window(START + HOUR, technician_id=dong.id),
        by=AGENT,
    )
    clock_of(uow).advance(hours=2)
    return uow, work_order, dong


def test_a_colleagues_work_id_fails_the_identity_check_and_stops_the_visit() -> None:
    uow, work_order, dong = booked_uow()

    check_in(
        uow,
        work_order_id=work_order.id,
        check_in_in=arrival(work_id="W-BAI"),
        by=as_technician(dong),
    )

    [visit] = work_order.visits
    assert (visit.status, visit.work_id_verified, work_order.status) == (
        "stopped",
        False,
        "unscheduled",
    )
    [stopped] = uow.published("visit.stopped")
    assert stopped.data["failed_checks"] == ["identity"]


def test_a_repair_that_goes_ahead_needs_the_symptom_rechecked_a_stopped_one_does_not() -> None:
    uow, work_order, dong = booked_uow()
    unchecked = arrival() | {"symptom_check": None}

    with pytest.raises(InvalidInput) as refused:
        check_in(uow, work_order_id=work_order.id, check_in_in=unchecked, by=as_technician(dong))
    assert refused.value.errors == {
        "symptom_check": ["required for a repair visit that goes ahead"]
    }
    assert work_order.visits[0].status == "scheduled" and uow.commits == 1

    stopped = unchecked | {"identity_verified": False}
    check_in(uow, work_order_id=work_order.id, check_in_in=stopped, by=as_technician(dong))
    assert work_order.visits[0].status == "stopped"


# -- parts ---------------------------------------------------------------------------------------
def test_a_proposal_prices_each_part_and_names_those_it_cannot() -> None:
    lines = price_proposal([GASKET], PRICES, {})
    assert lines == [
        GASKET | {"unit_price": Decimal("30.00"), "currency": "CNY", "schedule_version": 3}
    ]
    with pytest.raises(InvalidInput) as refused:
        price_proposal([GASKET | {"part_no": "NOPE"}, SEALANT], PRICES, {})
    assert refused.value.errors == {
        "parts.0.part_no": ["NOPE: no price in the fee schedule in force"],
        "parts.1.genuine": ["non-genuine SEALANT-7 needs a manager's approval"],
    }


def agreement(*lines: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "agreed_at": START,
        "confirmed_by": "customer_signature",
        "lines": [
            line | {"unit_price": "30.00", "currency": "CNY", "schedule_version": 3}
            for line in lines
        ],
    }


def test_agreed_quantities_are_used_up_once() -> None:
    agreed = Agreed([agreement(GASKET | {"quantity": 2})])
    assert agreed.draw("GASKET-9", 1) is not None and agreed.draw("GASKET-9", 1) is not None
    assert agreed.draw("GASKET-9", 1) is None and agreed.draw("SEALANT-7", 1) is None


def test_a_record_refuses_covered_parts_the_warranty_does_not_cover() -> None:
    covered = GASKET | {"covered_by_warranty": True}
    with pytest.raises(InvalidInput) as refused:
        record_parts([covered], parts_covered=False, agreed=Agreed([]), prices=PRICES, approved={})
    assert refused.value.errors == {
        "parts.0.covered_by_warranty": ["the warranty does not cover parts"]
    }
    [kept] = record_parts(
        [covered], parts_covered=True, agreed=Agreed([]), prices=PRICES, approved={}
    )
    assert kept["unit_price"] is None and kept["agreement"] is None


def on_site() -> tuple[Any, Any, Any]:
    uow, work_order, dong = booked_uow(warranty="out_of_warranty")
    check_in(uow, work_order_id=work_order.id, check_in_in=arrival(), by=as_technician(dong))
    return uow, work_order, dong


def test_propose_agree_then_use_a_chargeable_non_genuine_part() -> None:
    uow, work_order, dong = on_site()
    manager = Principal(sub="boss", roles=frozenset({"manager"}))
    approval = {"part_no": "SEALANT-7", "reason": "out of stock"}
    allow_non_genuine_part(uow, work_order_id=work_order.id, approval_in=approval, by=manager)

    proposal = propose_parts(
        uow, work_order_id=work_order.id, proposal_in={"parts": [SEALANT]}, by=as_technician(dong)
    )
    assert (proposal.status, proposal.total, proposal.currency) == (
        "proposed",
        Decimal("25.00"),
        "CNY",
    )
    agreement_in = {"proposal_id": proposal.id, "confirmation": SIGNED}
    agree_parts(uow, work_order_id=work_order.id, agreement_in=agreement_in, by=as_technician(dong))
    assert proposal.status == "agreed" and proposal.confirmed_by == "customer_signature"
    clock_of(uow).advance(hours=1)
    now = clock_of(uow).now()
    record = repair_record(now - HOUR, now, parts=(SEALANT | {"covered_by_warranty": False},))
    complete_visit(uow, work_order_id=work_order.id, record_in=record, by=as_technician(dong))

    [part] = work_order.visits[0].parts
    assert (part.unit_price, part.currency, part.schedule_version) == (Decimal("12.50"), "CNY", 3)
    assert part.agreement is not None and part.agreement["agreement_id"] == str(proposal.id)
    assert (
        part.non_genuine_approval is not None and part.non_genuine_approval["approved_by"] == "boss"
    )
    [event] = uow.published("repair.completed")
    assert event.data["parts"][0]["unit_price"] == "12.50"
    assert event.data["parts"][0]["non_genuine_approval"]["reason"] == "out of stock"


def test_an_agreement_is_refused_for_another_work_orders_proposal_and_twice() -> None:
    uow, work_order, dong = on_site()
    proposal = propose_parts(
        uow, work_order_id=work_order.id, proposal_in={"parts": [GASKET]}, by=as_technician(dong)
    )
    stranger = {"proposal_id": uuid.uuid4(), "confirmation": SIGNED}

    with pytest.raises(InvalidInput) as foreign:
        agree_parts(uow, work_order_id=work_order.id, agreement_in=stranger, by=as_technician(dong))
    assert "proposal_id" in (foreign.value.errors or {})
    with pytest.raises(InvalidInput) as unsigned:
        agree_parts(
            uow,
            work_order_id=work_order.id,
            agreement_in={"proposal_id": proposal.id},
            by=as_technician(dong),
        )
    assert "confirmation" in (unsigned.value.errors or {})
    agreed = {"proposal_id": proposal.id, "confirmation": SIGNED}
    agree_parts(uow, work_order_id=work_order.id, agreement_in=agreed, by=as_technician(dong))
    with pytest.raises(Conflict):
        agree_parts(uow, work_order_id=work_order.id, agreement_in=agreed, by=as_technician(dong))


def test_a_manager_of_another_region_cannot_allow_a_part_nor_after_the_work_is_done() -> None:
    north = repair(region="north")
    finished = repair(status="accepted")
    uow = make_uow(work_orders=(north, finished))
    approval = {"part_no": "SEALANT-7", "reason": "out of stock"}

    with pytest.raises(NotFound):
        allow_non_genuine_part(uow, work_order_id=north.id, approval_in=approval, by=EAST_MANAGER)
    with pytest.raises(Conflict):
        allow_non_genuine_part(
            uow, work_order_id=finished.id, approval_in=approval, by=EAST_MANAGER
        )
    assert north.non_genuine_approvals == [] and uow.commits == 0


def test_a_move_that_does_not_say_who_asked_changes_nothing() -> None:
    dong = technician("Dong")
    work_order = repair()
    uow = make_uow(technicians=(dong,), work_orders=(work_order,))
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=window(START + HOUR), by=AGENT)
    unsaid = {"window_start": START + 5 * HOUR, "window_end": START + 7 * HOUR, "agreed_via": "sms"}

    with pytest.raises(InvalidInput):
        schedule_visit(uow, work_order_id=work_order.id, schedule_in=unsaid, by=AGENT)

    [visit] = work_order.visits
    assert (visit.window_start, visit.agreed_via) == (START + HOUR, "phone")
    assert uow.commits == 1 and len(uow.published()) == 1
