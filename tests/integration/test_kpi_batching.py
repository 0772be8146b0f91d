"""The consumer's batch hook kpi relies on (``Subscriptions(batch=...)``), on SQLite and
PostgreSQL: handlers stage on one batch object per attempt, its flush writes once before the
commit with the inbox rows, a failing handler's message is taken out, a failing flush is
redone one message at a time, duplicates are skipped."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from marshmallow import fields
from sqlalchemy import Integer, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.clock import FixedClock
from shared.db import Database, InboxMessage, PlumbingBase, increment, service_metadata
from shared.events import Delivery, EventCatalog, InboundSchema, PayloadSchema, Subscriptions
from shared.messaging.processing import EventProcessor, Incoming, Outcome
from shared.service import ServiceDefinition
from shared.unit_of_work import SqlUnitOfWork

AT = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = service_metadata()


class Tally(Base):
    __tablename__ = "batch_tally"

    marker: Mapped[str] = mapped_column(String(100), primary_key=True)
    applied: Mapped[int] = mapped_column(Integer)


class MarkedV1(PayloadSchema):
    marker = fields.String(required=True)


class MarkedIn(InboundSchema):
    marker = fields.String(required=True)


CATALOG = EventCatalog("batcher")
CATALOG.declare("batch.marked", 1, MarkedV1, sample={"marker": "m"})


@dataclass
class Log:
    flushes: list[list[str]] = field(default_factory=list)
    failing_handlers: set[str] = field(default_factory=set)
    failing_flushes: set[str] = field(default_factory=set)


LOG = Log()


class Batch:
    """Counts markers in memory; writes them in one statement."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow
        self.markers: list[str] = []

    def flush(self) -> None:
        LOG.flushes.append(list(self.markers))
        if LOG.failing_flushes & set(self.markers):
            raise RuntimeError("flush refused a marker")
        rows = [{"marker": m, "applied": 1} for m in self.markers]
        increment(self.uow.session, Tally.__table__, ["marker"], rows)


SUBSCRIPTIONS = Subscriptions("batcher", batch=Batch)


@SUBSCRIPTIONS.on("batch.marked", schema=MarkedIn)
def on_marked(delivery: Delivery, batch: Batch) -> None:
    marker = delivery.payload["marker"]
    if marker in LOG.failing_handlers:
        raise RuntimeError(f"handler refused {marker}")
    batch.markers.append(marker)


DEFINITION = ServiceDefinition(
    name="batcher",
    title="batcher",
    port=0,
    metadata=Base.metadata,
    catalog=CATALOG,
    subscriptions=SUBSCRIPTIONS,
    package_dir=Path(__file__).parent,
)


@pytest.fixture
def processor(database_url: str) -> Iterator[EventProcessor]:
    LOG.flushes.clear()
    LOG.failing_handlers.clear()
    LOG.failing_flushes.clear()
    db = Database(database_url)
    Base.metadata.create_all(db.engine)
    PlumbingBase.metadata.create_all(db.engine)
    yield EventProcessor(
        service="batcher",
        subscriptions=SUBSCRIPTIONS,
        catalog=CATALOG,
        db=db,
        clock=FixedClock(AT),
        max_retries=2,
    )
    db.dispose()


def message(marker: str, event_id: str | None = None, attempts: int = 0) -> Incoming:
    event = CATALOG.build("batch.marked", {"marker": marker}, region="east", occurred_at=AT)
    if event_id is not None:
        event = type(event)(**{**event.__dict__, "id": uuid.UUID(event_id)})
    return Incoming(event.to_json().encode(), attempts=attempts)


def tally(processor: EventProcessor) -> dict[str, int]:
    with processor.db.session() as session:
        return {m: n for m, n in session.execute(select(Tally.marker, Tally.applied))}


def inbox_count(processor: EventProcessor) -> int:
    with processor.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(InboxMessage)) or 0)


def test_a_batch_is_staged_then_written_by_one_flush(processor: EventProcessor) -> None:
    settled = processor.process([message("a"), message("b"), message("a")])

    assert [s.outcome for s in settled] == [Outcome.APPLIED] * 3
    assert LOG.flushes == [["a", "b", "a"]]
    assert tally(processor) == {"a": 2, "b": 1}
    assert inbox_count(processor) == 3


def test_duplicates_in_a_batch_and_across_batches_are_skipped(processor: EventProcessor) -> None:
    same = str(uuid.uuid4())
    first = processor.process([message("a", same), message("a", same), message("b")])
    second = processor.process([message("a", same)])

    assert [s.outcome for s in first] == [Outcome.APPLIED, Outcome.DUPLICATE, Outcome.APPLIED]
    assert [s.outcome for s in second] == [Outcome.DUPLICATE]
    assert tally(processor) == {"a": 1, "b": 1}
    assert inbox_count(processor) == 2


def test_a_failing_handler_takes_only_its_message_out(processor: EventProcessor) -> None:
    LOG.failing_handlers.add("bad")

    settled = processor.process([message("a"), message("bad"), message("b")])

    assert [s.outcome for s in settled] == [Outcome.APPLIED, Outcome.RETRY, Outcome.APPLIED]
    assert "handler refused bad" in (settled[1].error or "")
    assert LOG.flushes == [["a", "b"]]  # the first attempt stopped before its flush
    assert tally(processor) == {"a": 1, "b": 1}
    assert inbox_count(processor) == 2


def test_a_failing_flush_is_redone_one_message_at_a_time(processor: EventProcessor) -> None:
    LOG.failing_flushes.add("poison")

    settled = processor.process(
        [message("a"), message("poison"), message("b"), message("poison", attempts=2)]
    )

    assert [s.outcome for s in settled] == [
        Outcome.APPLIED,
        Outcome.RETRY,
        Outcome.APPLIED,
        Outcome.PARK,  # out of attempts
    ]
    assert "flush refused a marker" in (settled[1].error or "")
    assert LOG.flushes[0] == ["a", "poison", "b", "poison"]
    assert tally(processor) == {"a": 1, "b": 1}
    assert inbox_count(processor) == 2
