"""Training visits: support's on-site sessions opened, booked with their trainer, cancelled and
marked done as work orders of kind training, in whatever order support's events arrive, and
never publishing a repair or visit event (kpi would count them as repairs)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from services.dispatch.handlers.support import (
    TrainingCancelledIn,
    TrainingRequestedIn,
    TrainingScheduledIn,
)
from services.dispatch.use_cases import (
    cancel_training_work_order,
    check_in,
    complete_visit,
    finish_training_visit,
    open_training_work_order,
    schedule_training_visit,
    schedule_visit,
)
from services.support.events import PUBLISHES as SUPPORT_EVENTS
from shared.errors import Conflict
from tests.unit.dispatch.support import (
    AGENT,
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

SESSION = uuid.UUID("5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e30")  # support's samples' session
STARTS = dt.datetime(2026, 11, 3, 1, 30, tzinfo=dt.UTC)


def support_event(type_: str, schema: Any, **changes: Any) -> dict[str, Any]:
    """Support's own sample of ``type_``, as dispatch's inbound schema loads it."""
    sample = SUPPORT_EVENTS.latest(type_).sample
    loaded: dict[str, Any] = schema().load(sample | changes)
    return loaded


def requested(**changes: Any) -> dict[str, Any]:
    return support_event("training.requested", TrainingRequestedIn, **changes)


def scheduled(at: dt.datetime = START, starts: dt.datetime = STARTS, **changes: Any) -> Any:
    times = {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + 2 * HOUR).isoformat(),
        "scheduled_at": at.isoformat(),
    }
    return support_event("training.scheduled", TrainingScheduledIn, **(times | changes))


def cancelled() -> dict[str, Any]:
    return support_event("training.cancelled", TrainingCancelledIn)


def test_an_on_site_request_opens_one_training_work_order_and_publishes_nothing() -> None:
    uow = make_uow()

    opened = open_training_work_order(uow, region="east", requested=requested())
    again = open_training_work_order(uow, region="east", requested=requested())

    assert opened is not None and again is opened
    assert (opened.kind, opened.status, opened.region) == ("training", "unscheduled", "east")
    assert opened.training_session_id == str(SESSION)
    assert (opened.customer_name, opened.customer_ref) == ("Hai Tong Shipyard", "C-1042")
    assert opened.site_address == "88 Harbour Road, Ningbo"
    assert (opened.site_contact_name, opened.site_contact_phone) == ("Li Wei", "+86 138 0000 0000")
    assert opened.preferred_time == "2026-12-14T01:30:00+00:00"
    assert opened.product_model == "CP-400"
    assert opened.topics == ["operation_demo", "maintenance"]
    assert (opened.trainer_person_id, opened.trainer_name) == ("tech-wang", "Wang Fang")
    assert len(uow.work_orders.items) == 1 and uow.published() == []


def test_a_session_not_on_site_takes_no_visit() -> None:
    uow = make_uow()
    assert open_training_work_order(uow, region="east", requested=requested(kind="online")) is None
    assert uow.work_orders.items == {}


def test_scheduling_books_the_trainer_so_their_day_shows_it() -> None:
    wang = technician("wang")  # login tech-wang: support's trainer id
    uow = make_uow(technicians=(wang,))
    open_training_work_order(uow, region="east", requested=requested())

    work_order = schedule_training_visit(uow, region="east", scheduled=scheduled())

    assert work_order is not None and work_order.status == "scheduled"
    [visit] = work_order.visits
    assert (visit.technician_id, visit.auto_assigned) == (wang.id, False)
    assert (visit.window_start, visit.window_end) == (STARTS, STARTS + 2 * HOUR)
    assert str(work_order.estimated_hours) == "2.00"
    assert uow.published() == []  # no repair.scheduled for kpi to count


def test_an_older_schedule_arriving_late_changes_nothing() -> None:
    wang = technician("wang")
    uow = make_uow(technicians=(wang,))
    open_training_work_order(uow, region="east", requested=requested())
    later = STARTS + 24 * HOUR
    schedule_training_visit(uow, region="east", scheduled=scheduled(at=START + HOUR, starts=later))

    work_order = schedule_training_visit(uow, region="east", scheduled=scheduled(at=START))

    assert work_order is not None
    [visit] = work_order.visits
    assert visit.window_start == later


def test_a_schedule_before_the_request_opens_it_and_the_request_fills_it_in() -> None:
    wang = technician("wang")
    uow = make_uow(technicians=(wang,))

    first = schedule_training_visit(uow, region="east", scheduled=scheduled())
    then = open_training_work_order(uow, region="east", requested=requested())

    assert first is then and then is not None
    assert then.status == "scheduled" and then.visits[0].technician_id == wang.id
    assert then.customer_ref == "C-1042" and then.site_contact_name == "Li Wei"
    assert len(uow.work_orders.items) == 1


def test_a_trainer_not_on_the_roster_leaves_it_for_an_agent_to_book() -> None:
    dong = technician("Dong")
    uow = make_uow(technicians=(dong,))
    open_training_work_order(uow, region="east", requested=requested(trainer_id="hr-0042"))

    work_order = schedule_training_visit(uow, region="east", scheduled=scheduled(trainer_id=None))

    assert work_order is not None and work_order.status == "unscheduled"
    assert work_order.visits == [] and work_order.trainer_person_id == "hr-0042"
    booking = window(STARTS, technician_id=dong.id)
    schedule_visit(uow, work_order_id=work_order.id, schedule_in=booking, by=AGENT)
    assert work_order.status == "scheduled" and uow.published() == []


def test_cancelling_takes_the_visit_off_the_day_even_before_the_request_arrives() -> None:
    wang = technician("wang")
    uow = make_uow(technicians=(wang,))
    open_training_work_order(uow, region="east", requested=requested())
    booked = schedule_training_visit(uow, region="east", scheduled=scheduled())

    done = cancel_training_work_order(uow, region="east", cancelled=cancelled())

    assert done is booked and done is not None
    assert done.status == "cancelled" and done.visits[0].status == "cancelled"
    assert done.cancel_reason == "the customer postponed indefinitely"

    early = make_uow(technicians=(wang,))
    tombstone = cancel_training_work_order(early, region="east", cancelled=cancelled())
    open_training_work_order(early, region="east", requested=requested())
    schedule_training_visit(early, region="east", scheduled=scheduled())
    assert tombstone is not None and tombstone.status == "cancelled"
    assert tombstone.visits == [] and len(early.work_orders.items) == 1


def _checked_in_training() -> tuple[Any, Any, Any]:
    wang = technician("wang")
    uow = make_uow(technicians=(wang,))
    open_training_work_order(uow, region="east", requested=requested())
    work_order = schedule_training_visit(
        uow, region="east", scheduled=scheduled(starts=START + HOUR)
    )
    assert work_order is not None
    clock_of(uow).advance(hours=1, minutes=10)
    shown = arrival(work_id=wang.work_id) | {"symptom_check": None}
    check_in(uow, work_order_id=work_order.id, check_in_in=shown, by=as_technician(wang))
    return uow, work_order, wang


def test_the_trainer_checks_in_and_marks_the_visit_done_with_no_events() -> None:
    uow, work_order, wang = _checked_in_training()
    assert work_order.status == "in_progress"
    clock_of(uow).advance(hours=2)

    finish_training_visit(
        uow,
        work_order_id=work_order.id,
        done_in={"remarks": "demo on the pump"},
        by=as_technician(wang),
    )

    [visit] = work_order.visits
    assert work_order.status == "done" and work_order.closed_at == clock_of(uow).now()
    assert visit.status == "completed" and visit.finished_at == clock_of(uow).now()
    assert work_order.remarks == "demo on the pump"
    assert uow.published() == []  # no technician.arrived, no repair.completed


def test_a_training_visit_takes_no_repair_record_and_a_repair_is_not_marked_done() -> None:
    uow, work_order, wang = _checked_in_training()
    record = repair_record(START, clock_of(uow).now())

    with pytest.raises(Conflict) as refused:
        complete_visit(uow, work_order_id=work_order.id, record_in=record, by=as_technician(wang))
    assert refused.value.errors == {"kind": ["is training"]}
    assert work_order.status == "in_progress"

    dong = technician("Dong")
    job = repair()
    other = make_uow(technicians=(dong,), work_orders=(job,))
    schedule_visit(other, work_order_id=job.id, schedule_in=window(START + HOUR), by=AGENT)
    clock_of(other).advance(hours=2)
    check_in(other, work_order_id=job.id, check_in_in=arrival(), by=as_technician(dong))
    with pytest.raises(Conflict) as not_training:
        finish_training_visit(other, work_order_id=job.id, done_in={}, by=as_technician(dong))
    assert not_training.value.errors == {"kind": ["is repair"]}
    assert job.status == "in_progress"
