"""Intake's use cases."""

from __future__ import annotations

from typing import Any

from services.intake.models import Ticket
from shared.auth import Principal
from shared.db import UnitOfWork
from shared.errors import Forbidden

NEW = "new"


def register_ticket(uow: UnitOfWork, *, ticket_in: dict[str, Any], by: Principal) -> Ticket:
    """Record a customer's report and announce it with ``ticket.created``."""
    if not by.may_access(ticket_in["region"]):
        raise Forbidden(
            f"this token is limited to region {by.region}",
            errors={"region": ["outside the caller's region"]},
        )
    now = uow.clock.now()
    customer, product = ticket_in["customer"], ticket_in["product"]
    ticket = Ticket(
        channel=ticket_in["channel"],
        kind=ticket_in["kind"],
        status=NEW,
        priority=ticket_in["priority"],
        region=ticket_in["region"],
        customer_name=customer["name"],
        customer_phone=customer.get("phone"),
        customer_email=customer.get("email"),
        product_model=product["model"],
        serial_no=product.get("serial_no"),
        purchase_date=product.get("purchase_date"),
        installation_date=product.get("installation_date"),
        symptom=ticket_in["symptom"],
        usage_environment=ticket_in.get("usage_environment"),
        reported_at=ticket_in.get("reported_at") or now,
        created_at=now,
        created_by=by.sub,
        version=1,
    )
    uow.session.add(ticket)
    uow.session.flush()
    uow.outbox.add(
        "ticket.created",
        {
            "ticket_id": ticket.id,
            "channel": ticket.channel,
            "kind": ticket.kind,
            "priority": ticket.priority,
            "product_model": ticket.product_model,
            "serial_no": ticket.serial_no,
            "reported_at": ticket.reported_at,
        },
        region=ticket.region,
        occurred_at=now,
        aggregate_id=str(ticket.id),
        sequence=ticket.version,
    )
    uow.commit()
    return ticket
