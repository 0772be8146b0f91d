"""The network of registered services as a whole: their broker topology, the RabbitMQ
definitions shipped for production, and the local signing key ``make run`` and ``aftercare
token`` share. Used by the CLI and the runner alike."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pika

from shared.config import Settings
from shared.messaging.topology import (
    ConsumerTopology,
    declare,
    definitions,
    lane_name,
    region_binding_keys,
)
from shared.service import all_definitions, service_names


def topologies(*, from_env: bool = True) -> list[ConsumerTopology]:
    """Every consumer's topology; retry delays from the environment, or the defaults (the
    shipped definitions must not depend on the shell that generated them)."""
    result = []
    for definition in all_definitions():
        if definition.subscriptions:
            delays = (
                Settings.from_env(definition.name).retry_delays_seconds
                if from_env
                else Settings.retry_delays_seconds
            )
            result.append(
                ConsumerTopology(
                    consumer=definition.name,
                    binding_keys=tuple(definition.subscriptions.binding_keys()),
                    retry_delays_seconds=delays,
                )
            )
    return result


def declare_topology(amqp_url: str) -> None:
    """Declare the exchange and every consumer's queues (idempotent)."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        declare(connection.channel(), topologies())
    finally:
        connection.close()


def rabbitmq_definitions(
    lanes: Mapping[str, Sequence[tuple[str, ...]]] | None = None,
) -> dict[str, Any]:
    """The broker definitions shipped in ``deploy/rabbitmq/definitions.json``. With ``lanes``
    (service → the region groups its workers consume, AFTERCARE_CONSUME_REGIONS), that
    service's queues are its lanes' instead of the one for every region."""
    publishes = {
        d.name: sorted({decl.type for decl in d.catalog.declarations()}) for d in all_definitions()
    }
    consumers = []
    for topo in topologies(from_env=False):
        for regions in (lanes or {}).get(topo.consumer, [()]):
            consumers.append(
                replace(
                    topo,
                    binding_keys=region_binding_keys(topo.binding_keys, regions),
                    lane=lane_name(regions),
                )
            )
    return definitions(consumers, producers=list(service_names()), publishes=publishes)


def audiences() -> list[str]:
    """The audience of every service, for a token that may call them all."""
    return [f"aftercare.{name}" for name in service_names()]


def ensure_jwt_secret(var_dir: Path) -> None:
    """A random local signing key in var/, unless one is configured."""
    if (
        os.environ.get("AFTERCARE_JWT_SECRET")
        or os.environ.get("AFTERCARE_JWT_SECRET_FILE")
        or os.environ.get("AFTERCARE_JWT_PUBLIC_KEY")
    ):
        return
    path = var_dir / "jwt-secret"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    os.environ["AFTERCARE_JWT_SECRET_FILE"] = str(path.resolve())
