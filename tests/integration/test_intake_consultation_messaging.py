"""intake's consultation events on the real RabbitMQ: a consultation escalated, answered after
its deadline and rated through the API reaches the exchange as ``consultation.escalated``,
``consultation.answered`` and ``consultation.rated`` under ``<type>.<region>``, once each, in
the ticket's order, with the payload kpi reads (within_deadline false: it counts late)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from services.intake import SERVICE as INTAKE
from shared.messaging.topology import EXCHANGE
from shared.service import Runtime
from shared.worker import Worker
from tests.helpers import amqp_channel, rabbit_worker, wait_until
from tests.integration.intake_api import running_intake


@pytest.fixture
def worker(database_url: str, amqp_url: str) -> Iterator[tuple[Runtime, Worker]]:
    with rabbit_worker(INTAKE, database_url, amqp_url) as running:
        yield running


def test_consultation_events_reach_the_exchange_once_each(
    worker: tuple[Runtime, Worker], database_url: str, amqp_url: str
) -> None:
    connection, channel = amqp_channel(amqp_url)
    watch = channel.queue_declare(queue="", exclusive=True).method.queue
    channel.queue_bind(watch, EXCHANGE, routing_key="consultation.#")
    with running_intake(database_url) as api:
        tid = str(
            api.create(kind="consultation", topic="use", priority="high", region="south")["id"]
        )
        # 4 business hours from Mon 10:00 Shanghai end at 15:30 (07:30 UTC); answered 16:00.
        api.clock.advance(hours=1)
        escalation = {"reason": "coating system outside the agent's scripts"}
        assert api.step(tid, "escalation", escalation).status_code == 200
        api.clock.advance(hours=5)
        answer = {"answer": "use the epoxy system E-2", "documents": []}
        assert api.step(tid, "answer", answer, role="engineer", sub="eng-7").status_code == 200
        assert api.step(tid, "answer-rating", {"rating": 2}).status_code == 200
    received: list[tuple[str, Any, dict[str, Any]]] = []

    def relayed() -> bool:
        while True:
            method, properties, body = channel.basic_get(watch, auto_ack=True)
            if method is None:
                return len(received) >= 3
            received.append((method.routing_key, properties, json.loads(body)))

    wait_until(relayed, timeout=20, what="the consultation's events relayed")
    connection.close()

    assert [key for key, _, _ in received] == [
        "consultation.escalated.south",
        "consultation.answered.south",
        "consultation.rated.south",
    ]
    assert all(event["data"]["ticket_id"] == tid for _, _, event in received)
    assert all(props.message_id == event["id"] for _, props, event in received)
    assert {event["producer"] for _, _, event in received} == {"intake"}
    escalated, answered, rated = (event["data"] for _, _, event in received)
    assert (escalated["escalated_to"], escalated["reason"]) == (None, escalation["reason"])
    assert answered["answered_at"] == "2026-11-30T08:00:00+00:00"
    assert answered["response_due_at"] == "2026-11-30T07:30:00+00:00"
    assert (answered["within_deadline"], answered["escalated"]) == (False, True)
    assert (answered["answered_by"], answered["topic"], answered["priority"]) == (
        "eng-7",
        "use",
        "high",
    )
    assert (rated["source"], rated["rating"], rated["region"]) == ("consultation", 2, "south")
    # The ticket's own sequence: created 1, escalated 2, answered 3, resolved 4, closed 5,
    # rated 6.
    assert [event["sequence"] for _, _, event in received] == [2, 3, 6]
