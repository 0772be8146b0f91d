"""Outbox → RabbitMQ with asynchronous publisher confirms on a SelectConnection.

A batch of claimed rows is published at once and each row is marked sent only when its
confirm arrives; a nack or an unroutable return keeps the row with a backoff and an alarm; a
lost connection abandons the batch (rows stay unsent) and reconnects with backoff.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import pika
from pika.spec import Basic
from sqlalchemy.orm import Session

from shared.clock import Clock
from shared.db import Database, OutboxMessage
from shared.faults import crash_point
from shared.logs import Outage
from shared.messaging.backoff import Backoff
from shared.messaging.relay import Pruner, claim_batch, message_properties, settle_batch
from shared.messaging.topology import EXCHANGE
from shared.metrics import OUTBOX_FAILURES, OUTBOX_PUBLISHED

log = logging.getLogger(__name__)

CONFIRM_TIMEOUT_SECONDS = 30.0


@dataclass
class _Batch:
    session: Session
    rows: list[OutboxMessage]
    by_tag: dict[int, OutboxMessage] = field(default_factory=dict)
    failures: dict[int, str] = field(default_factory=dict)
    returned: set[str] = field(default_factory=set)
    timeout: Any = None


class RabbitRelay:
    """Outbox → RabbitMQ with asynchronous publisher confirms, reconnecting with backoff."""

    def __init__(
        self,
        *,
        service: str,
        db: Database,
        params: pika.ConnectionParameters,
        clock: Clock,
        batch_size: int = 500,
        poll_seconds: float = 0.05,
        retention: dt.timedelta = dt.timedelta(days=7),
    ) -> None:
        self.service = service
        self.db = db
        self.params = params
        self.clock = clock
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.retention = retention
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._connection: pika.SelectConnection | None = None
        self._channel: Any = None
        self._batch: _Batch | None = None
        self._next_tag = 0
        self._pruner = Pruner(service=service, db=db, clock=clock, retention=retention)
        self._backoff = Backoff()
        # One log line per state change of the broker link and of the outbox's database.
        self._link = Outage(log, "relay's broker connection")
        self._batches = Outage(log, "relay's outbox batches")
        self._user_id = getattr(getattr(params, "credentials", None), "username", None)

    # -- lifecycle -------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        """Publish until ``stop`` is set, reconnecting after broker loss."""
        self._stop = stop
        while not stop.is_set():
            self._run_connection()
            self.connected.clear()
            if stop.is_set():
                break
            stop.wait(self._backoff.next())

    def _run_connection(self) -> None:
        try:
            self._connection = pika.SelectConnection(
                self.params,
                on_open_callback=self._on_open,
                on_open_error_callback=lambda _c, exc: self._on_closed(_c, exc),
                on_close_callback=self._on_closed,
            )
        except Exception as exc:
            self._link.failed(exc, service=self.service)
            return
        self._connection.ioloop.start()
        self._abandon_batch("connection lost")

    def _on_open(self, connection: pika.SelectConnection) -> None:
        connection.channel(on_open_callback=self._on_channel_open)

    def _on_channel_open(self, channel: Any) -> None:
        self._channel = channel
        self._next_tag = 0
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(
            ack_nack_callback=self._on_confirm, callback=lambda _frame: self._confirmed_mode()
        )

    def _confirmed_mode(self) -> None:
        self.connected.set()
        self._backoff.reset()
        self._link.recovered(service=self.service)
        log.info("relay connected", extra={"service": self.service})
        self._schedule(0)

    def _on_channel_closed(self, _channel: Any, reason: Exception) -> None:
        if not self._stop.is_set():
            log.error("relay channel closed: %s", reason, extra={"service": self.service})
        if self._connection is not None and self._connection.is_open:
            self._connection.close()

    def _on_closed(self, _connection: Any, reason: Exception) -> None:
        self.connected.clear()
        if not self._stop.is_set():
            self._link.failed(reason, service=self.service)
        if self._connection is not None:
            self._connection.ioloop.stop()

    def _schedule(self, delay: float) -> None:
        if self._connection is not None:
            self._connection.ioloop.call_later(delay, self._tick)

    # -- publishing ------------------------------------------------------------------------
    def _tick(self) -> None:
        if self._stop.is_set():
            if self._connection is not None and self._connection.is_open:
                self._connection.close()
            return
        if self._batch is not None:
            return
        try:
            self._pruner.maybe_prune()
            full = self._publish_batch()
        except Exception as exc:
            self._batches.failed(exc, service=self.service)
            self._abandon_batch("batch failed")
            self._schedule(1.0)
            return
        self._batches.recovered(service=self.service)
        if self._batch is None:
            self._schedule(0 if full else self.poll_seconds)

    def _publish_batch(self) -> bool:
        session = self.db.sessions()
        try:
            rows = claim_batch(session, now=self.clock.now(), limit=self.batch_size)
        except Exception:
            session.close()
            raise
        if not rows:
            session.rollback()
            session.close()
            return False
        if self.db.dialect != "postgresql":
            session.commit()  # SQLite: do not hold the write lock while the broker confirms
        crash_point("relay.before_publish")
        # Owned by the relay from here: a failure below (the channel closing mid-batch) is
        # abandoned by _tick, which rolls the claim back so the row locks are released.
        batch = self._batch = _Batch(session=session, rows=rows)
        for row in rows:
            self._channel.basic_publish(
                exchange=EXCHANGE,
                routing_key=row.routing_key,
                body=row.body.encode(),
                properties=message_properties(row, self.service, self._user_id),
                mandatory=True,
            )
            self._next_tag += 1
            batch.by_tag[self._next_tag] = row
        assert self._connection is not None
        batch.timeout = self._connection.ioloop.call_later(
            CONFIRM_TIMEOUT_SECONDS, self._confirm_timeout
        )
        return len(rows) == self.batch_size

    def _on_return(self, _channel: Any, _method: Any, properties: Any, _body: bytes) -> None:
        if self._batch is not None and properties.message_id:
            self._batch.returned.add(properties.message_id)

    def _on_confirm(self, frame: Any) -> None:
        batch = self._batch
        if batch is None:
            return
        method = frame.method
        tags = (
            [t for t in batch.by_tag if t <= method.delivery_tag]
            if method.multiple
            else [method.delivery_tag]
        )
        nacked = isinstance(method, Basic.Nack)
        for tag in tags:
            row = batch.by_tag.pop(tag, None)
            if row is None:
                continue
            if nacked:
                batch.failures[row.position] = "nacked by broker"
            elif row.event_id in batch.returned:
                batch.failures[row.position] = "unroutable: no queue bound for " + row.routing_key
        if not batch.by_tag:
            self._finish_batch()

    def _finish_batch(self) -> None:
        batch = self._batch
        assert batch is not None
        crash_point("relay.after_confirm")  # published and confirmed, not yet marked sent
        if batch.timeout is not None and self._connection is not None:
            self._connection.ioloop.remove_timeout(batch.timeout)
        try:
            settle_batch(batch.session, batch.rows, batch.failures, now=self.clock.now())
            batch.session.commit()
        except Exception:
            log.exception("relay could not mark rows sent", extra={"service": self.service})
            batch.session.rollback()
        finally:
            batch.session.close()
            self._batch = None
        sent = len(batch.rows) - len(batch.failures)
        OUTBOX_PUBLISHED.labels(self.service).inc(sent)
        for reason in batch.failures.values():
            OUTBOX_FAILURES.labels(self.service, reason.split(":")[0]).inc()
            log.error("event not delivered: %s", reason, extra={"service": self.service})
        self._schedule(0 if len(batch.rows) == self.batch_size else self.poll_seconds)

    def _confirm_timeout(self) -> None:
        log.error("broker did not confirm in time; reconnecting", extra={"service": self.service})
        if self._connection is not None and self._connection.is_open:
            self._connection.close()

    def _abandon_batch(self, reason: str) -> None:
        batch, self._batch = self._batch, None
        if batch is None:
            return
        OUTBOX_FAILURES.labels(self.service, "connection").inc(len(batch.by_tag))
        try:
            batch.session.rollback()  # rows stay unsent and will be published again
        finally:
            batch.session.close()
