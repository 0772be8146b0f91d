"""Applying a batch of delivered events: inbox de-duplication, handlers, outcomes.

Transport-neutral: the RabbitMQ consumer and the in-process transport both hand batches of
raw messages here and settle each one (ack, retry later, park) by the outcome returned. A
batch commits in one transaction; a failing handler's message is taken out and the rest of
the batch rerun; the inbox rows commit with the effects, and acks follow the commit.

A consumer whose subscriptions have a ``batch`` factory gets one batch object per attempt:
its handlers stage effects on it and it writes them all in ``flush()`` before the commit. A
flush that fails cannot be pinned on one message, so the batch is then applied one message
at a time, where it can.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from shared.clock import Clock
from shared.config import Settings
from shared.db import Database, InboxMessage
from shared.events import BatchScope, Event, EventCatalog, EventContractError, Subscriptions
from shared.faults import crash_point
from shared.metrics import CONSUMER_DB_ERRORS, CONSUMER_LAG, EVENTS_HANDLED, HANDLER_DURATION
from shared.unit_of_work import SqlUnitOfWork

if TYPE_CHECKING:
    from shared.calendar import CalendarBook

log = logging.getLogger(__name__)

# Errors that mean "the database is not there right now", not "this message is bad".
INFRASTRUCTURE_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError)


class Outcome(enum.Enum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    RETRY = "retried"
    PARK = "parked"


@dataclass
class Incoming:
    """A raw delivery: the body, how many times it was already tried, the transport's handle."""

    body: bytes
    attempts: int = 0
    handle: Any = None


@dataclass
class Settled:
    message: Incoming
    outcome: Outcome
    event_type: str = "unknown"
    error: str | None = None
    occurred_at: dt.datetime | None = None


class _HandlerFailed(Exception):
    """A handler raised: the batch is rolled back and redone without that message."""

    def __init__(self, settled: Settled) -> None:
        super().__init__(settled.error)
        self.settled = settled


class _BatchFailed(Exception):
    """A batch's flush failed: it is redone one message at a time."""


class DatabaseUnavailable(RuntimeError):
    """The consumer's database failed: hold the batch unacked, back off, try again."""


