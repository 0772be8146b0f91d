"""billing's worker on the real RabbitMQ: a repair.completed published twice on the exchange
makes one draft invoice; a published fee schedule is relayed under
``fee_schedule.published.national`` for returns."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from services.billing import SERVICE as BILLING
from services.billing.models import Invoice
from services.billing.use_cases import publish_fee_schedule
from shared.auth import Principal
from shared.messaging.topology import EXCHANGE
from shared.service import Runtime
from tests.helpers import amqp_channel, publish_raw, rabbit_worker, wait_until
from tests.integration.billing_support import repair_completed
from tests.unit.billing.support import schedule_in

FINANCE = Principal(sub="fin-1", roles=frozenset({"finance"}))


@pytest.fixture
def worker(database_url: str, amqp_url: str) -> Iterator[Runtime]:
    with rabbit_worker(BILLING, database_url, amqp_url) as (rt, _):
        yield rt


def test_a_repair_published_twice_is_billed_once_and_the_schedule_is_relayed(
    worker: Runtime, amqp_url: str
) -> None:
    rt = worker
    connection, channel = amqp_channel(amqp_url)
    watch = channel.queue_declare(queue="", exclusive=True).method.queue
    channel.queue_bind(watch, EXCHANGE, routing_key="fee_schedule.published.*")
    with rt.unit_of_work() as uow:
        publish_fee_schedule(uow, schedule_in=schedule_in(), by=FINANCE)  # type: ignore[arg-type]

    event = repair_completed("south")
    publish_raw(amqp_url, event.routing_key, event.to_json())
    publish_raw(amqp_url, event.routing_key, event.to_json())  # the same event, twice
    later = repair_completed("south")  # consumed after the duplicate: a marker
    publish_raw(amqp_url, later.routing_key, later.to_json())

    def billed() -> list[Any]:
        with rt.db.session() as session:
            return [str(i) for i in session.scalars(select(Invoice.work_order_id))]

    wait_until(lambda: later.data["work_order_id"] in billed(), what="the marker's invoice")
    assert sorted(billed()) == sorted(str(e.data["work_order_id"]) for e in (event, later))
    with rt.db.session() as session:
        invoice = session.scalars(
            select(Invoice).where(Invoice.work_order_id == uuid.UUID(event.data["work_order_id"]))
        ).one()
    assert (invoice.region, invoice.status, invoice.schedule_number) == ("south", "draft", 1)

    def relayed() -> Any:
        method, _props, payload = channel.basic_get(watch, auto_ack=True)
        return (method.routing_key, json.loads(payload)) if method else None

    routing_key, published = wait_until(relayed, what="fee_schedule.published relayed")
    connection.close()
    assert routing_key == "fee_schedule.published.national"
    assert published["data"]["schedule_version"] == 1
