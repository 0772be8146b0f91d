"""kpi consumes every event: it archives and counts each one, and stages the facts the KPI
definitions judge. Each producer's module holds the inbound schemas (``<Event>In``, only the
fields kpi reads) and handlers (``on_<event>``) of its events, listed in its ``HANDLERS``.
Handlers only stage on the batch; ``KpiBatch.flush`` writes."""

from __future__ import annotations

from services.kpi.handlers import complaints, dispatch, intake, maintenance, support
from services.kpi.repositories import KpiBatch
from shared.events import Delivery, Subscriptions


def on_any_event(delivery: Delivery, batch: KpiBatch) -> None:
    """Archive and count every event."""
    batch.record_event(delivery.event)


def _subscriptions() -> Subscriptions:
    subscriptions = Subscriptions("kpi", batch=KpiBatch)
    subscriptions.on_any(on_any_event)
    for type_, schema, handler in (
        *dispatch.HANDLERS,
        *intake.HANDLERS,
        *complaints.HANDLERS,
        *maintenance.HANDLERS,
        *support.HANDLERS,
    ):
        subscriptions.on(type_, schema=schema)(handler)
    return subscriptions


SUBSCRIPTIONS = _subscriptions()
