"""``aftercare topology`` (the idempotent declare) builds on the real RabbitMQ the exchanges
and bindings the shipped broker definitions hold: the requeue exchanges included."""

from __future__ import annotations

import pytest

from shared.messaging.topology import declare
from shared.network import rabbitmq_definitions, topologies
from tests.helpers import amqp_channel, rabbitmqctl


def listed(vhost: str, what: str, *columns: str) -> set[tuple[str, ...]]:
    out = rabbitmqctl(what, "-p", vhost, "-q", "--no-table-headers", *columns)
    return {tuple(line.split("\t")) for line in out.splitlines() if line.strip()}


def test_the_declared_topology_is_the_shipped_one(
    private_amqp_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AFTERCARE_RETRY_DELAYS", raising=False)
    vhost = private_amqp_url.rsplit("/", 1)[1]
    connection, channel = amqp_channel(private_amqp_url)
    declare(channel, topologies(from_env=False))
    declare(channel, topologies(from_env=False))  # idempotent
    connection.close()
    shipped = rabbitmq_definitions()

    exchanges = {
        x
        for x in listed(vhost, "list_exchanges", "name", "type")
        if x[0] and not x[0].startswith("amq.")
    }
    assert exchanges == {(x["name"], x["type"]) for x in shipped["exchanges"]}
    bindings = {
        b
        for b in listed(vhost, "list_bindings", "source_name", "destination_name", "routing_key")
        if b[0]  # the default exchange binds every queue by itself
    }
    assert bindings == {
        (b["source"], b["destination"], b["routing_key"]) for b in shipped["bindings"]
    }
    queues = {q[0] for q in listed(vhost, "list_queues", "name")}
    assert queues == {q["name"] for q in shipped["queues"]}
