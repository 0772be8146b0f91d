"""A consumer whose database goes away, and a handler slower than the heartbeat."""

from __future__ import annotations

from prometheus_client import REGISTRY
from sqlalchemy import func, select

from services.intake import SERVICE as INTAKE
from services.intake.use_cases import register_ticket
from services.kpi import SERVICE as KPI
from shared.auth import Principal
from shared.db import InboxMessage, OutboxMessage
from shared.service import Runtime
from shared.worker import start_rabbit_worker
from tests.helpers import (
    allow_connections,
    amqp_channel,
    migrated_runtime,
    queue_depth,
    settings_for,
    ticket_in,
    wait_until,
)
from tests.integration import probe
from tests.integration.probe import PROBE, SWITCHES, effects, emit

AGENT = Principal(sub="agent", roles=frozenset({"agent"}))


def _applied(rt: Runtime) -> int:
    with rt.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(InboxMessage)) or 0)


def test_consumer_database_down_backs_off_parks_nothing_and_drains(
    sqlite_url: str, postgres_url: str, amqp_url: str
) -> None:
    connection, channel = amqp_channel(amqp_url)
    for queue in ("kpi.events", "kpi.events.dead"):
        channel.queue_delete(queue)
    connection.close()
    intake = migrated_runtime(INTAKE, settings_for(INTAKE, sqlite_url, amqp_url))
    kpi = migrated_runtime(KPI, settings_for(KPI, postgres_url, amqp_url))
    kpi_worker = start_rabbit_worker(kpi)
    wait_until(lambda: kpi_worker.consumer.connected.is_set(), what="kpi consumer")
    intake_worker = start_rabbit_worker(intake)
    errors_before = _db_errors()
    try:
        allow_connections(postgres_url, False)
        try:
            for _ in range(60):
                with intake.unit_of_work() as uow:
                    register_ticket(uow, ticket_in=ticket_in(), by=AGENT)
            # Delivered to kpi but not applicable: they wait in the queue, unacked.
            wait_until(lambda: _unsent(intake) == 0, what="intake published everything")
            wait_until(
                lambda: _db_errors() >= errors_before + 2,
                timeout=15,
                what="kpi consumer hit the outage and retried",
            )
        finally:
            allow_connections(postgres_url, True)
        wait_until(
            lambda: _applied(kpi) == 60,
            timeout=60,
            interval=0.2,
            what="backlog drained after the database came back",
        )
    finally:
        for worker in (intake_worker, kpi_worker):
            worker.stop.set()
            worker.join()
    assert queue_depth(amqp_url, "kpi.events.dead") == 0
    assert not kpi_worker.failed
    intake.db.dispose()
    kpi.db.dispose()


def _db_errors() -> float:
    value = REGISTRY.get_sample_value(
        "aftercare_consumer_database_errors_total", {"service": "kpi"}
    )
    return value or 0.0


def _unsent(rt: Runtime) -> int:
    with rt.db.session() as session:
        return int(session.scalar(select(func.count()).where(OutboxMessage.sent_at.is_(None))) or 0)


def test_handler_slower_than_the_heartbeat_keeps_its_connection(
    sqlite_url: str, amqp_url: str
) -> None:
    connection, channel = amqp_channel(amqp_url)
    for queue in ("probe.events", "probe.events.dead"):
        channel.queue_delete(queue)
    connection.close()
    SWITCHES.failing_markers.clear()
    SWITCHES.slow_markers = {"slow": 5.0}  # heartbeat below is 1 s: five beats missed
    rt = Runtime(PROBE, settings_for(PROBE, sqlite_url, amqp_url + "?heartbeat=1"))
    probe.create_tables(rt)
    worker = start_rabbit_worker(rt)
    try:
        wait_until(lambda: worker.consumer.connected.is_set(), what="consumer connected")
        emit(rt, "slow", "after-slow")
        wait_until(lambda: effects(rt).get("after-slow") == 1, timeout=30, what="both applied")
    finally:
        SWITCHES.slow_markers = {}
        worker.stop.set()
        worker.join()
    assert effects(rt) == {"slow": 1, "after-slow": 1}
    assert SWITCHES.calls["slow"] == 1  # never redelivered: the connection stayed up
    assert not worker.failed
