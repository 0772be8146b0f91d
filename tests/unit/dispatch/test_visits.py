"""A booked visit, start to finish: check-in (on time, late, by whom), the repair record,
the customer's answer (accept, reject, escalation after failed visits on a product defect)
and the follow-up call."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from services.dispatch.models import Technician, WorkOrder
from services.dispatch.repositories import FakeDispatchUnitOfWork
from services.dispatch.use_cases import (
    answer_repair,
    check_in,
    complete_visit,
    record_follow_up,
    schedule_visit,
)
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, InvalidInput
from tests.unit.dispatch.support import (
    AGENT,
    COVERED_ANODE,
    HOUR,
    START,
    WARRANTIES,
    answer,
    arrival,
    as_technician,
    clock_of,
    make_uow,
    repair,
    repair_record,
    technician,
    trail,
    whole_visit,
    window,
)

CST = dt.timezone(dt.timedelta(hours=8))
SECOND = dt.timedelta(seconds=1)
NINE, TEN, ELEVEN = START + HOUR, START + 2 * HOUR, START + 3 * HOUR


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 2, hour, minute, tzinfo=dt.UTC)


def booked(
    **changes: Any,
) -> tuple[FakeDispatchUnitOfWork, WorkOrder, Technician, Technician]:
    """Dong booked for 09:00-11:00 on a work order (one commit); Bai is a colleague."""
    dong, bai = technician("Dong"), technician("Bai")
    work_order = repair(**changes)
    uow = make_uow(technicians=(dong, bai), work_orders=(work_order,))
    booking = window(NINE, technician_id=dong.id)
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=booking, by=AGENT)
    return uow, work_order, dong, bai


def identity(work_order: WorkOrder, tech: Technician, visit_number: int = 1) -> dict[str, Any]:
    """The fields every visit event of this work order carries."""
    return {
        "work_order_id": str(work_order.id),
        "ticket_id": str(work_order.ticket_id) if work_order.ticket_id else None,
        "kind": work_order.kind,
        "visit_number": visit_number,
        "technician_id": str(tech.id),
    }


WINDOW = {"window_start": "2026-11-02T09:00:00+00:00", "window_end": "2026-11-02T11:00:00+00:00"}


# -- check-in ------------------------------------------------------------------------------------
def test_arriving_at_the_window_end_is_on_time() -> None:
    uow, work_order, dong, _ = booked()
    clock_of(uow).at = at(11, 5)

    checked = check_in(
        uow, work_order_id=work_order.id, check_in_in=arrival(ELEVEN), by=as_technician(dong)
    )

    assert checked is work_order and work_order.status == "in_progress"
    [visit] = work_order.visits
    assert (visit.status, visit.arrived_at, visit.on_time) == ("arrived", ELEVEN, True)
    assert visit.identity_verified is True and visit.product_verified is True
    assert uow.commits == 2
    [event] = uow.published("technician.arrived")
    assert event.sequence == 2 and event.aggregate_id == str(work_order.id)
    assert event.data == identity(work_order, dong) | WINDOW | {
        "arrived_at": "2026-11-02T11:00:00+00:00",
        "on_time": True,
        "deadline": "2026-11-02T11:00:00+00:00",
        "identity_verified": True,
        "product_verified": True,
        "work_id_shown": "W-DONG",
        "work_id_verified": True,
        "symptom_confirmed": True,
    }
    assert visit.symptom_observed == "blistering along the weld seam"


@pytest.mark.parametrize(
    ("arrived", "on_time"),
    [
        (ELEVEN + SECOND, False),
        (dt.datetime(2026, 11, 2, 19, 0, tzinfo=CST), True),  # 11:00 UTC
        (dt.datetime(2026, 11, 2, 19, 0, 1, tzinfo=CST), False),
        (NINE - SECOND, True),  # early is on time
    ],
    ids=["a second late", "window end in UTC+8", "a second late in UTC+8", "early"],
)
def test_punctuality_is_judged_by_the_deadline(arrived: dt.datetime, on_time: bool) -> None:
    uow, work_order, dong, _ = booked()
    clock_of(uow).at = at(12)

    check_in(uow, work_order_id=work_order.id, check_in_in=arrival(arrived), by=as_technician(dong))

    assert work_order.visits[0].on_time is on_time
    assert uow.published("technician.arrived")[0].data["on_time"] is on_time


def test_arrival_defaults_to_now_and_the_model_found_is_compared_loosely() -> None:
    uow, work_order, dong, _ = booked()
    clock_of(uow).at = TEN
    found = arrival(model=" cp-400 ") | {"identity_verified": False}

    check_in(uow, work_order_id=work_order.id, check_in_in=found, by=as_technician(dong))

    visit = work_order.visits[0]
    assert visit.arrived_at == TEN and visit.on_time is True
    assert visit.identity_verified is False and visit.product_verified is True
    data = uow.published("technician.arrived")[0].data
    assert data["arrived_at"] == "2026-11-02T10:00:00+00:00"
    assert (data["identity_verified"], data["product_verified"]) == (False, True)


def test_another_model_on_site_is_not_verified() -> None:
    uow, work_order, dong, _ = booked()

    check_in(
        uow, work_order_id=work_order.id, check_in_in=arrival(model="TX-9"), by=as_technician(dong)
    )

    assert work_order.visits[0].product_verified is False


@pytest.mark.parametrize(
    ("changes", "failed", "reason"),
    [
        ({"identity_verified": False}, ["identity"], "identity check failed"),
        ({"product_model": "TX-9"}, ["product"], "product check failed"),
        (
            {"identity_verified": False, "product_model": "TX-9", "stop_reason": "wrong site"},
            ["identity", "product"],
            "wrong site",
        ),
    ],
    ids=["identity", "product", "both-with-reason"],
)
def test_a_failed_check_stops_the_visit_and_sends_the_work_order_back(
    changes: dict[str, Any], failed: list[str], reason: str
) -> None:
    uow, work_order, dong, _ = booked()
    clock_of(uow).at = TEN
    check_in(
        uow, work_order_id=work_order.id, check_in_in=arrival() | changes, by=as_technician(dong)
    )

    visit = work_order.visits[0]
    assert (visit.status, visit.stop_reason) == ("stopped", reason)
    assert work_order.status == "unscheduled"
    assert [e.type for e in uow.published()][-2:] == ["technician.arrived", "visit.stopped"]
    stopped = uow.published("visit.stopped")[0].data
    assert (stopped["failed_checks"], stopped["reason"]) == (failed, reason)
    assert stopped["stopped_at"] == "2026-11-02T10:00:00+00:00"
    # Back to scheduling: the next booking is visit 2; no repair record on a stopped visit.
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=window(NINE), by=AGENT)
    assert work_order.visit_count == 2 and work_order.status == "scheduled"


def test_only_the_assigned_technician_checks_in() -> None:
    uow, work_order, _, bai = booked()
    office = Principal(sub="agent-1", roles=frozenset({"agent", "technician"}))

    for caller in (as_technician(bai), office):
        with pytest.raises(Forbidden) as refused:
            check_in(uow, work_order_id=work_order.id, check_in_in=arrival(), by=caller)
        assert refused.value.detail == "this work order's visit is not assigned to you"
        assert refused.value.errors == {}  # nothing of the work order's status

    assert work_order.status == "scheduled" and uow.commits == 1
    assert [e.type for e in uow.published()] == ["repair.scheduled"]


def test_a_technician_without_login_cannot_be_checked_in_for() -> None:
    nologin = technician("Lu", login=None)
    work_order = repair()
    uow = make_uow(technicians=(nologin,), work_orders=(work_order,))
    booking = window(NINE, technician_id=nologin.id)
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=booking, by=AGENT)
    anyone = Principal(sub="tech-Lu", roles=frozenset({"technician"}))

    with pytest.raises(Forbidden):
        check_in(uow, work_order_id=work_order.id, check_in_in=arrival(), by=anyone)


def test_check_in_needs_a_visit_booked_for_the_technician() -> None:
    dong = technician("Dong")
    work_order = repair()
    uow = make_uow(technicians=(dong,), work_orders=(work_order,))

    # Nothing is booked, so nothing is this technician's: 403 before the status is told.
    with pytest.raises(Forbidden) as refused:
        check_in(uow, work_order_id=work_order.id, check_in_in=arrival(), by=as_technician(dong))

    assert refused.value.detail == "this work order's visit is not assigned to you"
    assert uow.commits == 0


def test_checking_in_twice_is_refused() -> None:
    uow, work_order, dong, _ = booked()
    check_in(uow, work_order_id=work_order.id, check_in_in=arrival(), by=as_technician(dong))

    with pytest.raises(Conflict) as refused:
        check_in(uow, work_order_id=work_order.id, check_in_in=arrival(), by=as_technician(dong))

    assert refused.value.detail.endswith("is in_progress")
    assert uow.commits == 2 and len(uow.published("technician.arrived")) == 1


def test_an_arrival_before_the_booking_is_422() -> None:
    uow, work_order, dong, _ = booked()

    with pytest.raises(InvalidInput) as refused:
        check_in(
            uow,
            work_order_id=work_order.id,
            check_in_in=arrival(START - SECOND),
            by=as_technician(dong),
        )

    assert refused.value.errors == {"arrived_at": ["before the visit was scheduled"]}
    assert work_order.status == "scheduled" and uow.commits == 1


# -- the repair record ---------------------------------------------------------------------------
def arrived(**changes: Any) -> tuple[FakeDispatchUnitOfWork, WorkOrder, Technician, Technician]:
    """Booked for 09:00-11:00, Dong arrived at 10:00, the clock at 11:00 (two commits)."""
    uow, work_order, dong, bai = booked(**changes)
    clock_of(uow).at = TEN
    check_in(uow, work_order_id=work_order.id, check_in_in=arrival(), by=as_technician(dong))
    clock_of(uow).at = ELEVEN
    return uow, work_order, dong, bai


def test_the_repair_record_is_kept_and_published_for_billing() -> None:
    uow, work_order, dong, _ = arrived()

    complete_visit(
        uow,
        work_order_id=work_order.id,
        record_in=repair_record(TEN, ELEVEN, "not_fixed", parts=(COVERED_ANODE,)),
        by=as_technician(dong),
    )

    assert work_order.status == "awaiting_acceptance"
    [visit] = work_order.visits
    assert (visit.status, visit.result, visit.completed_at) == ("completed", "not_fixed", ELEVEN)
    assert (visit.started_at, visit.finished_at) == (TEN, ELEVEN)
    assert [(p.line, p.part_no, p.quantity, p.genuine, p.reason) for p in visit.parts] == [
        (1, "CP-400-ANODE", 1, True, "anode consumed"),
    ]
    assert uow.commits == 3
    [event] = uow.published("repair.completed")
    assert event.sequence == 3
    assert event.data == identity(work_order, dong) | {
        "result": "not_fixed",
        "work_performed": "replaced anode, touched up coating",
        "labour_hours": "1.50",
        "parts": [
            {
                "part_no": "CP-400-ANODE",
                "quantity": 1,
                "genuine": True,
                "reason": "anode consumed",
                "covered_by_warranty": True,
                "unit_price": None,
                "currency": None,
                "schedule_version": None,
                "agreement": None,
                "non_genuine_approval": None,
            },
        ],
        "started_at": "2026-11-02T10:00:00+00:00",
        "finished_at": "2026-11-02T11:00:00+00:00",
        "warranty": WARRANTIES["in_warranty"],
        "product_model": "CP-400",
        "serial_no": "SN-1",
        "plan_id": None,
    }


def test_a_maintenance_record_names_its_plan() -> None:
    plan_id = uuid.uuid4()
    uow, work_order, dong, _ = arrived(
        kind="maintenance", ticket_id=None, plan_id=plan_id, warranty="unknown", nature=None
    )

    complete_visit(
        uow,
        work_order_id=work_order.id,
        record_in=repair_record(TEN, ELEVEN),
        by=as_technician(dong),
    )

    data = uow.published("repair.completed")[0].data
    assert data["plan_id"] == str(plan_id) and data["kind"] == "maintenance"
    assert data["ticket_id"] is None
    assert data["warranty"] == {
        "status": "unknown",
        "parts_covered": False,
        "labour_covered": False,
    }


def test_the_repair_record_is_refused_from_others_before_arrival_and_before_the_visit() -> None:
    uow, work_order, dong, bai = booked()
    record = repair_record(TEN, ELEVEN)

    with pytest.raises(Conflict) as too_soon:
        complete_visit(uow, work_order_id=work_order.id, record_in=record, by=as_technician(dong))
    clock_of(uow).at = TEN
    check_in(uow, work_order_id=work_order.id, check_in_in=arrival(), by=as_technician(dong))
    with pytest.raises(Forbidden) as colleague:
        complete_visit(uow, work_order_id=work_order.id, record_in=record, by=as_technician(bai))
    with pytest.raises(InvalidInput) as early:
        complete_visit(
            uow,
            work_order_id=work_order.id,
            record_in=repair_record(TEN - SECOND, ELEVEN),
            by=as_technician(dong),
        )

    assert too_soon.value.detail == (
        f"cannot record a repair: work order {work_order.id} is scheduled"
    )
    assert colleague.value.detail == "this work order's visit is not assigned to you"
    assert early.value.errors == {"started_at": ["before the arrival"]}
    assert work_order.status == "in_progress" and uow.commits == 2


# -- the customer's answer -----------------------------------------------------------------------
def recorded(
    result: str = "fixed", **changes: Any
) -> tuple[FakeDispatchUnitOfWork, WorkOrder, Technician, Technician]:
    """Dong's first visit recorded (three commits); the clock at 11:00, when it finished."""
    dong, bai = technician("Dong"), technician("Bai")
    work_order = repair(**changes)
    uow = make_uow(technicians=(dong, bai), work_orders=(work_order,))
    whole_visit(uow, work_order, dong, result)
    return uow, work_order, dong, bai


