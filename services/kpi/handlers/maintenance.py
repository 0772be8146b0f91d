"""What kpi reads of maintenance's events: each occurrence of a plan announced as due, and
the record that answered it (plan adherence)."""

from __future__ import annotations

from marshmallow import fields

from services.kpi.domain.adherence import MaintenanceFacts, occurrence_key
from services.kpi.handlers.common import Registration, time_field
from services.kpi.repositories import KpiBatch
from shared.events import Delivery, InboundSchema


class MaintenanceVisitDueIn(InboundSchema):
    plan_id = fields.UUID(required=True)
    due_date = fields.Date(required=True)


class MaintenanceCompletedIn(InboundSchema):
    plan_id = fields.UUID(required=True)
    # The occurrence the visit answered (none for a visit made before it was due).
    due_date = fields.Date(allow_none=True, load_default=None)
    visited_on = fields.Date(allow_none=True, load_default=None)
    completed_at = time_field(required=True)


def on_maintenance_visit_due(delivery: Delivery, batch: KpiBatch) -> None:
    """An occurrence is due."""
    p, region = delivery.payload, delivery.event.region
    key = occurrence_key(str(p["plan_id"]), p["due_date"])
    batch.maintenance.stage(key, region, MaintenanceFacts.add_due, region, p["due_date"])


def on_maintenance_completed(delivery: Delivery, batch: KpiBatch) -> None:
    """A visit answered an occurrence (visits ahead of any due date count for none)."""
    p, region = delivery.payload, delivery.event.region
    if p["due_date"] is None:
        return
    visited_on = p["visited_on"] or p["completed_at"].date()
    key = occurrence_key(str(p["plan_id"]), p["due_date"])
    batch.maintenance.stage(
        key, region, MaintenanceFacts.add_visit, region, p["due_date"], visited_on
    )


HANDLERS: tuple[Registration, ...] = (
    ("maintenance.visit_due", MaintenanceVisitDueIn, on_maintenance_visit_due),
    ("maintenance.completed", MaintenanceCompletedIn, on_maintenance_completed),
)
