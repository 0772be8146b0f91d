"""dispatch and support's events on SQLite and PostgreSQL, through the EventProcessor and the
API: qualifications gating automatic and named assignment (and shown per skill), and on-site
training sessions booked on the trainer's day, checked in, marked done or cancelled, with
nothing in the outbox for kpi to count as a repair."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from services.support.events import PUBLISHES as SUPPORT_EVENTS
from shared.events import Event
from tests.integration.dispatch_support import HOUR, START, Dispatch, iso, make_dispatch
from tests.integration.dispatch_support import event_of as producer_event

YESTERDAY = "2026-11-01"  # START is 2026-11-02 16:00 in Shanghai
SESSION_DAY = dt.datetime(2026, 11, 3, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai


@pytest.fixture
def d(database_url: str) -> Iterator[Dispatch]:
    dispatch = make_dispatch(database_url, qualified_skills="welding")
    yield dispatch
    dispatch.rt.db.dispose()


def support_event(d: Dispatch, type_: str, **changes: Any) -> Event:
    return producer_event(SUPPORT_EVENTS, type_, "east", d.clock.now(), **changes)


def deliver(d: Dispatch, event: Event) -> None:
    [settled] = d.deliver(event)
    assert settled.outcome.value == "applied", settled.error


def exam(d: Dispatch, person: str, taken_on: str, valid_until: str, **changes: Any) -> Event:
    return support_event(
        d,
        "qualification.recorded",
        person_id=person,
        taken_on=dt.date.fromisoformat(taken_on),
        valid_until=dt.date.fromisoformat(valid_until),
        recorded_at=d.clock.now(),
        **changes,
    )


def welding_job(d: Dispatch) -> str:
    return d.open_repair(required_skill="welding")


def welding(d: Dispatch, technician_id: str) -> dict[str, Any]:
    body = d.get(f"/technicians/{technician_id}", "manager").get_json()
    [standing] = [q for q in body["qualifications"] if q["skill"] == "welding"]
    return dict(standing)


def test_an_expired_welder_is_skipped_refused_by_name_and_chosen_after_a_new_exam(
    d: Dispatch,
) -> None:
    bai = d.technician("Bai", skills=("welding", "coating"))
    dong = d.technician("Dong", skills=("welding",))
    deliver(d, exam(d, "tech-Bai", "2024-11-01", YESTERDAY))
    deliver(d, exam(d, "W-DONG", "2026-06-01", "2028-06-01"))  # by Dong's work ID
    busy = welding_job(d)
    later = 5 * HOUR  # Dong has open work, at another hour than the jobs below
    assert d.schedule(busy, technician_id=dong, starts_in=later).status_code == 200

    job = welding_job(d)
    before = d.counts()
    refused = d.schedule(job, technician_id=bai)
    assert refused.status_code == 422 and refused.content_type == "application/problem+json"
    assert refused.get_json()["errors"] == {
        "technician_id": ["the welding qualification expired on 2026-11-01"]
    }
    assert d.counts() == before
    chosen = d.schedule(job)
    assert chosen.status_code == 200, chosen.get_json()
    assert chosen.get_json()["technician_id"] == dong  # Bai, less busy, no longer counts
    assert welding(d, bai)["valid"] is False
    assert welding(d, bai)["current"]["valid_until"] == YESTERDAY

    renewed = exam(d, "tech-Bai", "2026-11-02", "2028-11-01")
    deliver(d, renewed)
    deliver(d, exam(d, "tech-Bai", "2025-01-01", "2030-01-01"))  # older, arriving late
    assert d.deliver(renewed)[0].outcome.value != "applied"  # a duplicate: skipped

    third = welding_job(d)
    assert d.schedule(third).get_json()["technician_id"] == bai
    shown = d.get(f"/technicians/{bai}", "agent").get_json()["qualifications"]
    assert shown == [
        {"skill": "coating", "required": False, "valid": False, "current": None},
        {
            "skill": "welding",
            "required": True,
            "valid": True,
            "current": {
                "record_id": str(renewed.data["record_id"]),
                "course": "Welding of lined pipes, level 2",
                "taken_on": "2026-11-02",
                "valid_until": "2028-11-01",
            },
        },
    ]
    assert d.events("repair.scheduled")  # repairs still publish as before


def _training_on_the_day(d: Dispatch) -> str:
    d.technician("wang")  # login tech-wang: the trainer id support's samples use
    deliver(d, support_event(d, "training.requested"))
    deliver(
        d,
        support_event(
            d,
            "training.scheduled",
            starts_at=SESSION_DAY,
            ends_at=SESSION_DAY + dt.timedelta(hours=2),
            scheduled_at=d.clock.now(),
        ),
    )
    [listed] = d.get("/work-orders?kind=training", "agent").get_json()
    return str(listed["id"])


def test_an_on_site_session_is_on_the_trainers_day_checked_in_and_marked_done(
    d: Dispatch,
) -> None:
    work_order_id = _training_on_the_day(d)

    detail = d.work_order(work_order_id)
    assert (detail["kind"], detail["status"], detail["customer_name"]) == (
        "training",
        "scheduled",
        "Hai Tong Shipyard",
    )
    assert detail["site"]["address"] == "88 Harbour Road, Ningbo"
    assert detail["training"]["topics"] == ["operation_demo", "maintenance"]
    assert detail["training"]["trainer_person_id"] == "tech-wang"
    [route] = d.get("/routes?region=east&date=2026-11-03", "dispatcher").get_json()
    assert route["technician_name"] == "wang"
    [stop] = route["stops"]
    assert (stop["work_order_id"], stop["kind"]) == (work_order_id, "training")
    assert stop["window_start"] == "2026-11-03T01:30:00Z"

    d.clock.at = SESSION_DAY + dt.timedelta(minutes=5)
    arrived = d.post(
        f"/work-orders/{work_order_id}/check-in",
        {
            "identity_verified": True,
            "work_id_shown": "W-WANG",
            "product_model": "CP-400",
            "arrived_at": iso(d.clock.now()),
        },
        "technician",
        sub="tech-wang",
    )
    assert arrived.status_code == 200, arrived.get_json()
    assert arrived.get_json()["status"] == "in_progress"
    d.clock.advance(hours=2)
    repair_record = d.complete(work_order_id, "wang")
    assert repair_record.status_code == 409
    assert repair_record.get_json()["errors"] == {"kind": ["is training"]}

    done = d.post(
        f"/work-orders/{work_order_id}/training-completion",
        {"remarks": "operation demo held on the pump"},
        "technician",
        sub="tech-wang",
    )
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["status"] == "done" and body["closed_at"] == "2026-11-03T03:35:00Z"
    assert body["visits"][0]["status"] == "completed"
    assert d.events() == []  # nothing for kpi to count as a repair or a repair visit


def test_a_cancelled_session_leaves_the_day_and_a_late_schedule_does_not_bring_it_back(
    d: Dispatch,
) -> None:
    work_order_id = _training_on_the_day(d)

    deliver(d, support_event(d, "training.cancelled", cancelled_at=d.clock.now()))
    d.clock.advance(minutes=1)
    deliver(
        d,
        support_event(
            d,
            "training.scheduled",
            starts_at=SESSION_DAY,
            ends_at=SESSION_DAY + dt.timedelta(hours=2),
            scheduled_at=d.clock.now(),
        ),
    )

    detail = d.work_order(work_order_id)
    assert detail["status"] == "cancelled"
    assert detail["training"]["cancel_reason"] == "the customer postponed indefinitely"
    assert [v["status"] for v in detail["visits"]] == ["cancelled"]
    assert d.get("/routes?region=east&date=2026-11-03", "dispatcher").get_json() == []
    assert d.events() == []


def test_marking_done_with_bad_input_or_at_the_wrong_step_writes_nothing(d: Dispatch) -> None:
    work_order_id = _training_on_the_day(d)
    path = f"/work-orders/{work_order_id}/training-completion"
    future = iso(START + dt.timedelta(days=30))

    bad = d.post(path, {"finished_at": future}, "technician", sub="tech-wang")
    assert bad.status_code == 422 and "finished_at" in bad.get_json()["errors"]
    early = d.post(path, {}, "technician", sub="tech-wang")  # not checked in yet
    assert early.status_code == 409
    assert early.get_json()["errors"] == {"status": ["is scheduled"]}
    other = d.post(path, {}, "technician", sub="tech-someone")
    assert other.status_code == 403
    assert d.work_order(work_order_id)["status"] == "scheduled"


def test_across_a_login_and_a_work_id_the_later_record_counts(d: Dispatch) -> None:
    chen = d.technician("Chen", skills=("welding",))
    deliver(d, exam(d, "W-CHEN", "2025-01-01", "2030-01-01"))  # longer, but older
    deliver(d, exam(d, "tech-Chen", "2026-10-01", YESTERDAY))  # the later pass: expired
    job = welding_job(d)

    assert d.schedule(job).status_code == 409  # nobody else: nobody fits
    named = d.schedule(job, technician_id=chen)
    assert named.status_code == 422
    assert named.get_json()["errors"]["technician_id"] == [
        "the welding qualification expired on 2026-11-01"
    ]
    assert welding(d, chen)["current"]["taken_on"] == "2026-10-01"

    deliver(d, exam(d, "W-CHEN", "2026-11-02", "2027-11-02"))  # a new exam, by work ID
    assert d.schedule(job).get_json()["technician_id"] == chen