def test_the_customer_accepts_a_fixed_repair() -> None:
    uow, work_order, dong, _ = recorded()

    answered = answer_repair(
        uow, work_order_id=work_order.id, answer_in=answer(True, rating=5), by=AGENT
    )

    assert answered is work_order
    assert (work_order.status, work_order.accepted_at, work_order.closed_at) == (
        "accepted",
        ELEVEN,
        ELEVEN,
    )
    visit = work_order.visits[0]
    assert (visit.status, visit.accepted, visit.rating, visit.responded_at) == (
        "accepted",
        True,
        5,
        ELEVEN,
    )
    assert uow.commits == 4
    [event] = uow.published("repair.accepted")
    assert event.sequence == 4
    assert event.data == identity(work_order, dong) | {
        "rating": 5,
        "first_time_fix": True,
        "repeat_of": None,
        "serial_no": "SN-1",
        "accepted_at": "2026-11-02T11:00:00+00:00",
        "confirmed_by": "agent_call",  # an agent recorded it from a call with the customer
        "recorded_by": AGENT.sub,
        # whom support's questionnaire goes to (the work order keeps no email here)
        "customer_name": "Li Wei",
        "customer_email": None,
        "customer_phone": None,
        "customer_language": None,
    }


def test_an_answer_given_earlier_is_the_acceptance_time_and_now_the_closing() -> None:
    uow, work_order, _, _ = recorded()
    clock_of(uow).at = at(12)

    answer_repair(
        uow,
        work_order_id=work_order.id,
        answer_in=answer(True, responded_at=at(11, 30)),
        by=AGENT,
    )

    assert (work_order.accepted_at, work_order.closed_at) == (at(11, 30), at(12))
    data = uow.published("repair.accepted")[0].data
    assert data["accepted_at"] == "2026-11-02T11:30:00+00:00"


