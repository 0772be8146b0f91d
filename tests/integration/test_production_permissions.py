"""Workers run with the least-privilege broker users of deploy/rabbitmq/definitions.json."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import func, select

from services.intake import SERVICE as INTAKE
from services.intake.use_cases import register_ticket
from services.kpi import SERVICE as KPI
from services.kpi.models import EventCount
from shared.auth import Principal
from shared.cli import rabbitmq_definitions
from shared.messaging.topology import declare
from shared.worker import start_rabbit_worker
from tests.helpers import (
    amqp_channel,
    migrated_runtime,
    rabbitmqctl,
    settings_for,
    ticket_in,
    wait_until,
)


@pytest.fixture
def service_users(amqp_url: str) -> Iterator[dict[str, str]]:
    """Broker users named after the services, with the shipped permissions, in the test vhost."""
    parts = urlsplit(amqp_url)
    vhost = parts.path.lstrip("/")
    permissions = {p["user"]: p for p in rabbitmq_definitions()["permissions"]}
    urls, users = {}, []
    for service in ("intake", "kpi"):
        user, password = f"{service}-{secrets.token_hex(4)}", secrets.token_hex(16)
        rabbitmqctl("add_user", user, password)
        users.append(user)
        p = permissions[service]
        rabbitmqctl("set_permissions", "-p", vhost, user, p["configure"], p["write"], p["read"])
        urls[service] = (
            f"amqp://{quote(user)}:{quote(password)}@{parts.hostname}:{parts.port}/"
            f"{quote(vhost, safe='')}"
        )
    try:
        yield urls
    finally:
        for user in users:
            rabbitmqctl("delete_user", user)


def test_workers_publish_and_consume_with_least_privilege_users(
    service_users: dict[str, str], amqp_url: str, tmp_path: object
) -> None:
    connection, channel = amqp_channel(amqp_url)
    for queue in ("kpi.events", "kpi.events.dead"):
        channel.queue_delete(queue)
    declare(channel, [])  # the exchange comes from the definitions, as in production
    connection.close()
    intake = migrated_runtime(
        INTAKE, settings_for(INTAKE, f"sqlite:///{tmp_path}/i.db", service_users["intake"])
    )
    kpi = migrated_runtime(
        KPI, settings_for(KPI, f"sqlite:///{tmp_path}/k.db", service_users["kpi"])
    )
    workers = [start_rabbit_worker(kpi)]
    wait_until(
        lambda: workers[0].consumer.connected.is_set() or workers[0].failed, what="kpi consumer"
    )
    workers.append(start_rabbit_worker(intake))
    try:
        with intake.unit_of_work() as uow:
            register_ticket(
                uow, ticket_in=ticket_in(), by=Principal(sub="a", roles=frozenset({"agent"}))
            )

        def counted() -> int:
            with kpi.db.session() as session:
                return int(session.scalar(select(func.sum(EventCount.count))) or 0)

        wait_until(lambda: counted() == 1 or any(w.failed for w in workers), what="event delivered")
    finally:
        for worker in workers:
            worker.stop.set()
            worker.join()
    assert [w.failed for w in workers] == [[], []]
    assert counted() == 1
