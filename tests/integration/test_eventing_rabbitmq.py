"""The eventing against the real RabbitMQ, on SQLite and PostgreSQL: outbox, relay with
confirms, inbox de-duplication, retries, parking and replay."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pika
import pytest
from sqlalchemy import func, select

from shared.db import InboxMessage, OutboxMessage
from shared.messaging.deadletters import list_dead_letters, replay_dead_letters
from shared.messaging.topology import EXCHANGE, dead_letter_queue, queue_name
from shared.service import Runtime
from shared.worker import Worker, start_rabbit_worker
from tests.helpers import amqp_channel, queue_depth, settings_for, wait_until
from tests.integration import probe
from tests.integration.probe import PROBE, SWITCHES, effects, emit


@dataclass
class Probe:
    rt: Runtime
    worker: Worker
    amqp_url: str


def _delete_queues(amqp_url: str, *names: str) -> None:
    connection, channel = amqp_channel(amqp_url)
    try:
        for name in names:
            channel.queue_delete(queue=name)
    finally:
        connection.close()


def _probe_queues() -> list[str]:
    return [
        queue_name("probe"),
        dead_letter_queue("probe"),
        *(f"probe.events.retry.{i}" for i in (1, 2, 3)),
    ]


def _start_probe(database_url: str, amqp_url: str) -> Probe:
    _delete_queues(amqp_url, *_probe_queues())
    SWITCHES.failing_markers.clear()
    SWITCHES.rollback_markers.clear()
    SWITCHES.calls.clear()
    rt = Runtime(PROBE, settings_for(PROBE, database_url, amqp_url))
    probe.create_tables(rt)
    worker = start_rabbit_worker(rt)
    wait_until(
        lambda: worker.consumer.connected.is_set() and worker.relay.connected.is_set(),
        what="worker connected",
    )
    return Probe(rt, worker, amqp_url)


def _stop_probe(p: Probe) -> None:
    p.worker.stop.set()
    p.worker.join()
    assert not p.worker.failed, p.worker.failed
    p.rt.db.dispose()


@pytest.fixture
def probe_service(database_url: str, amqp_url: str) -> Iterator[Probe]:
    started = _start_probe(database_url, amqp_url)
    yield started
    _stop_probe(started)


@pytest.fixture
def lone_probe(database_url: str, private_amqp_url: str) -> Iterator[Probe]:
    """The probe alone in its own virtual host: no other queue can bind its events."""
    started = _start_probe(database_url, private_amqp_url)
    yield started
    _stop_probe(started)


def _outbox_unsent(rt: Runtime) -> int:
    with rt.db.session() as session:
        return int(session.scalar(select(func.count()).where(OutboxMessage.sent_at.is_(None))))


def _inbox_ids(rt: Runtime) -> list[str]:
    with rt.db.session() as session:
        return list(session.scalars(select(InboxMessage.event_id)))


def _publish_raw(amqp_url: str, body: dict | str, routing_key: str, message_id: str) -> None:
    connection, channel = amqp_channel(amqp_url)
    try:
        channel.confirm_delivery()
        channel.basic_publish(
            EXCHANGE,
            routing_key,
            (body if isinstance(body, str) else json.dumps(body)).encode(),
            pika.BasicProperties(message_id=message_id, delivery_mode=2),
            mandatory=True,
        )
    finally:
        connection.close()


def _envelope(marker: str, n: object = 1, event_id: str | None = None) -> dict:
    return {
        "id": event_id or str(uuid.uuid4()),
        "type": "probe.happened",
        "version": 1,
        "occurred_at": "2026-11-28T10:00:00Z",
        "producer": "probe",
        "region": "east",
        "correlation_id": None,
        "causation_id": None,
        "data": {"marker": marker, "n": n},
    }


def test_committed_events_are_published_and_applied_once(probe_service: Probe) -> None:
    markers = [f"m{i}" for i in range(50)]
    emit(probe_service.rt, *markers)

    wait_until(lambda: len(effects(probe_service.rt)) == 50, what="50 effects")

    assert effects(probe_service.rt) == dict.fromkeys(markers, 1)
    wait_until(lambda: _outbox_unsent(probe_service.rt) == 0, what="outbox drained")
    assert len(set(_inbox_ids(probe_service.rt))) == 50


def test_rolled_back_transaction_publishes_nothing(probe_service: Probe) -> None:
    rt = probe_service.rt
    with pytest.raises(RuntimeError), rt.unit_of_work() as uow:
        uow.outbox.add(
            "probe.happened", {"marker": "ghost", "n": 0}, region="east", occurred_at=rt.clock.now()
        )
        uow.session.flush()  # the row exists inside the transaction...
        raise RuntimeError("use case failed after writing its event")
    emit(rt, "real")

    wait_until(lambda: "real" in effects(rt), what="the committed event")

    with rt.db.session() as session:
        bodies = list(session.scalars(select(OutboxMessage.body)))
    assert len(bodies) == 1 and "ghost" not in bodies[0]
    assert "ghost" not in effects(rt)
    assert SWITCHES.calls.get("ghost") is None


def test_same_event_delivered_twice_is_applied_once(probe_service: Probe) -> None:
    event_id = str(uuid.uuid4())
    for _ in range(2):
        _publish_raw(
            probe_service.amqp_url,
            _envelope("twice", event_id=event_id),
            "probe.happened.east",
            event_id,
        )
    _publish_raw(probe_service.amqp_url, _envelope("after"), "probe.happened.east", "x")

    wait_until(lambda: "after" in effects(probe_service.rt), what="the event behind")
    wait_until(lambda: queue_depth(probe_service.amqp_url, queue_name("probe")) == 0)

    assert effects(probe_service.rt)["twice"] == 1
    assert _inbox_ids(probe_service.rt).count(event_id) == 1


def test_invalid_event_is_parked_at_once_and_the_queue_keeps_flowing(
    probe_service: Probe,
) -> None:
    bad = _envelope("bad", n="not-a-number")
    _publish_raw(probe_service.amqp_url, bad, "probe.happened.east", bad["id"])
    _publish_raw(probe_service.amqp_url, "{not json", "probe.happened.east", "garbage")
    emit(probe_service.rt, "good")

    wait_until(lambda: "good" in effects(probe_service.rt), what="the good event")
    parked = wait_until(
        lambda: (lambda d: d if len(d) == 2 else None)(
            list_dead_letters(probe_service.amqp_url, "probe")
        ),
        what="two parked messages",
    )

    by_id = {p.event_id: p for p in parked}
    assert "n" in (by_id[bad["id"]].error or "")
    assert by_id[bad["id"]].attempts == 1  # parked without retries
    assert "not JSON" in (by_id["garbage"].error or "")
    assert "bad" not in effects(probe_service.rt)


def test_failing_handler_is_retried_then_parked_and_replay_applies_it_once(
    probe_service: Probe,
) -> None:
    SWITCHES.failing_markers.add("flaky")
    emit(probe_service.rt, "flaky", "behind-1", "behind-2")

    wait_until(
        lambda: {"behind-1", "behind-2"} <= set(effects(probe_service.rt)),
        what="events behind the failing one",
    )
    parked = wait_until(
        lambda: list_dead_letters(probe_service.amqp_url, "probe"),
        timeout=15,
        what="the failing event parked",
    )

    retries = len(probe_service.rt.settings.retry_delays_seconds)
    assert SWITCHES.calls["flaky"] == 1 + retries
    assert parked[0].attempts == 1 + retries
    assert "told to fail" in (parked[0].error or "")
    assert "flaky" not in effects(probe_service.rt)

    SWITCHES.failing_markers.clear()  # the operator fixed the cause
    assert replay_dead_letters(probe_service.amqp_url, "probe", event_id=parked[0].event_id) == 1

    wait_until(lambda: "flaky" in effects(probe_service.rt), what="replayed event applied")
    assert effects(probe_service.rt)["flaky"] == 1
    assert queue_depth(probe_service.amqp_url, dead_letter_queue("probe")) == 0


def test_a_handler_rolling_back_undoes_its_own_event_only(probe_service: Probe) -> None:
    """Inside a consumer batch a handler's rollback fails its own event (retried, then
    parked), never the events applied before it in the same batch."""
    SWITCHES.rollback_markers.add("undo")
    emit(probe_service.rt, "before", "undo", "after")  # one commit: one batch, as a rule

    parked = wait_until(
        lambda: list_dead_letters(probe_service.amqp_url, "probe"),
        timeout=15,
        what="the rolled-back event parked",
    )
    assert [p.type for p in parked] == ["probe.happened"]
    assert "RollbackInBatch" in (parked[0].error or "")
    assert effects(probe_service.rt) == {"before": 1, "after": 1}
    retries = len(probe_service.rt.settings.retry_delays_seconds)
    assert SWITCHES.calls["undo"] == 1 + retries


def test_unroutable_event_stays_in_the_outbox_with_its_error(lone_probe: Probe) -> None:
    # No queue binds probe.unbound in this virtual host.
    emit(lone_probe.rt, "lost", type_="probe.unbound")
    emit(lone_probe.rt, "found")

    wait_until(lambda: "found" in effects(lone_probe.rt), what="routable event")

    def unbound_row() -> OutboxMessage | None:
        with lone_probe.rt.db.session() as session:
            return session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.type == "probe.unbound", OutboxMessage.attempts >= 1
                )
            ).first()

    row = wait_until(unbound_row, what="unroutable row marked")
    assert row.sent_at is None
    assert "unroutable" in (row.last_error or "")
    assert row.next_attempt_at is not None
