"""The transactional outbox: events are rows written in the business transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from shared.db import OutboxMessage
from shared.events import Event, EventCatalog


class Outbox:
    """Adds events to the current transaction; the relay publishes them after commit."""

    def __init__(
        self,
        session: Session,
        catalog: EventCatalog,
        *,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> None:
        self.session = session
        self.catalog = catalog
        self.correlation_id = correlation_id
        self.causation_id = causation_id

    def add(
        self,
        type_: str,
        data: dict[str, Any],
        *,
        region: str,
        occurred_at: dt.datetime,
        aggregate_id: str | None = None,
        sequence: int | None = None,
    ) -> Event:
        """Validate the payload against the producer's schema and stage it for the relay."""
        event = self.catalog.build(
            type_,
            data,
            region=region,
            occurred_at=occurred_at,
            correlation_id=self.correlation_id,
            causation_id=self.causation_id,
            aggregate_id=aggregate_id,
            sequence=sequence,
        )
        self.add_event(event)
        return event

    def add_event(self, event: Event) -> None:
        """Stage an already-built event (replays, tests)."""
        self.session.add(
            OutboxMessage(
                event_id=str(event.id),
                type=event.type,
                version=event.version,
                region=event.region,
                routing_key=event.routing_key,
                body=event.to_json(),
                created_at=event.occurred_at,
                attempts=0,
            )
        )


def outbox_backlog(session: Session) -> tuple[int, dt.datetime | None]:
    """Unsent rows and the creation time of the oldest one."""
    count, oldest = session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.sent_at.is_(None)
        )
    ).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    return int(count), oldest


def prune_sent(session: Session, *, older_than: dt.datetime) -> int:
    """Delete sent rows past the retention period (kept until then for replay)."""
    result = session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.sent_at.is_not(None), OutboxMessage.sent_at < older_than
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