def test_an_answer_before_the_repair_finished_is_422() -> None:
    uow, work_order, _, _ = recorded()

    with pytest.raises(InvalidInput) as refused:
        answer_repair(
            uow,
            work_order_id=work_order.id,
            answer_in=answer(True, responded_at=ELEVEN - SECOND),
            by=AGENT,
        )

    assert refused.value.errors == {"responded_at": ["before the repair finished"]}
    assert work_order.status == "awaiting_acceptance" and uow.commits == 3


def test_a_repair_recorded_not_fixed_can_only_be_rejected() -> None:
    uow, work_order, _, _ = recorded("not_fixed")

    with pytest.raises(Conflict) as refused:
        answer_repair(uow, work_order_id=work_order.id, answer_in=answer(True), by=AGENT)

    assert refused.value.detail == "the repair record says not fixed: it can only be rejected"
    assert work_order.status == "awaiting_acceptance" and work_order.visits[0].accepted is None
    assert uow.commits == 3


def test_the_answer_comes_from_the_office_or_the_assigned_technician() -> None:
    uow, work_order, dong, bai = recorded()
    signed = answer(False, confirmation={"method": "customer_signature", "customer_signature": SIG})

    with pytest.raises(Forbidden) as refused:
        answer_repair(uow, work_order_id=work_order.id, answer_in=signed, by=as_technician(bai))
    answer_repair(uow, work_order_id=work_order.id, answer_in=signed, by=as_technician(dong))

    assert refused.value.detail == "this work order's visit is not assigned to you"
    assert work_order.status == "unscheduled" and uow.commits == 4
    visit = work_order.visits[0]
    assert (visit.answer_confirmed_by, visit.answer_recorded_by) == (
        "customer_signature",
        "tech-Dong",
    )
    assert visit.answer_signature == SIG


