"""Exchange and queue topology (SPEC section 1), declared idempotently and exported as
RabbitMQ definitions for production."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

EXCHANGE = "aftercare.events"
# A message redelivered this often without being settled (a handler that kills its worker)
# is dead-lettered to the parking queue by the broker itself.
DELIVERY_LIMIT = 20


def queue_name(consumer: str, lane: str | None = None) -> str:
    """A consumer's queue: ``<service>.events``, or ``<service>.events.<lane>`` for a worker
    that consumes only some regions (``AFTERCARE_CONSUME_REGIONS``)."""
    return f"{consumer}.events.{lane}" if lane else f"{consumer}.events"


def dead_letter_queue(consumer: str, lane: str | None = None) -> str:
    return f"{queue_name(consumer, lane)}.dead"


def retry_queue(consumer: str, level: int, lane: str | None = None) -> str:
    return f"{queue_name(consumer, lane)}.retry.{level}"


def requeue_exchange(consumer: str, lane: str | None = None) -> str:
    """A consumer's own direct exchange: its queues' dead-letter exchange and the route its
    worker sends retries and parked messages by (routing key = the target queue's name), so
    no service needs write on the default exchange, which reaches every queue."""
    return f"{queue_name(consumer, lane)}.requeue"


def lane_name(regions: Sequence[str]) -> str | None:
    """The lane of a worker bound to these regions only (none: every region)."""
    return "-".join(regions) or None


# The region word of events that belong to no one region (billing's national fee schedule).
NATIONAL = "national"


def region_binding_keys(keys: Iterable[str], regions: Sequence[str]) -> tuple[str, ...]:
    """Binding keys narrowed to some regions: ``<type>.*`` becomes ``<type>.<region>`` (the
    routing key is ``<type>.<region>``), ``#`` becomes ``#.<region>``; every region otherwise.
    Every lane also hears national events: they concern all regions, their effects are
    idempotent, and the inbox (kept per service, not per lane) applies each once."""
    keys = tuple(keys)
    if not regions:
        return keys
    regions = (*regions, NATIONAL)
    narrowed: list[str] = []
    for key in keys:
        if key == "#":
            narrowed.extend(f"#.{region}" for region in regions)
        elif key.endswith(".*"):
            narrowed.extend(f"{key[:-2]}.{region}" for region in regions)
        else:
            raise ValueError(f"cannot narrow binding key {key!r} to regions")
    return tuple(sorted(narrowed))


@dataclass(frozen=True)
class ConsumerTopology:
    """One consuming service's queues: main (quorum), retry delays, parking."""

    consumer: str
    binding_keys: tuple[str, ...]
    retry_delays_seconds: tuple[float, ...]
    # A worker bound to some regions only has queues of its own (``<service>.events.<lane>``).
    lane: str | None = None

    @property
    def queue(self) -> str:
        return queue_name(self.consumer, self.lane)

    @property
    def dead_letter_queue(self) -> str:
        return dead_letter_queue(self.consumer, self.lane)

    def retry_queue(self, level: int) -> str:
        return retry_queue(self.consumer, level, self.lane)

    @property
    def requeue_exchange(self) -> str:
        return requeue_exchange(self.consumer, self.lane)

    def queues(self) -> list[tuple[str, dict[str, Any]]]:
        main = self.queue
        queues: list[tuple[str, dict[str, Any]]] = [
            (
                main,
                {
                    "x-queue-type": "quorum",
                    "x-dead-letter-exchange": self.requeue_exchange,
                    "x-dead-letter-routing-key": self.dead_letter_queue,
                    "x-delivery-limit": DELIVERY_LIMIT,
                },
            ),
            (self.dead_letter_queue, {"x-queue-type": "classic"}),
        ]
        for level, delay in enumerate(self.retry_delays_seconds, start=1):
            queues.append(
                (
                    self.retry_queue(level),
                    {
                        "x-queue-type": "classic",
                        "x-message-ttl": int(delay * 1000),
                        "x-dead-letter-exchange": self.requeue_exchange,
                        "x-dead-letter-routing-key": main,
                    },
                )
            )
        return queues


def declare(channel: Any, consumers: Iterable[ConsumerTopology]) -> None:
    """Declare the exchange and every consumer's queues and bindings (idempotent)."""
    channel.exchange_declare(exchange=EXCHANGE, exchange_type="topic", durable=True)
    declare_queues(channel, consumers)


def declare_queues(channel: Any, consumers: Iterable[ConsumerTopology]) -> None:
    """Declare consumers' queues and bindings; the exchange must exist (production users may
    configure only their own queues: the exchange comes from the broker definitions)."""
    for topo in consumers:
        # First the exchange: RabbitMQ checks write on a queue's dead-letter exchange.
        channel.exchange_declare(
            exchange=topo.requeue_exchange, exchange_type="direct", durable=True
        )
        for name, arguments in topo.queues():
            channel.queue_declare(queue=name, durable=True, arguments=arguments)
            channel.queue_bind(queue=name, exchange=topo.requeue_exchange, routing_key=name)
        for key in topo.binding_keys:
            channel.queue_bind(queue=topo.queue, exchange=EXCHANGE, routing_key=key)


def definitions(
    consumers: Sequence[ConsumerTopology],
    producers: Sequence[str],
    vhost: str = "/",
    *,
    publishes: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """RabbitMQ definitions: the topology plus one least-privilege user per service.

    Users carry no password hash: passwords are secrets, set at deploy time
    (``rabbitmqctl change_password``), never kept in the repository. With ``publishes``
    (service → the event types it publishes), a service may publish only its own types
    (topic permissions on the routing key) and one that publishes nothing may not publish.
    """
    services = sorted(set(producers) | {c.consumer for c in consumers})
    queues, bindings = [], []
    exchanges = [_exchange(EXCHANGE, "topic", vhost)]
    for topo in consumers:
        exchanges.append(_exchange(topo.requeue_exchange, "direct", vhost))
        for name, arguments in topo.queues():
            queues.append(
                {
                    "name": name,
                    "vhost": vhost,
                    "durable": True,
                    "auto_delete": False,
                    "arguments": arguments,
                }
            )
            # its requeue exchange reaches each of its queues by the queue's name
            bindings.append(_binding(topo.requeue_exchange, name, name, vhost))
        for key in topo.binding_keys:
            bindings.append(_binding(EXCHANGE, topo.queue, key, vhost))
    users, permissions, topic_permissions = [], [], []
    for svc in services:
        users.append(
            {
                "name": svc,
                "password_hash": "",
                "hashing_algorithm": "rabbit_password_hashing_sha256",
                "tags": [],
            }
        )
        own = rf"^{svc}\.events(\..*)?$"
        exchange = re.escape(EXCHANGE)
        types = None if publishes is None else sorted(publishes.get(svc, ()))
        publish = "" if types == [] else f"{exchange}|"
        permissions.append(
            {
                "user": svc,
                "vhost": vhost,
                # publish events; move its own messages to its retry and parking queues
                # through its own requeue exchange (never amq.default: it reaches every queue)
                "configure": own,
                "write": rf"^({publish}{svc}\.events(\..*)?)$",
                "read": rf"^({exchange}|{svc}\.events(\..*)?)$",
            }
        )
        if types:
            alternatives = "|".join(re.escape(t) for t in types)
            topic_permissions.append(
                {
                    "user": svc,
                    "vhost": vhost,
                    "exchange": EXCHANGE,
                    # routing key <type>.<region>: only the types this service publishes
                    "write": rf"^({alternatives})\.[^.]+$",
                    "read": ".*",
                }
            )
    return {
        "rabbit_version": "3.10.8",
        "users": users,
        "vhosts": [{"name": vhost}],
        "permissions": permissions,
        **({"topic_permissions": topic_permissions} if publishes is not None else {}),
        "exchanges": exchanges,
        "queues": queues,
        "bindings": bindings,
    }


def _exchange(name: str, kind: str, vhost: str) -> dict[str, Any]:
    return {
        "name": name,
        "vhost": vhost,
        "type": kind,
        "durable": True,
        "auto_delete": False,
        "internal": False,
        "arguments": {},
    }


def _binding(source: str, queue: str, key: str, vhost: str) -> dict[str, Any]:
    return {
        "source": source,
        "vhost": vhost,
        "destination": queue,
        "destination_type": "queue",
        "routing_key": key,
        "arguments": {},
    }
