"""What intake publishes (versioned payload schemas with samples) and reads of others' events."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.events import EventCatalog, PayloadSchema

CHANNELS = ("hotline", "email", "chat", "web", "partner")
KINDS = ("repair", "consultation", "maintenance_issue")
PRIORITIES = ("low", "normal", "high", "urgent")


class TicketCreatedV1(PayloadSchema):
    ticket_id = fields.UUID(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    priority = fields.String(required=True, validate=validate.OneOf(PRIORITIES))
    product_model = fields.String(required=True)
    serial_no = fields.String(allow_none=True, load_default=None)
    reported_at = fields.AwareDateTime(required=True, format="iso")


PUBLISHES = EventCatalog("intake")
PUBLISHES.declare(
    "ticket.created",
    1,
    TicketCreatedV1,
    description="A customer reported a fault or asked for advice.",
    sample={
        "ticket_id": "6f1c1a52-8c8e-4b5e-9a8e-2f7f1b3d9c10",
        "channel": "hotline",
        "kind": "repair",
        "priority": "high",
        "product_model": "CP-400",
        "serial_no": "SN-2024-000123",
        "reported_at": "2026-11-02T09:15:00+00:00",
    },
)