SIG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="


@pytest.mark.parametrize(
    ("confirmation", "field"),
    [
        (None, "confirmation"),
        ({"method": "customer_signature"}, "confirmation"),
        ({"method": "agent_call"}, "confirmation.method"),
    ],
    ids=["nothing", "signature-missing", "technician-claims-a-call"],
)
def test_the_visits_technician_alone_cannot_record_the_customers_answer(
    confirmation: dict[str, str] | None, field: str
) -> None:
    """The rating feeds bonuses: the technician needs the customer's own signature."""
    uow, work_order, dong, _ = recorded()
    answer_in = answer(True, rating=5) | ({"confirmation": confirmation} if confirmation else {})

    with pytest.raises(InvalidInput) as refused:
        answer_repair(uow, work_order_id=work_order.id, answer_in=answer_in, by=as_technician(dong))

    assert list(refused.value.errors) == [field]
    assert work_order.status == "awaiting_acceptance" and uow.commits == 3
    assert uow.published("repair.accepted") == []


def test_rejected_then_fixed_on_the_second_visit_and_accepted() -> None:
    uow, work_order, dong, _ = recorded("not_fixed")

    answer_repair(uow, work_order_id=work_order.id, answer_in=answer(False, rating=2), by=AGENT)
    assert work_order.status == "unscheduled"
    first = work_order.visits[0]
    assert (first.status, first.rating, first.rejection_reason) == (
        "rejected",
        2,
        "still leaking at the flange",
    )
    whole_visit(uow, work_order, dong, "fixed")  # booked 11:00, 12-14:00, done 14:00
    answer_repair(uow, work_order_id=work_order.id, answer_in=answer(True, rating=5), by=AGENT)

    assert work_order.status == "accepted" and work_order.visit_count == 2
    assert work_order.accepted_at == at(14)
    assert trail(uow) == [
        ("repair.scheduled", 1, 1),
        ("technician.arrived", 1, 2),
        ("repair.completed", 1, 3),
        ("repair.rejected", 1, 4),
        ("repair.scheduled", 2, 5),
        ("technician.arrived", 2, 6),
        ("repair.completed", 2, 7),
        ("repair.accepted", 2, 8),
    ]
    [rejected] = uow.published("repair.rejected")
    assert rejected.data == identity(work_order, dong) | {
        "rating": 2,
        "reason": "still leaking at the flange",
        "rejected_at": "2026-11-02T11:00:00+00:00",
        "confirmed_by": "agent_call",
        "recorded_by": AGENT.sub,
    }
    [accepted] = uow.published("repair.accepted")
    assert accepted.data["first_time_fix"] is False and accepted.data["visit_number"] == 2
    assert uow.commits == 8


