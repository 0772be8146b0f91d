"""kpi's use cases."""

from __future__ import annotations

from services.kpi.models import ArchivedEvent, EventCount, LagBucket
from shared.db import UnitOfWork, increment
from shared.events import Event
from shared.metrics import LAG_BUCKETS


def lag_bucket(seconds: float) -> str:
    """The histogram bucket (upper bound, as text) a lag falls into."""
    for bound in LAG_BUCKETS:
        if seconds <= bound:
            return repr(float(bound))
    return "+Inf"


def record_event(uow: UnitOfWork, *, event: Event) -> None:
    """Archive an event and count it; the consumer's inbox makes this happen once."""
    applied_at = uow.clock.now()
    lag = max((applied_at - event.occurred_at).total_seconds(), 0.0)
    uow.session.add(
        ArchivedEvent(
            event_id=str(event.id),
            type=event.type,
            region=event.region,
            producer=event.producer,
            occurred_at=event.occurred_at,
            applied_at=applied_at,
            envelope=event.to_json(),
        )
    )
    increment(
        uow.session,
        EventCount.__table__,
        {"type": event.type, "region": event.region},
        {"count": 1},
    )
    increment(
        uow.session, LagBucket.__table__, {"le": lag_bucket(lag)}, {"count": 1, "sum_seconds": lag}
    )
    uow.commit()
