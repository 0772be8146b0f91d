"""The missed-visit sweep on the fake unit of work: a window that ended with no check-in
is missed once (oldest end first, a batch at a time), a window ending exactly now is not,
and the grace period delays the miss without excusing the lateness."""

from __future__ import annotations

import datetime as dt

import pytest

from services.dispatch.use_cases import check_in, schedule_visit, sweep_missed_visits
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
    technician,
    trail,
    window,
)

NINE = START + HOUR
SECOND = dt.timedelta(seconds=1)


def at(hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 2, hour, minute, second, tzinfo=dt.UTC)


def test_an_ended_window_with_no_check_in_is_missed_once() -> None:
    # three technicians: one may not be booked twice at once
    dong, bai, chen = technician("Dong"), technician("Bai"), technician("Chen")
    ended, longer, visited = repair(), repair(), repair()
    uow = make_uow(technicians=(dong, bai, chen), work_orders=(ended, longer, visited))
    for work_order, length, tech in (
        (ended, 2 * HOUR, bai),
        (longer, 4 * HOUR, chen),
        (visited, 2 * HOUR, dong),
    ):
        booking = window(NINE, length, technician_id=tech.id)  # 09-11, 09-13, 09-11
        schedule_visit(uow, work_order_id=work_order.id, schedule_in=booking, by=AGENT)
    clock = clock_of(uow)
    clock.at = at(10)
    check_in(uow, work_order_id=visited.id, check_in_in=arrival(), by=as_technician(dong))

    clock.at = at(11)  # the window ends now: an arrival now would still be on time
    assert sweep_missed_visits(uow) == 0
    assert uow.published("visit.missed") == [] and uow.commits == 5

    clock.at = at(11, 0, 1)
    assert sweep_missed_visits(uow) == 1
    assert sweep_missed_visits(uow) == 0

    assert uow.commits == 7
    [missed] = uow.published("visit.missed")
    assert (missed.aggregate_id, missed.sequence, missed.region) == (str(ended.id), 2, "east")
    assert missed.data == {
        "work_order_id": str(ended.id),
        "ticket_id": str(ended.ticket_id),
        "kind": "repair",
        "visit_number": 1,
        "technician_id": str(bai.id),
        "window_start": "2026-11-02T09:00:00+00:00",
        "window_end": "2026-11-02T11:00:00+00:00",
        "detected_at": "2026-11-02T11:00:01+00:00",
    }
    [visit] = ended.visits
    assert (visit.status, visit.missed_at) == ("missed", at(11, 0, 1))
    assert (ended.status, longer.status, visited.status) == (
        "unscheduled",
        "scheduled",
        "in_progress",
    )
    with pytest.raises(Conflict):  # the visit is judged: missed
        check_in(uow, work_order_id=ended.id, check_in_in=arrival(), by=as_technician(bai))
    again = schedule_visit(uow, work_order_id=ended.id, schedule_in=window(at(12)), by=AGENT)
    assert [v.number for v in again.visits] == [1, 2] and again.visit_count == 2


def test_a_batch_takes_the_oldest_ends_first_and_the_next_sweep_the_rest() -> None:
    crew = technician("Dong"), technician("Bai"), technician("Chen")
    ends_11, ends_10, ends_1030 = repair(), repair(), repair()
    uow = make_uow(technicians=crew, work_orders=(ends_11, ends_10, ends_1030))
    start = at(8, 30)
    for work_order, length, tech in (
        (ends_11, dt.timedelta(hours=2.5), crew[0]),
        (ends_10, dt.timedelta(hours=1.5), crew[1]),
        (ends_1030, 2 * HOUR, crew[2]),
    ):
        booking = window(start, length, technician_id=tech.id)
        schedule_visit(uow, work_order_id=work_order.id, schedule_in=booking, by=AGENT)
    clock_of(uow).at = at(12)

    assert sweep_missed_visits(uow, batch_size=2) == 2
    first_batch = [e.data["work_order_id"] for e in uow.published("visit.missed")]
    assert sweep_missed_visits(uow, batch_size=2) == 1

    assert first_batch == [str(ends_10.id), str(ends_1030.id)]
    missed = [e.data["work_order_id"] for e in uow.published("visit.missed")]
    assert missed == [str(ends_10.id), str(ends_1030.id), str(ends_11.id)]
    assert [e.sequence for e in uow.published("visit.missed")] == [2, 2, 2]
    assert uow.commits == 5


def test_the_grace_period_delays_the_miss_but_not_the_judgement() -> None:
    dong, bai = technician("Dong"), technician("Bai")
    late, ended = repair(), repair()
    uow = make_uow(technicians=(dong, bai), work_orders=(late, ended), missed_grace_seconds="600")
    for work_order, tech in ((late, dong), (ended, bai)):
        booking = window(NINE, technician_id=tech.id)
        schedule_visit(uow, work_order_id=work_order.id, schedule_in=booking, by=AGENT)
    clock = clock_of(uow)

    clock.at = at(11, 10)  # ten minutes after the end: still inside the grace
    assert sweep_missed_visits(uow) == 0
    check_in(uow, work_order_id=late.id, check_in_in=arrival(at(11, 5)), by=as_technician(dong))
    clock.at = at(11, 10, 1)
    assert sweep_missed_visits(uow) == 1

    [missed] = uow.published("visit.missed")
    assert missed.data["work_order_id"] == str(ended.id)
    assert missed.data["detected_at"] == "2026-11-02T11:10:01+00:00"
    [arrived] = uow.published("technician.arrived")
    assert arrived.data["on_time"] is False  # judged against the window, not the grace
    assert trail(uow) == [
        ("repair.scheduled", 1, 1),
        ("repair.scheduled", 1, 1),
        ("technician.arrived", 1, 2),
        ("visit.missed", 1, 2),
    ]