class EventProcessor:
    """Applies events for one consuming service."""

    def __init__(
        self,
        *,
        service: str,
        subscriptions: Subscriptions,
        catalog: EventCatalog,
        db: Database,
        clock: Clock,
        max_retries: int,
        settings: Settings | None = None,
        calendars: CalendarBook | None = None,
        unit_of_work: type[SqlUnitOfWork] = SqlUnitOfWork,
    ) -> None:
        from shared.calendar import load_calendars

        # Handlers always get settings and calendars; a bare processor (tests, benchmarks)
        # gets the defaults for its service.
        self.settings = settings or Settings(service=service, database_url=db.url)
        self.calendars = calendars or load_calendars(
            self.settings.calendars_file, self.settings.regions
        )
        self.unit_of_work = unit_of_work
        self.service = service
        self.subscriptions = subscriptions
        self.catalog = catalog
        self.db = db
        self.clock = clock
        self.max_retries = max_retries

    def process(self, messages: Sequence[Incoming]) -> list[Settled]:
        """Apply a batch; raises DatabaseUnavailable when nothing could be committed."""
        started = time.perf_counter()
        try:
            try:
                settled = self._apply(messages)
            except (sa_exc.IntegrityError, _BatchFailed) as exc:
                # Another consumer applied one of these concurrently (the inbox then sorts out
                # which ones are duplicates), or a batch flush failed: redo one by one.
                log.info(
                    "batch failed, applying one by one",
                    extra={"service": self.service, "error": repr(exc)},
                )
                settled = [s for m in messages for s in self._apply([m])]
        except INFRASTRUCTURE_ERRORS as exc:
            CONSUMER_DB_ERRORS.labels(self.service).inc()
            raise DatabaseUnavailable(str(exc)) from exc
        HANDLER_DURATION.labels(self.service).observe(time.perf_counter() - started)
        now = self.clock.now()
        for item in settled:
            EVENTS_HANDLED.labels(self.service, item.event_type, item.outcome.value).inc()
            if item.outcome is Outcome.APPLIED and item.occurred_at is not None:
                lag = (now - item.occurred_at).total_seconds()
                CONSUMER_LAG.labels(self.service).observe(max(lag, 0.0))
        return settled

    def _apply(self, messages: Sequence[Incoming]) -> list[Settled]:
        parsed: list[tuple[Incoming, Event | None, str | None]] = []
        for message in messages:
            try:
                parsed.append((message, Event.from_json(message.body), None))
            except EventContractError as exc:
                parsed.append((message, None, _describe(exc)))
        ids = [str(e.id) for _, e, _ in parsed if e is not None]
        failed: dict[int, Settled] = {}
        with self.db.session() as session:
            while (settled := self._apply_all(session, parsed, ids, failed)) is None:
                # A handler failed: its message goes for retry (its handler ran once for
                # this attempt); the rest of the batch is rolled back and run again.
                session.rollback()
            crash_point("consumer.before_commit")
            session.commit()
        return settled

    def _apply_all(
        self,
        session: Session,
        parsed: list[tuple[Incoming, Event | None, str | None]],
        ids: list[str],
        failed: dict[int, Settled],
    ) -> list[Settled] | None:
        """Apply every message not already failed; None (and the failure recorded in
        ``failed``) when a handler raises."""
        # Opened first: a batch may take a lock that orders it after a concurrent batch.
        batch = self._open_batch(session)
        seen = self._already_applied(session, ids)
        settled = []
        for index, (message, event, error) in enumerate(parsed):
            if index in failed:
                settled.append(failed[index])
                continue
            try:
                settled.append(self._apply_one(session, message, event, error, seen, batch))
            except _HandlerFailed as failure:
                failed[index] = failure.settled
                return None
        if batch is not None and not self._flush(session, batch, parsed, settled, failed):
            return None
        return settled

    def _open_batch(self, session: Session) -> BatchScope | None:
        factory = self.subscriptions.batch
        if factory is None:
            return None
        return factory(self._unit_of_work(session, correlation_id=None, causation_id=None))

    def _flush(
        self,
        session: Session,
        batch: BatchScope,
        parsed: list[tuple[Incoming, Event | None, str | None]],
        settled: list[Settled],
        failed: dict[int, Settled],
    ) -> bool:
        """Write the batch's staged effects and its inbox rows; False when the only applied
        message's effects failed (it is then recorded in ``failed``)."""
        applied = [i for i, item in enumerate(settled) if item.outcome is Outcome.APPLIED]
        if not applied:  # nothing was staged
            return True
        try:
            batch.flush()
            now = self.clock.now()
            session.execute(
                insert(InboxMessage),
                [
                    {
                        "consumer": self.service,
                        "event_id": str(event.id),
                        "type": event.type,
                        "applied_at": now,
                    }
                    for i in applied
                    if (event := parsed[i][1]) is not None
                ],
            )
        except INFRASTRUCTURE_ERRORS:
            raise
        except sa_exc.IntegrityError:
            raise
        except Exception as exc:
            if len(applied) > 1:
                raise _BatchFailed(f"{type(exc).__name__}: {exc}") from exc
            [index] = applied
            message, event, _ = parsed[index]
            assert event is not None
            failed[index] = self._failure(message, event, exc)
            return False
        return True

    def _unit_of_work(
        self, session: Session, *, correlation_id: str | None, causation_id: str | None
    ) -> SqlUnitOfWork:
        return self.unit_of_work(
            session,
            self.catalog,
            clock=self.clock,
            settings=self.settings,
            calendars=self.calendars,
            correlation_id=correlation_id,
            causation_id=causation_id,
            in_batch=True,
        )

    def _failure(self, message: Incoming, event: Event, exc: Exception) -> Settled:
        """A handler's failure: retried later, or parked once out of attempts."""
        outcome = Outcome.RETRY if message.attempts < self.max_retries else Outcome.PARK
        log.warning(
            "handler failed",
            extra={
                "service": self.service,
                "event_id": str(event.id),
                "event_type": event.type,
                "attempt": message.attempts + 1,
                "outcome": outcome.value,
                "error": repr(exc),
            },
        )
        return Settled(message, outcome, event.type, f"{type(exc).__name__}: {exc}")

    def _already_applied(self, session: Session, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        rows = session.execute(
            select(InboxMessage.event_id).where(
                InboxMessage.consumer == self.service, InboxMessage.event_id.in_(ids)
            )
        )
        return set(rows.scalars())

    def _apply_one(
        self,
        session: Session,
        message: Incoming,
        event: Event | None,
        parse_error: str | None,
        seen: set[str],
        batch: BatchScope | None,
    ) -> Settled:
        if event is None:
            return Settled(message, Outcome.PARK, error=parse_error)
        if str(event.id) in seen:
            return Settled(message, Outcome.DUPLICATE, event.type)
        try:
            calls = self.subscriptions.resolve(event)
        except EventContractError as exc:
            return Settled(message, Outcome.PARK, event.type, _describe(exc))
        try:
            if batch is not None:
                # Staged on the batch; written, with the inbox rows, by its flush.
                for handler, delivery in calls:
                    handler(delivery, batch)
            else:
                uow = self._unit_of_work(
                    session,
                    correlation_id=event.correlation_id or str(event.id),
                    causation_id=str(event.id),
                )
                for handler, delivery in calls:
                    handler(delivery, uow)
                session.add(
                    InboxMessage(
                        consumer=self.service,
                        event_id=str(event.id),
                        type=event.type,
                        applied_at=self.clock.now(),
                    )
                )
                session.flush()
        except INFRASTRUCTURE_ERRORS:
            raise
        except sa_exc.IntegrityError:
            raise
        except Exception as exc:
            raise _HandlerFailed(self._failure(message, event, exc)) from exc
        seen.add(str(event.id))
        return Settled(message, Outcome.APPLIED, event.type, occurred_at=event.occurred_at)


def _describe(exc: EventContractError) -> str:
    return f"{exc}: {exc.errors}" if exc.errors else str(exc)
