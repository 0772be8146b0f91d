"""The visit.missed sweep on SQLite and PostgreSQL: a window that ended with no check-in emits
exactly one visit.missed, even from two replicas sweeping at the same moment; a window that
has not ended (or ends exactly now) emits nothing."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest

from services.dispatch import SERVICE as DISPATCH
from services.dispatch.use_cases import sweep_missed_visits
from shared.service import Runtime
from tests.integration.dispatch_support import HOUR, START, Dispatch, make_dispatch


@pytest.fixture
def dispatch(database_url: str) -> Iterator[Dispatch]:
    d = make_dispatch(database_url)
    yield d
    d.rt.db.dispose()


def test_ended_window_with_no_check_in_is_missed_once(dispatch: Dispatch) -> None:
    d = dispatch
    dong, bai, chen = (d.technician(name) for name in ("Dong", "Bai", "Chen"))  # one each
    ended, longer, visited = d.open_repair(), d.open_repair(), d.open_repair()
    d.schedule(ended, technician_id=bai)  # 09:00-11:00
    d.schedule(longer, length=4 * HOUR, technician_id=chen)  # 09:00-13:00
    d.schedule(visited, technician_id=dong)
    d.clock.at = START + 2 * HOUR
    d.check_in(visited, "Dong", d.clock.now())
    [job] = [j for j in DISPATCH.periodic if j.name == "missed-visits"]

    d.clock.at = START + 3 * HOUR  # 11:00: the window ends now, arrival would be on time
    job.run(d.rt)
    assert d.events("visit.missed") == []

    d.clock.advance(seconds=1)
    job.run(d.rt)
    job.run(d.rt)

    [missed] = d.events("visit.missed")
    assert missed["data"]["work_order_id"] == ended and missed["data"]["visit_number"] == 1
    assert missed["data"]["window_end"] == "2026-11-02T11:00:00+00:00"
    assert missed["data"]["detected_at"] == "2026-11-02T11:00:01+00:00"
    assert missed["region"] == "east" and missed["data"]["kind"] == "repair"
    work_order = d.work_order(ended)
    assert work_order["status"] == "unscheduled"
    assert work_order["visits"][0]["status"] == "missed"
    assert work_order["visits"][0]["missed_at"] == "2026-11-02T11:00:01Z"
    assert d.work_order(longer)["status"] == "scheduled"
    assert d.work_order(visited)["status"] == "in_progress"
    late = d.check_in(ended, "Bai", d.clock.now())
    assert late.status_code == 409  # the visit is judged: missed
    again = d.schedule(ended)
    assert again.status_code == 200 and again.get_json()["visits"][1]["number"] == 2


def test_rescheduling_after_the_window_ended_first_records_the_miss(dispatch: Dispatch) -> None:
    d = dispatch
    d.technician("Dong")
    work_order = d.open_repair()
    d.schedule(work_order)
    d.clock.at = START + dt.timedelta(hours=3, minutes=30)  # the 09:00-11:00 window is over

    response = d.schedule(work_order, by_customer=True)

    assert response.status_code == 200
    assert [v["status"] for v in response.get_json()["visits"]] == ["missed", "scheduled"]
    assert [(e["type"], e["data"]["visit_number"]) for e in d.events()] == [
        ("repair.scheduled", 1),
        ("visit.missed", 1),
        ("repair.scheduled", 2),
    ]
    assert sweep_missed_visits_once(d) == 0


FIVE_MINUTES = dt.timedelta(minutes=5)


def sweep_missed_visits_once(d: Dispatch) -> int:
    with d.rt.unit_of_work() as uow:
        return sweep_missed_visits(uow)


def test_two_replicas_sweeping_at_once_emit_each_miss_once(dispatch: Dispatch) -> None:
    d = dispatch
    d.technician("Dong")
    work_orders = [d.open_repair() for _ in range(30)]
    for i, work_order in enumerate(work_orders):  # Dong's day: 30 five-minute visits, 09:00-11:30
        slot = d.schedule(work_order, starts_in=HOUR + i * FIVE_MINUTES, length=FIVE_MINUTES)
        assert slot.status_code == 200
    upcoming = d.open_repair()
    d.schedule(upcoming, starts_in=5 * HOUR)
    d.clock.advance(hours=4)  # every window but the upcoming one has ended
    replicas = [Runtime(DISPATCH, d.rt.settings, clock=d.clock) for _ in range(2)]
    start = threading.Barrier(len(replicas))
    swept: list[int] = []
    failures: list[BaseException] = []

    def sweep(rt: Runtime) -> None:
        try:
            start.wait(timeout=30)
            total = 0
            while True:  # small batches, so the replicas interleave
                with rt.unit_of_work() as uow:
                    count = sweep_missed_visits(uow, batch_size=7)
                total += count
                if count == 0:
                    break
            swept.append(total)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=sweep, args=(rt,)) for rt in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for rt in replicas:
        rt.db.dispose()

    assert failures == [] and len(swept) == 2
    assert sum(swept) == 30
    missed = d.events("visit.missed")
    assert sorted(e["data"]["work_order_id"] for e in missed) == sorted(work_orders)
    assert {e["data"]["visit_number"] for e in missed} == {1}
    assert d.work_order(upcoming)["status"] == "scheduled"
    assert sweep_missed_visits_once(d) == 0


def test_grace_period_delays_the_miss_but_not_the_judgement(dispatch: Dispatch) -> None:
    d = dispatch
    d.rt.settings = d.rt.settings.with_overrides(extra={"missed_grace_seconds": "600"})
    dong, bai = d.technician("Dong"), d.technician("Bai")  # one visit each: same window
    late, ended = d.open_repair(), d.open_repair()
    d.schedule(late, technician_id=dong)  # 09:00-11:00
    d.schedule(ended, technician_id=bai)
    [job] = [j for j in DISPATCH.periodic if j.name == "missed-visits"]

    d.clock.at = START + 3 * HOUR + dt.timedelta(minutes=10)  # 11:10, inside the grace
    job.run(d.rt)
    assert d.events("visit.missed") == []
    arrived = d.check_in(late, "Dong", START + 3 * HOUR + dt.timedelta(minutes=5))
    assert arrived.status_code == 200

    d.clock.advance(seconds=1)  # grace over
    job.run(d.rt)
    [missed] = d.events("visit.missed")
    assert missed["data"]["work_order_id"] == ended
    [arrival] = d.events("technician.arrived")
    assert arrival["data"]["on_time"] is False  # judged against the window, not the grace
