"""The in-process transport keeps RabbitMQ's semantics: routed once, de-duplicated by the inbox,
retried after the configured delays then parked, replayable, unroutable events kept unsent.

Uses the probe service (tests/integration/probe.py) on a SQLite file; no broker.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from shared.clock import FixedClock
from shared.db import InboxMessage, OutboxMessage
from shared.messaging.inprocess import InProcessBus, InProcessConsumer
from shared.messaging.processing import Incoming
from shared.messaging.relay import PollingRelay
from shared.service import Runtime
from shared.worker import Worker, event_processor, start_inprocess_worker
from tests.helpers import settings_for, wait_until
from tests.integration import probe
from tests.integration.probe import PROBE, SWITCHES, effects, emit

RETRY_DELAYS = (0.2, 0.4, 0.8)  # settings_for's delays


@pytest.fixture
def rt(sqlite_url: str) -> Iterator[Runtime]:
    SWITCHES.failing_markers.clear()
    SWITCHES.calls.clear()
    runtime = Runtime(PROBE, settings_for(PROBE, sqlite_url))
    assert runtime.settings.retry_delays_seconds == RETRY_DELAYS
    probe.create_tables(runtime)
    yield runtime
    runtime.db.dispose()


@dataclass
class Running:
    rt: Runtime
    bus: InProcessBus
    worker: Worker

    def put(self, body: bytes) -> None:
        """Deliver a raw body on the probe's queue, as a broker redelivery would."""
        assert isinstance(self.worker.consumer, InProcessConsumer)
        self.worker.consumer.queue.put(Incoming(body=body))

    def flush(self) -> None:
        """Send a marker event behind everything queued and wait until it is applied."""
        marker = f"sentinel-{uuid.uuid4().hex[:6]}"
        emit(self.rt, marker)
        wait_until(lambda: effects(self.rt).get(marker) == 1, what=marker)


@pytest.fixture
def running(rt: Runtime) -> Iterator[Running]:
    bus = InProcessBus()
    worker = start_inprocess_worker(rt, bus)
    yield Running(rt, bus, worker)
    worker.stop.set()
    worker.join()
    assert not worker.failed, worker.failed


def outbox(rt: Runtime) -> dict[str, OutboxMessage]:
    with rt.db.session() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        return {json.loads(r.body)["data"]["marker"]: r for r in rows}


def inbox_ids(rt: Runtime) -> list[str]:
    with rt.db.session() as session:
        return list(session.scalars(select(InboxMessage.event_id)))


def envelope(marker: str, version: int = 1) -> bytes:
    event = PROBE.catalog.build(
        "probe.happened",
        {"marker": marker, "n": 1},
        region="east",
        occurred_at=dt.datetime.now(dt.UTC),
    )
    return json.dumps(event.to_dict() | {"version": version}).encode()


def test_committed_events_flow_once(running: Running) -> None:
    markers = [f"m{i}" for i in range(30)]
    emit(running.rt, *markers)

    wait_until(lambda: len(effects(running.rt)) == 30, what="30 effects")
    running.flush()

    assert {m: effects(running.rt)[m] for m in markers} == dict.fromkeys(markers, 1)
    assert {m: SWITCHES.calls[m] for m in markers} == dict.fromkeys(markers, 1)
    rows = outbox(running.rt)
    assert all(rows[m].sent_at is not None and rows[m].last_error is None for m in markers)
    assert sorted(inbox_ids(running.rt)) == sorted(r.event_id for r in rows.values())
    assert running.bus.parked["probe"] == []


def test_the_same_body_queued_twice_is_applied_once(running: Running) -> None:
    body = envelope("twice")
    running.put(body)
    running.put(body)  # most likely in the same batch as the first
    running.flush()

    running.put(body)  # after the first one committed: a separate batch
    running.flush()

    assert effects(running.rt)["twice"] == 1
    assert SWITCHES.calls["twice"] == 1  # the inbox skips the handler altogether
    assert inbox_ids(running.rt).count(json.loads(body)["id"]) == 1
    assert running.bus.parked["probe"] == []


