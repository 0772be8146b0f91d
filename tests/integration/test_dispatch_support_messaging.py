"""dispatch's worker on the real RabbitMQ consuming support's events: qualification records
published on the exchange gate automatic assignment (a welder whose qualification expired
yesterday is passed over until a new exam record arrives), and a training.requested opens one
training work order even when published twice."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from services.dispatch import SERVICE as DISPATCH
from services.dispatch.models import Qualification, WorkOrder
from services.dispatch.queries import list_route
from services.dispatch.use_cases import register_technician, schedule_visit
from services.intake.events import PUBLISHES as INTAKE_EVENTS
from services.support import SERVICE as SUPPORT
from services.support.events import PUBLISHES as SUPPORT_EVENTS
from services.support.schemas import ScheduleCreate, TrainingCreate
from services.support.use_cases import request_training, schedule_training
from shared.auth import Principal
from shared.events import Event
from shared.service import Runtime
from shared.worker import Worker
from tests.helpers import publish_raw, rabbit_worker, utc, wait_until
from tests.integration.dispatch_support import event_of
from tests.integration.support_service import PLAN, session_body

ADMIN = Principal(sub="ops", roles=frozenset({"admin"}))
AGENT = Principal(sub="agent-1", roles=frozenset({"agent"}))
MANAGER = Principal(sub="boss", roles=frozenset({"manager"}))
DISPATCHER = Principal(sub="disp", roles=frozenset({"dispatcher"}))
REGION = "southwest"


@pytest.fixture
def worker(
    database_url: str, amqp_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Runtime, Worker]]:
    monkeypatch.setenv("AFTERCARE_DISPATCH_QUALIFIED_SKILLS", "welding")
    with rabbit_worker(DISPATCH, database_url, amqp_url) as running:
        yield running


def exam(rt: Runtime, person: str, taken_on: dt.date, valid_until: dt.date) -> Event:
    return event_of(
        SUPPORT_EVENTS,
        "qualification.recorded",
        REGION,
        rt.clock.now(),
        record_id=uuid.uuid4(),
        person_id=person,
        taken_on=taken_on,
        valid_until=valid_until,
        recorded_at=rt.clock.now(),
    )


def _register(rt: Runtime, name: str) -> uuid.UUID:
    body = {"name": name, "kind": "employee", "region": REGION, "skills": ["welding"]}
    with rt.unit_of_work() as uow:
        tech = register_technician(
            uow, technician_in=body | {"active": True, "user_sub": f"tech-{name}"}, by=ADMIN
        )
        return tech.id


def _welding_job(rt: Runtime, amqp_url: str) -> uuid.UUID:
    ticket_id = uuid.uuid4()
    event = event_of(
        INTAKE_EVENTS,
        "ticket.solution_accepted",
        REGION,
        rt.clock.now(),
        ticket_id=ticket_id,
        required_skill="welding",
    )
    publish_raw(amqp_url, event.routing_key, event.to_json())

    def opened() -> Any:
        with rt.db.session() as session:
            return session.scalar(select(WorkOrder.id).where(WorkOrder.ticket_id == ticket_id))

    found: uuid.UUID = wait_until(opened, what="welding work order opened")
    return found


def _auto_schedule(rt: Runtime, work_order_id: uuid.UUID) -> uuid.UUID | None:
    window = {"window_start": utc(2099, 1, 1, 9), "window_end": utc(2099, 1, 1, 11)}
    with rt.unit_of_work() as uow:
        booked = schedule_visit(
            uow, work_order_id=work_order_id, schedule_in=window | {"agreed_via": "phone"}, by=ADMIN
        )
        return booked.technician_id


def _valid_until(rt: Runtime, person: str) -> Any:
    with rt.db.session() as session:
        return session.scalar(
            select(Qualification.valid_until).where(Qualification.person_id == person)
        )


def test_qualifications_on_the_broker_gate_automatic_assignment(
    worker: tuple[Runtime, Worker], amqp_url: str
) -> None:
    rt, _ = worker
    today = rt.clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    yesterday = today - dt.timedelta(days=1)
    bai, dong = _register(rt, "Bai"), _register(rt, "Dong")
    busy = _welding_job(rt, amqp_url)
    for event in (
        exam(rt, "tech-Bai", today - dt.timedelta(days=730), yesterday),
        exam(rt, "tech-Dong", today - dt.timedelta(days=10), today + dt.timedelta(days=700)),
    ):
        publish_raw(amqp_url, event.routing_key, event.to_json())
    wait_until(lambda: _valid_until(rt, "tech-Dong"), what="Dong's exam kept")
    assert wait_until(lambda: _valid_until(rt, "tech-Bai"), what="Bai's") == yesterday
    assert _auto_schedule(rt, busy) == dong  # Bai, less busy, is expired

    renewed = exam(rt, "tech-Bai", today, today + dt.timedelta(days=730))
    publish_raw(amqp_url, renewed.routing_key, renewed.to_json())
    wait_until(lambda: _valid_until(rt, "tech-Bai") != yesterday, what="Bai's new exam kept")

    assert _auto_schedule(rt, _welding_job(rt, amqp_url)) == bai  # least busy, valid again


def test_training_requested_on_the_broker_opens_one_training_work_order(
    worker: tuple[Runtime, Worker], amqp_url: str
) -> None:
    rt, _ = worker
    event = event_of(
        SUPPORT_EVENTS, "training.requested", REGION, rt.clock.now(), session_id=uuid.uuid4()
    )

    publish_raw(amqp_url, event.routing_key, event.to_json())
    publish_raw(amqp_url, event.routing_key, event.to_json())  # published twice

    def opened() -> list[Any]:
        with rt.db.session() as session:
            return list(session.execute(select(WorkOrder.kind, WorkOrder.training_session_id)))

    [(kind, session_id)] = wait_until(opened, what="training work order opened")
    assert (kind, session_id) == ("training", str(event.data["session_id"]))
    marker = exam(rt, "tech-Xi", dt.date(2026, 1, 1), dt.date(2028, 1, 1))
    publish_raw(amqp_url, marker.routing_key, marker.to_json())  # after both copies
    wait_until(lambda: _valid_until(rt, "tech-Xi"), what="marker consumed")
    assert len(opened()) == 1


def test_a_training_request_in_support_reaches_the_trainers_day_in_dispatch(
    database_url: str, amqp_url: str, tmp_path: Path
) -> None:
    support_db = f"sqlite:///{tmp_path / 'support.db'}"
    with (
        rabbit_worker(DISPATCH, database_url, amqp_url) as (drt, _),
        rabbit_worker(SUPPORT, support_db, amqp_url) as (srt, _),
    ):
        wang = _register(drt, "wang")  # login tech-wang: the trainer support names
        with srt.unit_of_work() as uow:
            asked = request_training(
                uow, session_in=TrainingCreate().load(session_body(region=REGION)), by=AGENT
            )
            session_id = str(asked.id)

        def opened() -> Any:
            with drt.db.session() as session:
                return session.scalar(
                    select(WorkOrder).where(WorkOrder.training_session_id == session_id)
                )

        assert wait_until(opened, what="training work order opened").status == "unscheduled"
        with srt.unit_of_work() as uow:
            schedule_training(
                uow, session_id=asked.id, plan=ScheduleCreate().load(PLAN), by=MANAGER
            )
        wait_until(lambda: opened().status == "scheduled", what="trainer booked")

        day = dt.datetime(2026, 12, 14, tzinfo=ZoneInfo("Asia/Shanghai"))
        with drt.db.session() as session:
            [route] = list_route(session, region=REGION, day_starts=day, viewer=DISPATCHER)
        [stop] = route["stops"]
        assert route["technician"].id == wang
        assert (str(stop["work_order"].training_session_id), stop["work_order"].kind) == (
            session_id,
            "training",
        )
        assert stop["visit"].window_start == dt.datetime(2026, 12, 14, 1, 30, tzinfo=dt.UTC)
