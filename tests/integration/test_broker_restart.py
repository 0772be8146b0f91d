"""A broker restart in the middle of a stream of 1,000 events: after recovery kpi has
counted exactly 1,000, and every id intake committed is the set kpi applied."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.intake import SERVICE as INTAKE
from services.intake.use_cases import register_ticket
from services.kpi import SERVICE as KPI
from services.kpi.models import ArchivedEvent, EventCount
from shared.auth import Principal
from shared.db import InboxMessage, OutboxMessage
from shared.service import Runtime
from shared.worker import start_rabbit_worker
from tests.helpers import (
    amqp_channel,
    create_pg_database,
    drop_pg_database,
    migrated_runtime,
    rabbitmqctl,
    settings_for,
    ticket_in,
    wait_until,
)

TOTAL = 1000
AGENT = Principal(sub="agent", roles=frozenset({"agent"}))


@pytest.fixture(params=["sqlite", "postgresql"])
def two_databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'intake.db'}", f"sqlite:///{tmp_path / 'kpi.db'}"
        return
    urls = create_pg_database(), create_pg_database()
    try:
        yield urls
    finally:
        for url in urls:
            drop_pg_database(url)


def applied(kpi: Runtime) -> int:
    with kpi.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(InboxMessage)) or 0)


def test_broker_restart_mid_stream_loses_and_doubles_nothing(
    two_databases: tuple[str, str], amqp_url: str
) -> None:
    connection, channel = amqp_channel(amqp_url)
    channel.queue_delete("kpi.events")
    connection.close()
    intake = migrated_runtime(INTAKE, settings_for(INTAKE, two_databases[0], amqp_url))
    kpi = migrated_runtime(KPI, settings_for(KPI, two_databases[1], amqp_url))
    kpi_worker = start_rabbit_worker(kpi)
    wait_until(lambda: kpi_worker.consumer.connected.is_set(), what="kpi consumer")
    intake_worker = start_rabbit_worker(intake)

    def stream() -> None:
        for _ in range(TOTAL):
            with intake.unit_of_work() as uow:
                register_ticket(uow, ticket_in=ticket_in(), by=AGENT)

    producer = threading.Thread(target=stream)
    producer.start()
    try:
        wait_until(lambda: applied(kpi) >= 150, timeout=60, what="stream under way")
        rabbitmqctl("stop_app")
        try:
            # While the broker is down, writes keep committing to the outbox.
            before = _outbox_count(intake)
            wait_until(
                lambda: _outbox_count(intake) > before + 20,
                timeout=30,
                what="writes during the outage",
            )
        finally:
            rabbitmqctl("start_app")
            rabbitmqctl("await_startup")
        producer.join(120)
        assert not producer.is_alive()

        wait_until(
            lambda: applied(kpi) >= TOTAL,
            timeout=120,
            interval=0.2,
            what="kpi caught up after the restart",
        )
    finally:
        for worker in (intake_worker, kpi_worker):
            worker.stop.set()
            worker.join()

    with intake.db.session() as session:
        committed = set(session.scalars(select(OutboxMessage.event_id)))
    with kpi.db.session() as session:
        inbox = list(session.scalars(select(InboxMessage.event_id)))
        archived = session.scalar(select(func.count()).select_from(ArchivedEvent))
        counted = session.scalar(select(func.sum(EventCount.count)))
    assert len(committed) == TOTAL
    assert set(inbox) == committed and len(inbox) == TOTAL
    assert archived == TOTAL
    assert counted == TOTAL
    assert not intake_worker.failed and not kpi_worker.failed
    intake.db.dispose()
    kpi.db.dispose()


def _outbox_count(rt: Runtime) -> int:
    with rt.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)