@pytest.mark.parametrize(
    ("warranty", "target"), [("in_warranty", "replacement"), ("out_of_warranty", "return")]
)
def test_the_third_failed_visit_on_a_product_defect_escalates(warranty: str, target: str) -> None:
    uow, work_order, dong, _ = recorded("not_fixed", nature="product_defect", warranty=warranty)
    answer_repair(uow, work_order_id=work_order.id, answer_in=answer(False), by=AGENT)
    whole_visit(uow, work_order, dong, "not_fixed")  # done 14:00
    answer_repair(uow, work_order_id=work_order.id, answer_in=answer(False), by=AGENT)
    whole_visit(uow, work_order, dong, "fixed")  # done 17:00: fixed on paper, still rejected
    assert work_order.status == "awaiting_acceptance"

    answer_repair(uow, work_order_id=work_order.id, answer_in=answer(False, rating=1), by=AGENT)

    assert work_order.status == "escalated" and work_order.escalated_to == target
    assert work_order.closed_at == at(17)
    assert trail(uow)[-2:] == [("repair.rejected", 3, 12), ("repair.escalated", 3, 13)]
    [escalated] = uow.published("repair.escalated")
    assert escalated.data == identity(work_order, dong, visit_number=3) | {
        "escalated_to": target,
        "failed_visits": 3,
        "nature": "product_defect",
        "product_model": "CP-400",
        "serial_no": "SN-1",
        "warranty": WARRANTIES[warranty],
        "escalated_at": "2026-11-02T17:00:00+00:00",
        "customer_name": "Li Wei",  # the repair() factory's customer, no phone given
        "customer_phone": None,
    }
    assert uow.commits == 12
    with pytest.raises(Conflict):
        schedule_visit(uow, work_order_id=work_order.id, schedule_in=window(at(18)), by=AGENT)


