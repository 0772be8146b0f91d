"""kpi consumes every event."""

from __future__ import annotations

from services.kpi.services import record_event
from shared.db import UnitOfWork
from shared.events import Delivery, Subscriptions

SUBSCRIPTIONS = Subscriptions("kpi")


@SUBSCRIPTIONS.on_any
def on_any_event(delivery: Delivery, uow: UnitOfWork) -> None:
    """Archive and count every event."""
    record_event(uow, event=delivery.event)
