"""A region's dispatch worker on the real RabbitMQ (AFTERCARE_CONSUME_REGIONS=east): its own
quorum queue bound to the east keys only, and it applies east's events and nobody else's."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from services.dispatch import SERVICE as DISPATCH
from services.dispatch.models import WorkOrder
from services.intake.events import PUBLISHES as INTAKE_EVENTS
from shared.messaging.topology import NATIONAL, declare
from shared.worker import start_rabbit_worker
from tests.helpers import (
    amqp_channel,
    migrated_runtime,
    publish_raw,
    rabbitmqctl,
    settings_for,
    wait_until,
)
from tests.integration.dispatch_support import event_of


def bindings(vhost: str) -> set[tuple[str, str]]:
    out = rabbitmqctl(
        "list_bindings", "-p", vhost, "-q", "--no-table-headers",
        "source_name", "destination_name", "routing_key",
    )  # fmt: skip
    found = set()
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[0] == "aftercare.events":
            found.add((parts[1], parts[2]))
    return found


def test_a_region_worker_consumes_its_region_only(private_amqp_url: str, tmp_path: Any) -> None:
    vhost = private_amqp_url.rsplit("/", 1)[1]

    connection, channel = amqp_channel(private_amqp_url)
    declare(channel, [])  # the exchange, as the broker definitions create it
    connection.close()
    settings = settings_for(
        DISPATCH, f"sqlite:///{tmp_path}/d.db", private_amqp_url, consume_regions=("east",)
    )
    rt = migrated_runtime(DISPATCH, settings)
    worker = start_rabbit_worker(rt)
    try:
        wait_until(lambda: worker.consumer.connected.is_set() or worker.failed, what="connected")
        bound = bindings(vhost)
        expected = {
            ("dispatch.events.east", f"{key[:-2]}.{region}")
            for key in DISPATCH.subscriptions.binding_keys()
            for region in ("east", NATIONAL)
        }
        assert bound == expected, "the east queue only, on east (and national) keys only"
        now = rt.clock.now()
        for region in ("north", "east"):
            event = event_of(
                INTAKE_EVENTS, "ticket.solution_accepted", region, now, ticket_id=uuid.uuid4()
            )
            publish_raw(private_amqp_url, event.routing_key, event.to_json())

        def regions() -> list[str]:
            with rt.db.session() as session:
                return list(session.scalars(select(WorkOrder.region)))

        # north's event was published first and has no queue bound: unroutable, never applied
        assert wait_until(regions, what="east's work order") == ["east"]
    finally:
        worker.stop.set()
        worker.join()
        rt.db.dispose()
    assert not worker.failed
