"""A technician is never booked twice at once: a named double booking is refused with the
window it clashes with, the automatic choice passes over whoever is busy, and windows that
only touch do not clash."""

from __future__ import annotations

import pytest

from services.dispatch.use_cases import schedule_visit
from shared.errors import Conflict
from tests.unit.dispatch.support import AGENT, HOUR, START, make_uow, repair, technician, window


def test_a_named_double_booking_is_refused_naming_the_technician_and_writing_nothing() -> None:
    dong = technician("Dong")
    first, second = repair(), repair()
    uow = make_uow(technicians=(dong,), work_orders=(first, second))
    schedule_visit(
        uow,
        work_order_id=first.id,
        schedule_in=window(START + HOUR, technician_id=dong.id),
        by=AGENT,
    )
    commits = uow.commits

    overlapping = window(START + 2 * HOUR, technician_id=dong.id)  # 10:00-12:00 vs 09:00-11:00
    with pytest.raises(Conflict) as refused:
        schedule_visit(uow, work_order_id=second.id, schedule_in=overlapping, by=AGENT)

    assert list(refused.value.errors) == ["technician_id"]
    assert "2026-11-02T09:00:00Z" in refused.value.errors["technician_id"][0]
    assert (second.status, second.visits, uow.commits) == ("unscheduled", [], commits)


def test_windows_that_only_touch_do_not_clash() -> None:
    dong = technician("Dong")
    first, second = repair(), repair()
    uow = make_uow(technicians=(dong,), work_orders=(first, second))
    schedule_visit(
        uow,
        work_order_id=first.id,
        schedule_in=window(START + HOUR, technician_id=dong.id),
        by=AGENT,
    )
    back_to_back = window(START + 3 * HOUR, technician_id=dong.id)  # starts as the first ends
    schedule_visit(uow, work_order_id=second.id, schedule_in=back_to_back, by=AGENT)
    assert second.technician_id == dong.id


def test_the_automatic_choice_passes_over_a_busy_technician() -> None:
    # Bai has the fewer open work orders but is out at that hour: Dong goes.
    bai, dong = technician("Bai"), technician("Dong")
    bais_job, dongs_first, dongs_second, new = repair(), repair(), repair(), repair()
    uow = make_uow(technicians=(bai, dong), work_orders=(bais_job, dongs_first, dongs_second, new))
    for job, tech, start in (
        (bais_job, bai, START + HOUR),
        (dongs_first, dong, START + 5 * HOUR),
        (dongs_second, dong, START + 7 * HOUR),
    ):
        booking = window(start, technician_id=tech.id)
        schedule_visit(uow, work_order_id=job.id, schedule_in=booking, by=AGENT)

    schedule_visit(uow, work_order_id=new.id, schedule_in=window(START + 2 * HOUR), by=AGENT)
    assert new.technician_id == dong.id

    everyone_busy = repair()
    uow.work_orders.add(everyone_busy)
    with pytest.raises(Conflict):
        schedule_visit(
            uow, work_order_id=everyone_busy.id, schedule_in=window(START + HOUR), by=AGENT
        )


def test_moving_a_visit_does_not_clash_with_itself() -> None:
    dong = technician("Dong")
    job = repair()
    uow = make_uow(technicians=(dong,), work_orders=(job,))
    booking = window(START + HOUR, technician_id=dong.id)
    schedule_visit(uow, work_order_id=job.id, schedule_in=booking, by=AGENT)
    moved = window(START + 2 * HOUR, by_customer=True)  # overlaps its own old window
    schedule_visit(uow, work_order_id=job.id, schedule_in=moved, by=AGENT)
    assert job.technician_id == dong.id
    assert job.current_visit.window_start == START + 2 * HOUR
