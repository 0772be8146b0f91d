"""Intake's use cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.intake.models import Ticket
from services.intake.warranty import warranty_on
from shared.auth import Principal
from shared.calendar import add_business_time
from shared.db import UnitOfWork
from shared.errors import Forbidden

NEW = "new"
# Business hours to a first response, by priority (SPEC: a first-response deadline is kept).
FIRST_RESPONSE_HOURS = {"urgent": 2, "high": 4, "normal": 8, "low": 16}


def first_response_due(
    uow: UnitOfWork, *, region: str, priority: str, reported_at: dt.datetime
) -> dt.datetime:
    """The first-response deadline in the region's business hours."""
    assert uow.calendars is not None
    hours = FIRST_RESPONSE_HOURS[priority]
    return add_business_time(
        uow.calendars.for_region(region), reported_at, dt.timedelta(hours=hours)
    )


def register_ticket(uow: UnitOfWork, *, ticket_in: dict[str, Any], by: Principal) -> Ticket:
    """Record a customer's report and announce it with ``ticket.created``."""
    if not by.may_access(ticket_in["region"]):
        raise Forbidden(
            f"this token is limited to region {by.region}",
            errors={"region": ["outside the caller's region"]},
        )
    now = uow.clock.now()
    customer, product = ticket_in["customer"], ticket_in["product"]
    reported_at = ticket_in.get("reported_at") or now
    region = ticket_in["region"]
    warranty = warranty_on(
        model=product["model"],
        purchase_date=product.get("purchase_date"),
        reported_on=reported_at.astimezone(uow.calendars.for_region(region).tz).date()
        if uow.calendars
        else reported_at.date(),
        policy_file=uow.settings.option("warranty_policy_file", "") or None
        if uow.settings
        else None,
    )
    due = first_response_due(
        uow, region=region, priority=ticket_in["priority"], reported_at=reported_at
    )
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
        reported_at=reported_at,
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
            "warranty": warranty.as_dict(),
            "first_response_due_at": due,
        },
        region=ticket.region,
        occurred_at=now,
        aggregate_id=str(ticket.id),
        sequence=ticket.version,
    )
    uow.commit()
    return ticket
