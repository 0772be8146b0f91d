"""A memory alarm on the broker blocks publishers; the API keeps accepting writes and every
event is delivered once the alarm clears."""

from __future__ import annotations

from sqlalchemy import func, select

from services.intake import SERVICE as INTAKE
from services.kpi import SERVICE as KPI
from services.kpi.models import EventCount
from shared.db import OutboxMessage
from shared.web import build_app
from shared.worker import start_rabbit_worker
from tests.helpers import (
    amqp_channel,
    auth,
    migrated_runtime,
    rabbitmqctl,
    settings_for,
    ticket_body,
    wait_until,
)


def _alarms() -> str:
    return rabbitmqctl("eval", "rabbit_alarm:get_alarms().").strip()


def test_memory_alarm_blocks_publishing_not_the_api(
    sqlite_url: str, postgres_url: str, amqp_url: str
) -> None:
    connection, channel = amqp_channel(amqp_url)
    channel.queue_delete("kpi.events")
    connection.close()
    intake_settings = settings_for(INTAKE, sqlite_url, amqp_url)
    intake = migrated_runtime(INTAKE, intake_settings)
    kpi = migrated_runtime(KPI, settings_for(KPI, postgres_url, amqp_url))
    client = build_app(INTAKE, intake_settings).test_client()
    workers = [start_rabbit_worker(kpi)]
    wait_until(lambda: workers[0].consumer.connected.is_set(), what="kpi consumer")
    workers.append(start_rabbit_worker(intake))

    def counted() -> int:
        with kpi.db.session() as session:
            return int(session.scalar(select(func.sum(EventCount.count))) or 0)

    def unsent() -> int:
        with intake.db.session() as session:
            return int(
                session.scalar(select(func.count()).where(OutboxMessage.sent_at.is_(None))) or 0
            )

    watermark = rabbitmqctl("eval", "vm_memory_monitor:get_vm_memory_high_watermark().").strip()
    try:
        assert client.post("/tickets", json=ticket_body(), headers=auth("agent")).status_code == 201
        wait_until(lambda: counted() == 1, what="flowing before the alarm")
        rabbitmqctl("set_vm_memory_high_watermark", "absolute", "1")
        try:
            wait_until(lambda: "memory" in _alarms(), what="memory alarm raised")
            answers = [
                client.post("/tickets", json=ticket_body(), headers=auth("agent"))
                for _ in range(10)
            ]
            assert [a.status_code for a in answers] == [201] * 10
            assert unsent() > 0  # held in the outbox while publishers are blocked
        finally:
            rabbitmqctl("set_vm_memory_high_watermark", watermark)
        wait_until(lambda: "memory" not in _alarms(), what="alarm cleared")
        wait_until(
            lambda: counted() == 11,
            timeout=60,
            interval=0.2,
            what="everything delivered after the alarm",
        )
        wait_until(lambda: unsent() == 0, what="outbox drained")
    finally:
        for worker in workers:
            worker.stop.set()
            worker.join()
    assert counted() == 11
    assert not any(w.failed for w in workers)
