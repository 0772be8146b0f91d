"""dispatch's worker on the real RabbitMQ: a ticket.solution_accepted published on the exchange
opens a work order (once, even when published twice), and the repair.scheduled it leads to is
relayed to the exchange under ``repair.scheduled.<region>``."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from services.dispatch import SERVICE as DISPATCH
from services.dispatch.models import WorkOrder
from services.dispatch.use_cases import register_technician, schedule_visit
from services.intake.events import PUBLISHES as INTAKE_EVENTS
from shared.auth import Principal
from shared.messaging.topology import EXCHANGE
from shared.service import Runtime
from shared.worker import Worker
from tests.helpers import amqp_channel, publish_raw, rabbit_worker, utc, wait_until
from tests.integration.dispatch_support import event_of

ADMIN = Principal(sub="ops", roles=frozenset({"admin"}))


@pytest.fixture
def worker(database_url: str, amqp_url: str) -> Iterator[tuple[Runtime, Worker]]:
    with rabbit_worker(DISPATCH, database_url, amqp_url) as running:
        yield running


def test_solution_accepted_on_the_broker_opens_a_work_order_and_scheduling_is_relayed(
    worker: tuple[Runtime, Worker], amqp_url: str
) -> None:
    rt, _ = worker
    connection, channel = amqp_channel(amqp_url)
    watch = channel.queue_declare(queue="", exclusive=True).method.queue
    channel.queue_bind(watch, EXCHANGE, routing_key="repair.scheduled.*")
    now = rt.clock.now()
    event = event_of(
        INTAKE_EVENTS, "ticket.solution_accepted", "southwest", now, ticket_id=uuid.uuid4()
    )

    publish_raw(amqp_url, event.routing_key, event.to_json())
    publish_raw(amqp_url, event.routing_key, event.to_json())  # published twice

    def opened() -> list[Any]:
        with rt.db.session() as session:
            return list(session.scalars(select(WorkOrder.id)))

    [work_order_id] = wait_until(opened, what="work order opened")
    with rt.unit_of_work() as uow:
        body = {"name": "Xi", "kind": "employee", "region": "southwest", "skills": ["coating"]}
        register_technician(uow, technician_in=body | {"active": True}, by=ADMIN)
    with rt.unit_of_work() as uow:
        window = {"window_start": utc(2099, 1, 1, 9), "window_end": utc(2099, 1, 1, 11)}
        schedule_visit(
            uow,
            work_order_id=work_order_id,
            schedule_in=window | {"agreed_via": "phone"},
            by=ADMIN,
        )

    def relayed() -> Any:
        method, _props, payload = channel.basic_get(watch, auto_ack=True)
        return (method.routing_key, json.loads(payload)) if method else None

    routing_key, published = wait_until(relayed, what="repair.scheduled relayed")
    connection.close()
    assert routing_key == "repair.scheduled.southwest"
    assert published["producer"] == "dispatch"
    assert published["data"]["work_order_id"] == str(work_order_id)
    assert published["causation_id"] is None  # caused by a request, not an event
    with rt.db.session() as session:
        assert session.scalar(select(func.count()).select_from(WorkOrder)) == 1
