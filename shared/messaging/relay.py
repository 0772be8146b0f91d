"""The outbox relay: publishes committed outbox rows and marks them sent after the confirm.

Rows are claimed in position order (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several
relays can run). A row is marked sent only after the broker confirmed it; a nack, an
unroutable return or a lost connection leaves it unsent with a backoff and an alarm
(metric and log). The RabbitMQ relay (rabbit_relay.py) keeps a window of unconfirmed
publishes on a SelectConnection rather than waiting for each confirm; the polling relay here
serves the in-process transport.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable

import pika
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from shared.clock import Clock
from shared.db import Database, OutboxMessage
from shared.logs import Outage
from shared.messaging.backoff import Backoff
from shared.metrics import OUTBOX_FAILURES, OUTBOX_PUBLISHED
from shared.outbox import prune_sent

log = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 600.0


def claim_batch(session: Session, *, now: dt.datetime, limit: int) -> list[OutboxMessage]:
    """Unsent rows that are due, oldest first, locked against other relays."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        )
        .order_by(OutboxMessage.position)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.execute(query).scalars())


def settle_batch(
    session: Session, rows: list[OutboxMessage], failures: dict[int, str], *, now: dt.datetime
) -> None:
    """Mark confirmed rows sent; give failed ones an error and a later retry time."""
    sent = [r.position for r in rows if r.position not in failures]
    if sent:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.position.in_(sent)).values(sent_at=now)
        )
    for row in rows:
        reason = failures.get(row.position)
        if reason is None:
            continue
        attempts = (row.attempts or 0) + 1
        delay = min(300.0, 0.5 * 2 ** min(attempts, 10))
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.position == row.position)
            .values(
                attempts=attempts,
                last_error=reason,
                next_attempt_at=now + dt.timedelta(seconds=delay),
            )
        )


def message_properties(
    row: OutboxMessage, service: str, user_id: str | None = None
) -> pika.BasicProperties:
    """Persistent, identified, typed: what a consumer and an operator need to see."""
    envelope = json.loads(row.body)
    return pika.BasicProperties(
        content_type="application/json",
        delivery_mode=pika.DeliveryMode.Persistent,
        message_id=row.event_id,
        type=row.type,
        app_id=service,
        user_id=user_id,  # the broker checks it is the publishing connection's user
        correlation_id=envelope.get("correlation_id"),
        timestamp=int(row.created_at.timestamp()),
        headers={"version": row.version},
    )


class Pruner:
    """Deletes sent outbox rows past the retention period, at most every ten minutes."""

    def __init__(
        self, *, service: str, db: Database, clock: Clock, retention: dt.timedelta
    ) -> None:
        self.service, self.db, self.clock, self.retention = service, db, clock, retention
        self._last = 0.0

    def maybe_prune(self) -> None:
        if time.monotonic() - self._last < PRUNE_EVERY_SECONDS:
            return
        self._last = time.monotonic()
        with self.db.session() as session:
            pruned = prune_sent(session, older_than=self.clock.now() - self.retention)
            session.commit()
        if pruned:
            log.info("pruned sent outbox rows", extra={"service": self.service, "rows": pruned})


Publish = Callable[[OutboxMessage], bool]


class PollingRelay:
    """Outbox → a synchronous publish function (the in-process transport)."""

    def __init__(
        self,
        *,
        service: str,
        db: Database,
        publish: Publish,
        clock: Clock,
        batch_size: int = 500,
        poll_seconds: float = 0.05,
        wake: threading.Event | None = None,
        retention: dt.timedelta = dt.timedelta(days=7),
    ) -> None:
        self.service = service
        self.db = db
        self.publish = publish
        self.clock = clock
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.wake = wake or threading.Event()
        self._pruner = Pruner(service=service, db=db, clock=clock, retention=retention)

    def run_once(self) -> int:
        """Publish one batch; return how many rows were claimed."""
        self._pruner.maybe_prune()
        with self.db.session() as session:
            rows = claim_batch(session, now=self.clock.now(), limit=self.batch_size)
            failures = {
                row.position: "unroutable: no queue bound for " + row.routing_key
                for row in rows
                if not self.publish(row)
            }
            settle_batch(session, rows, failures, now=self.clock.now())
            session.commit()
        OUTBOX_PUBLISHED.labels(self.service).inc(len(rows) - len(failures))
        for reason in failures.values():
            OUTBOX_FAILURES.labels(self.service, "unroutable").inc()
            log.error("event not delivered: %s", reason, extra={"service": self.service})
        return len(rows)

    def run(self, stop: threading.Event) -> None:
        backoff = Backoff()
        outage = Outage(log, "relay")
        while not stop.is_set():
            try:
                claimed = self.run_once()
                backoff.reset()
                outage.recovered(service=self.service)
            except Exception as exc:
                outage.failed(exc, service=self.service)
                stop.wait(backoff.next())
                continue
            if claimed < self.batch_size:
                self.wake.wait(self.poll_seconds)
                self.wake.clear()
