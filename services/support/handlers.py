"""Events support consumes: an accepted repair asks its customer for a questionnaire (sent
by notice). Each
inbound schema holds only the fields support reads."""

from __future__ import annotations

from marshmallow import fields, validate

from services.support.repositories import SupportUnitOfWork
from services.support.use_cases import open_questionnaire_for_repair
from shared.events import Delivery, InboundSchema, Subscriptions


class RepairAcceptedIn(InboundSchema):
    """dispatch's repair.accepted: the job the questionnaire is about."""

    work_order_id = fields.UUID(required=True)
    ticket_id = fields.UUID(allow_none=True, load_default=None)
    technician_id = fields.UUID(required=True)
    # Not (yet) on the event: read when dispatch adds it, else the ticket number is used.
    customer_ref = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(min=1, max=200)
    )
    # Whom the questionnaire is sent to, and in which language (none: no notice).
    customer_name = fields.String(allow_none=True, load_default=None)
    customer_email = fields.String(allow_none=True, load_default=None)
    customer_phone = fields.String(allow_none=True, load_default=None)
    customer_language = fields.String(allow_none=True, load_default=None)


SUBSCRIPTIONS = Subscriptions("support")


@SUBSCRIPTIONS.on("repair.accepted", schema=RepairAcceptedIn)
def on_repair_accepted(delivery: Delivery, uow: SupportUnitOfWork) -> None:
    """Create the questionnaire about the accepted job (once per work order) and send it."""
    open_questionnaire_for_repair(
        uow,
        source_event_id=str(delivery.event.id),
        region=delivery.event.region,
        accepted=delivery.payload,
    )
