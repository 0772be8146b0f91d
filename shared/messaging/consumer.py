"""The RabbitMQ consumer: batches deliveries, applies them, then settles each one.

Ack only after the batch's transaction commits. A failed handler's message is republished to
a delay queue (TTL, dead-lettering back to the main queue) with its attempt count in a
header; after the last delay it is parked in ``<service>.events.dead`` with the error, and the
queue keeps flowing. A database outage holds the batch unacked and backs off, parking nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import AMQPChannelError, AMQPConnectionError, ChannelClosedByBroker

from shared.clock import rfc3339
from shared.faults import crash_point
from shared.logs import Outage
from shared.messaging.backoff import Backoff
from shared.messaging.processing import (
    DatabaseUnavailable,
    EventProcessor,
    Incoming,
    Outcome,
    Settled,
)
from shared.messaging.topology import (
    EXCHANGE,
    ConsumerTopology,
    declare,
    declare_queues,
)
from shared.metrics import DEAD_LETTERS

log = logging.getLogger(__name__)

ATTEMPTS_HEADER = "x-aftercare-attempts"
PARKED_CHECK_SECONDS = 10.0
ERROR_HEADER = "x-aftercare-error"


def attempts_of(properties: pika.BasicProperties) -> int:
    """How many times this message was already tried and sent for retry."""
    headers = properties.headers or {}
    try:
        return int(headers.get(ATTEMPTS_HEADER, 0))
    except (TypeError, ValueError):
        return 0


def republish_properties(
    properties: pika.BasicProperties, *, attempts: int, error: str | None
) -> pika.BasicProperties:
    headers = dict(properties.headers or {})
    headers.pop("x-death", None)
    headers[ATTEMPTS_HEADER] = attempts
    if error is not None:
        headers[ERROR_HEADER] = error[:2000]
        headers["x-aftercare-failed-at"] = rfc3339(dt.datetime.now(dt.UTC))
    return pika.BasicProperties(
        content_type=properties.content_type,
        delivery_mode=pika.DeliveryMode.Persistent,
        message_id=properties.message_id,
        type=properties.type,
        app_id=properties.app_id,
        correlation_id=properties.correlation_id,
        timestamp=properties.timestamp,
        headers=headers,
    )


def _wake(connection: pika.BlockingConnection) -> None:
    with contextlib.suppress(Exception):  # the connection may have closed meanwhile
        connection.add_callback_threadsafe(lambda: None)


class RabbitConsumer:
    """Consumes ``<service>.events`` with an explicit prefetch and batched commits."""

    def __init__(
        self,
        *,
        processor: EventProcessor,
        params: pika.ConnectionParameters,
        topology: ConsumerTopology,
        prefetch: int = 200,
        batch_size: int = 100,
        batch_seconds: float = 0.02,
        declare_topology: bool = True,
    ) -> None:
        self.processor = processor
        self.params = params
        self.topology = topology
        self.prefetch = prefetch
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self.declare_topology = declare_topology
        self.service = processor.service
        self.connected = threading.Event()
        self._pending: list[tuple[Any, pika.BasicProperties, bytes]] = []
        self._executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=f"{self.service}-apply"
        )
        self._parked_checked_at = 0.0
        self._link = Outage(log, "consumer's broker connection")
        self._database = Outage(log, "consumer's database (messages held, unacked)")

    def run(self, stop: threading.Event) -> None:
        """Consume until ``stop`` is set, reconnecting after broker loss."""
        backoff = Backoff()
        while not stop.is_set():
            try:
                self._consume(stop, backoff)
            except ChannelClosedByBroker:
                # A channel error means a bug or a permission problem: crash loudly.
                log.exception("consumer channel closed by broker", extra={"service": self.service})
                raise
            except (AMQPConnectionError, AMQPChannelError, OSError) as exc:
                self._link.failed(exc, service=self.service)
            self.connected.clear()
            self._pending.clear()  # unacked deliveries are redelivered by the broker
            if not stop.is_set():
                stop.wait(backoff.next())

    def _consume(self, stop: threading.Event, backoff: Backoff) -> None:
        connection = pika.BlockingConnection(self.params)
        try:
            channel = self._declared_channel(connection)
            channel.confirm_delivery()
            channel.basic_qos(prefetch_count=self.prefetch)
            channel.basic_consume(
                queue=self.topology.queue,
                on_message_callback=lambda _ch, method, props, body: self._pending.append(
                    (method, props, body)
                ),
            )
            self.connected.set()
            backoff.reset()
            self._link.recovered(service=self.service)
            log.info("consumer connected", extra={"service": self.service})
            while not stop.is_set():
                self._report_parked(channel)
                batch = self._collect(connection)
                if batch:
                    self._handle(connection, channel, batch, stop)
        finally:
            if connection.is_open:
                with contextlib.suppress(Exception):
                    connection.close()

    def _declared_channel(self, connection: pika.BlockingConnection) -> BlockingChannel:
        """A channel on which this consumer's queues exist. The exchange is only checked
        (passively) when it exists, so a production user needs no configure right on it."""
        channel = connection.channel()
        if not self.declare_topology:
            return channel
        try:
            channel.exchange_declare(EXCHANGE, passive=True)
        except ChannelClosedByBroker as exc:
            if exc.reply_code != 404:
                raise
            channel = connection.channel()
            declare(channel, [])  # a fresh local broker: create the exchange
        declare_queues(channel, [self.topology])
        return channel

    def _collect(
        self, connection: pika.BlockingConnection
    ) -> list[tuple[Any, pika.BasicProperties, bytes]]:
        """Wait for deliveries; gather up to a batch or until the batch window closes."""
        if not self._pending:
            connection.process_data_events(time_limit=0.5)
        if self._pending:
            deadline = time.monotonic() + self.batch_seconds
            while len(self._pending) < self.batch_size:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                connection.process_data_events(time_limit=left)
        batch = self._pending[: self.batch_size]
        del self._pending[: self.batch_size]
        return batch

    def _handle(
        self,
        connection: pika.BlockingConnection,
        channel: BlockingChannel,
        batch: list[tuple[Any, pika.BasicProperties, bytes]],
        stop: threading.Event,
    ) -> None:
        messages = [
            Incoming(body=body, attempts=attempts_of(props), handle=(method, props))
            for method, props, body in batch
        ]
        db_backoff = Backoff(base=0.5, cap=30.0)
        while True:
            try:
                settled = self._process_keeping_heartbeats(connection, messages)
                self._database.recovered(service=self.service)
                break
            except DatabaseUnavailable as exc:
                self._database.failed(exc, service=self.service, held=len(messages))
                connection.sleep(db_backoff.next())  # services heartbeats, unlike time.sleep
                if stop.is_set():
                    return
        crash_point("consumer.after_commit")  # applied and committed, not yet acked
        self._settle(channel, settled)

    def _process_keeping_heartbeats(
        self, connection: pika.BlockingConnection, messages: list[Incoming]
    ) -> list[Settled]:
        """Apply the batch in a helper thread while this thread keeps the connection alive,
        so a handler slower than the heartbeat does not get the connection dropped."""
        future = self._executor.submit(self.processor.process, messages)
        # Wake this thread the moment the batch is done instead of at the next poll.
        future.add_done_callback(lambda _f: _wake(connection))
        while not future.done():
            connection.process_data_events(time_limit=0.1)
        return future.result()

    def _report_parked(self, channel: BlockingChannel) -> None:
        if time.monotonic() - self._parked_checked_at < PARKED_CHECK_SECONDS:
            return
        self._parked_checked_at = time.monotonic()
        frame = channel.queue_declare(self.topology.dead_letter_queue, passive=True)
        DEAD_LETTERS.labels(self.service).set(frame.method.message_count)

    def _settle(self, channel: BlockingChannel, settled: list[Settled]) -> None:
        for item in settled:
            _method, props = item.message.handle
            if item.outcome is Outcome.RETRY:
                level = item.message.attempts + 1
                properties = republish_properties(props, attempts=level, error=item.error)
                # Jitter below the delay queue's TTL, so retries of a burst spread out.
                delay_ms = self.topology.retry_delays_seconds[level - 1] * 1000
                properties.expiration = str(int(delay_ms * random.uniform(0.8, 1.0)))
                channel.basic_publish(
                    exchange=self.topology.requeue_exchange,
                    routing_key=self.topology.retry_queue(level),
                    body=item.message.body,
                    properties=properties,
                    mandatory=True,
                )
            elif item.outcome is Outcome.PARK:
                log.error(
                    "event parked: %s",
                    item.error,
                    extra={"service": self.service, "event_type": item.event_type},
                )
                channel.basic_publish(
                    exchange=self.topology.requeue_exchange,
                    routing_key=self.topology.dead_letter_queue,
                    body=item.message.body,
                    properties=republish_properties(
                        props, attempts=item.message.attempts + 1, error=item.error
                    ),
                    mandatory=True,
                )
        last_method = settled[-1].message.handle[0]
        channel.basic_ack(delivery_tag=last_method.delivery_tag, multiple=True)