@pytest.mark.parametrize(
    ("option", "escalated_after"), [("2", 2), ("0", 1)], ids=["two", "at least one"]
)
def test_the_threshold_is_an_option_and_only_product_defects_escalate(
    option: str, escalated_after: int
) -> None:
    dong = technician("Dong")
    defect, wear = repair(nature="product_defect"), repair(nature="wear")
    uow = make_uow(
        technicians=(dong,),
        work_orders=(defect, wear),
        failed_visits_before_escalation=option,
    )

    statuses = []
    for _ in range(escalated_after):
        for work_order in (defect, wear):
            whole_visit(uow, work_order, dong, "not_fixed")
            answer_repair(uow, work_order_id=work_order.id, answer_in=answer(False), by=AGENT)
        statuses.append((defect.status, wear.status))

    assert statuses[-1] == ("escalated", "unscheduled")
    assert all(s == ("unscheduled", "unscheduled") for s in statuses[:-1])
    [escalated] = uow.published("repair.escalated")
    assert escalated.data["work_order_id"] == str(defect.id)
    assert escalated.data["failed_visits"] == escalated_after


# -- follow-up -----------------------------------------------------------------------------------
def test_a_follow_up_call_after_acceptance_is_recorded() -> None:
    uow, work_order, dong, _ = recorded()
    answer_repair(uow, work_order_id=work_order.id, answer_in=answer(True), by=AGENT)
    clock_of(uow).at = START + dt.timedelta(days=10)

    followed = record_follow_up(
        uow,
        work_order_id=work_order.id,
        follow_up_in={"satisfaction": 4, "remarks": "works well"},
        by=AGENT,
    )

    assert followed is work_order
    [follow_up] = work_order.follow_ups
    assert (follow_up.satisfaction, follow_up.remarks) == (4, "works well")
    assert follow_up.recorded_by == "agent-1"
    assert follow_up.recorded_at == START + dt.timedelta(days=10)
    assert isinstance(follow_up.id, uuid.UUID)
    assert uow.commits == 5
    [event] = uow.published("followup.recorded")
    assert event.sequence == 5
    assert event.data == {
        "work_order_id": str(work_order.id),
        "ticket_id": str(work_order.ticket_id),
        "technician_id": str(dong.id),
        "satisfaction": 4,
        "remarks": "works well",
        "recorded_at": "2026-11-12T08:00:00+00:00",
    }


def test_a_follow_up_on_an_escalation_never_assigned_names_no_technician() -> None:
    work_order = repair(status="escalated", version=7)
    uow = make_uow(work_orders=(work_order,))

    record_follow_up(
        uow,
        work_order_id=work_order.id,
        follow_up_in={"satisfaction": 1, "remarks": ""},
        by=AGENT,
    )

    [event] = uow.published("followup.recorded")
    assert event.sequence == 8 and event.data["technician_id"] is None


def test_no_follow_up_before_the_work_order_is_finished() -> None:
    uow, work_order, _, _ = booked()

    with pytest.raises(Conflict) as refused:
        record_follow_up(
            uow,
            work_order_id=work_order.id,
            follow_up_in={"satisfaction": 3, "remarks": "ok"},
            by=AGENT,
        )

    assert refused.value.detail == (
        "cannot record a follow-up before the work order is finished: "
        f"work order {work_order.id} is scheduled"
    )
    assert work_order.follow_ups == [] and uow.commits == 1
