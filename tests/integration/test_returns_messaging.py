"""returns's worker on the real RabbitMQ: a repair.escalated published on the exchange (twice)
opens one request, and the return.requested it records is relayed to the exchange under
``return.requested.<region>``, caused by the escalation."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from services.dispatch.events import PUBLISHES as DISPATCH_EVENTS
from services.returns import SERVICE as RETURNS
from services.returns.models import ReturnRequest
from shared.messaging.topology import EXCHANGE
from shared.service import Runtime
from shared.worker import Worker
from tests.helpers import amqp_channel, publish_raw, rabbit_worker, wait_until
from tests.integration.returns_support import event_of


@pytest.fixture
def worker(database_url: str, amqp_url: str) -> Iterator[tuple[Runtime, Worker]]:
    with rabbit_worker(RETURNS, database_url, amqp_url) as running:
        yield running


def test_an_escalation_on_the_broker_opens_one_request_and_its_event_is_relayed(
    worker: tuple[Runtime, Worker], amqp_url: str
) -> None:
    rt, _ = worker
    connection, channel = amqp_channel(amqp_url)
    watch = channel.queue_declare(queue="", exclusive=True).method.queue
    channel.queue_bind(watch, EXCHANGE, routing_key="return.requested.*")
    work_order_id = uuid.uuid4()
    event = event_of(
        DISPATCH_EVENTS,
        "repair.escalated",
        "northwest",
        rt.clock.now(),
        work_order_id=work_order_id,
        ticket_id=None,
    )

    marker = event_of(
        DISPATCH_EVENTS, "repair.escalated", "northwest", rt.clock.now(), ticket_id=None
    )

    publish_raw(amqp_url, event.routing_key, event.to_json())
    publish_raw(amqp_url, event.routing_key, event.to_json())  # published twice
    publish_raw(amqp_url, marker.routing_key, marker.to_json())  # consumed after the duplicate

    def opened() -> list[Any]:
        with rt.db.session() as session:
            found = [str(w) for w in session.scalars(select(ReturnRequest.work_order_id))]
        return found if marker.data["work_order_id"] in found else []

    work_orders = wait_until(opened, what="requests opened")
    assert sorted(work_orders) == sorted([str(work_order_id), str(marker.data["work_order_id"])])
    relayed_events: list[tuple[str, dict[str, Any]]] = []

    def relayed() -> bool:
        while True:
            method, _props, payload = channel.basic_get(watch, auto_ack=True)
            if method is None:
                return len(relayed_events) >= 2
            relayed_events.append((method.routing_key, json.loads(payload)))

    wait_until(relayed, what="return.requested relayed")
    connection.close()
    [(routing_key, published)] = [
        (key, e) for key, e in relayed_events if e["data"]["work_order_id"] == str(work_order_id)
    ]
    assert routing_key == "return.requested.northwest"
    assert published["producer"] == "returns" and published["causation_id"] == str(event.id)
    assert published["data"]["kind"] == "replacement" and len(relayed_events) == 2