def test_failing_handler_is_retried_then_parked_and_replayed_once(running: Running) -> None:
    SWITCHES.failing_markers.add("bad")
    started = time.monotonic()
    emit(running.rt, "bad", "good")

    [parked] = wait_until(lambda: list(running.bus.parked["probe"]), what="the parked event")

    assert time.monotonic() - started >= sum(RETRY_DELAYS)  # each retry waited its delay
    assert SWITCHES.calls["bad"] == 1 + len(RETRY_DELAYS)
    assert parked.attempts == 1 + len(RETRY_DELAYS)
    assert parked.error == "RuntimeError: probe handler told to fail for bad"
    assert json.loads(parked.body)["data"]["marker"] == "bad"
    assert effects(running.rt) == {"good": 1}  # the failure never held the other event back

    SWITCHES.failing_markers.discard("bad")
    assert running.bus.replay("probe") == 1
    wait_until(lambda: effects(running.rt).get("bad") == 1, what="the replayed event")
    running.flush()

    assert effects(running.rt)["bad"] == 1
    assert SWITCHES.calls["bad"] == 2 + len(RETRY_DELAYS)
    assert running.bus.parked["probe"] == []
    assert running.bus.replay("probe") == 0


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"not json at all", "not JSON"),
        (b'{"type": "probe.happened"}', "invalid envelope"),
        (envelope("v2", version=2), "probe does not accept probe.happened v2"),
    ],
)
def test_a_message_breaking_the_contract_is_parked_at_once(
    running: Running, body: bytes, error: str
) -> None:
    running.put(body)
    running.flush()

    [parked] = running.bus.parked["probe"]
    assert parked.attempts == 1  # never retried
    assert parked.error is not None and parked.error.startswith(error)
    assert "v2" not in SWITCHES.calls


def _row(routing_key: str, body: str = "{}") -> OutboxMessage:
    return OutboxMessage(routing_key=routing_key, body=body)


def test_bus_reports_an_event_nobody_binds_as_unroutable() -> None:
    bus = InProcessBus()
    assert bus.publish(_row("probe.happened.east")) is False  # nothing bound at all

    probe_queue = bus.bind("probe", ["probe.happened.*"])
    kpi_queue = bus.bind("kpi", ["#"])
    assert bus.publish(_row("probe.unbound.east")) is True  # kpi sees everything
    assert (probe_queue.qsize(), kpi_queue.qsize()) == (0, 1)

    bus.bind("kpi", ["other.thing.*"])  # re-binding replaces the patterns
    assert bus.publish(_row("probe.unbound.east")) is False
    assert bus.publish(_row("probe.happened.north", '{"x":1}')) is True
    assert probe_queue.get_nowait().body == b'{"x":1}'
    assert kpi_queue.qsize() == 1


def test_relay_keeps_an_unroutable_row_unsent_and_retries_it_later(rt: Runtime) -> None:
    bus = InProcessBus()
    consumer = InProcessConsumer(
        bus=bus,
        processor=event_processor(rt),
        binding_keys=PROBE.subscriptions.binding_keys(),
        retry_delays=RETRY_DELAYS,
    )
    clock = FixedClock(dt.datetime.now(dt.UTC).replace(microsecond=0))
    relay = PollingRelay(service="probe", db=rt.db, publish=bus.publish, clock=clock)
    emit(rt, "lost", type_="probe.unbound")
    emit(rt, "ok")

    assert relay.run_once() == 2

    rows = outbox(rt)
    assert rows["ok"].sent_at == clock.now()
    assert consumer.queue.get_nowait().body == rows["ok"].body.encode()
    assert consumer.queue.empty()
    lost = rows["lost"]
    assert lost.sent_at is None
    assert lost.last_error == "unroutable: no queue bound for probe.unbound.east"
    assert lost.attempts == 1
    assert lost.next_attempt_at is not None and lost.next_attempt_at > clock.now()

    assert relay.run_once() == 0  # not due yet: no hot loop on an unroutable row
    clock.advance(seconds=3600)
    assert relay.run_once() == 1
    assert outbox(rt)["lost"].attempts == 2
    assert outbox(rt)["lost"].sent_at is None
    assert consumer.queue.empty()
