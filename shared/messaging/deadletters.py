"""Operator tools for parked messages: list them, replay one or all once the cause is fixed."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

import pika

from shared.messaging.consumer import ATTEMPTS_HEADER, ERROR_HEADER, republish_properties
from shared.messaging.topology import dead_letter_queue, queue_name, requeue_exchange


@dataclass(frozen=True)
class DeadLetter:
    event_id: str | None
    type: str | None
    region: str | None
    attempts: int
    error: str | None
    failed_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _describe(props: pika.BasicProperties, body: bytes) -> DeadLetter:
    headers = props.headers or {}
    region = None
    with contextlib.suppress(ValueError, AttributeError):
        region = json.loads(body).get("region")
    error = headers.get(ERROR_HEADER)
    if error is None and headers.get("x-death"):
        error = "dead-lettered by broker: " + str(headers["x-death"][0].get("reason"))
    return DeadLetter(
        event_id=props.message_id,
        type=props.type,
        region=region,
        attempts=int(headers.get(ATTEMPTS_HEADER, 0) or 0),
        error=error if isinstance(error, str) else (error.decode() if error else None),
        failed_at=headers.get("x-aftercare-failed-at"),
    )


def list_dead_letters(
    amqp_url: str, consumer: str, limit: int = 1000, *, lane: str | None = None
) -> list[DeadLetter]:
    """Parked messages of a consumer, in order; they stay parked."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        found = []
        for _ in range(limit):
            method, props, body = channel.basic_get(
                dead_letter_queue(consumer, lane), auto_ack=False
            )
            if method is None:
                break
            found.append(_describe(props, body))
        channel.close()  # unacked messages return to the queue in their order
        return found
    finally:
        connection.close()


def replay_dead_letters(
    amqp_url: str,
    consumer: str,
    *,
    event_id: str | None = None,
    limit: int = 100000,
    lane: str | None = None,
) -> int:
    """Move parked messages (one by event id, or all) back to the consumer's queue."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    replayed = 0
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        for _ in range(limit):
            method, props, body = channel.basic_get(
                dead_letter_queue(consumer, lane), auto_ack=False
            )
            if method is None:
                break
            if event_id is not None and props.message_id != event_id:
                continue  # left unacked: back in the queue when the channel closes
            channel.basic_publish(
                exchange=requeue_exchange(consumer, lane),
                routing_key=queue_name(consumer, lane),
                body=body,
                properties=republish_properties(props, attempts=0, error=None),
                mandatory=True,
            )
            channel.basic_ack(method.delivery_tag)
            replayed += 1
        channel.close()
        return replayed
    finally:
        connection.close()
