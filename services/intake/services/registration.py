"""Opening tickets: from a customer's report, or from a problem a maintenance found."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select

from services.intake.lifecycle import NEW
from services.intake.models import Ticket
from services.intake.services.steps import finish, note, publish
from services.intake.warranty import WarrantyStatus, warranty_on
from shared.auth import Principal
from shared.calendar import BusinessCalendar, add_business_time
from shared.clock import rfc3339
from shared.db import UnitOfWork
from shared.errors import Forbidden

# Business hours to a first response, by priority (SPEC: a first-response deadline is kept).
FIRST_RESPONSE_HOURS = {"urgent": 2, "high": 4, "normal": 8, "low": 16}


def _calendar(uow: UnitOfWork, region: str) -> BusinessCalendar:
    assert uow.calendars is not None, "use cases are given the regions' calendars"
    return uow.calendars.for_region(region)


def first_response_due(
    calendar: BusinessCalendar, *, priority: str, reported_at: dt.datetime
) -> dt.datetime:
    """The first-response deadline: the priority's business hours on the region's calendar."""
    hours = FIRST_RESPONSE_HOURS[priority]
    return add_business_time(calendar, reported_at, dt.timedelta(hours=hours))


def register_ticket(uow: UnitOfWork, *, ticket_in: dict[str, Any], by: Principal) -> Ticket:
    """Record a customer's report and announce it with ``ticket.created``."""
    if not by.may_access(ticket_in["region"]):
        raise Forbidden(
            f"this token is limited to region {by.region}",
            errors={"region": ["outside the caller's region"]},
        )
    customer, product = ticket_in["customer"], ticket_in["product"]
    ticket = _open_ticket(
        uow,
        {
            "channel": ticket_in["channel"],
            "kind": ticket_in["kind"],
            "priority": ticket_in["priority"],
            "region": ticket_in["region"],
            "customer_name": customer["name"],
            "customer_phone": customer.get("phone"),
            "customer_email": customer.get("email"),
            "product_model": product["model"],
            "serial_no": product.get("serial_no"),
            "purchase_date": product.get("purchase_date"),
            "installation_date": product.get("installation_date"),
            "symptom": ticket_in["symptom"],
            "usage_environment": ticket_in.get("usage_environment"),
        },
        reported_at=ticket_in.get("reported_at"),
        actor=by.sub,
    )
    return finish(uow, ticket)


def open_ticket_from_issue(
    uow: UnitOfWork, *, event_id: uuid.UUID, region: str, issue: dict[str, Any], actor: str
) -> Ticket:
    """Open a ``maintenance_issue`` ticket for a problem a maintenance found, once per event."""
    source = str(event_id)
    existing = uow.session.scalars(select(Ticket).where(Ticket.source_event_id == source)).first()
    if existing is not None:
        return existing
    ticket = _open_ticket(
        uow,
        {
            "channel": "maintenance",
            "kind": "maintenance_issue",
            "priority": "normal",
            "region": region,
            "customer_name": issue["customer_name"],
            "customer_phone": issue.get("customer_phone"),
            "product_model": issue["product_model"],
            "serial_no": issue.get("serial_no"),
            "symptom": issue["description"],
            "usage_environment": issue.get("environment"),
            "source_event_id": source,
        },
        # A finding stamped a little ahead of our clock is taken as now.
        reported_at=min(issue["found_at"], uow.clock.now()),
        actor=actor,
    )
    return finish(uow, ticket)


def complete_legacy_ticket(uow: UnitOfWork, ticket: Ticket) -> None:
    """Decide warranty and first-response deadline for a ticket registered before intake
    kept them (all such tickets are still new)."""
    if ticket.warranty_status is None:
        warranty = _warranty(
            uow, ticket.region, ticket.product_model, ticket.purchase_date, ticket.reported_at
        )
        ticket.warranty_status, ticket.warranty_reason = warranty.status, warranty.reason
        ticket.warranty_parts_covered = warranty.parts_covered
        ticket.warranty_labour_covered = warranty.labour_covered
    if ticket.first_response_due_at is None:
        ticket.first_response_due_at = first_response_due(
            _calendar(uow, ticket.region), priority=ticket.priority, reported_at=ticket.reported_at
        )


def _warranty(
    uow: UnitOfWork,
    region: str,
    model: str,
    purchase_date: dt.date | None,
    reported_at: dt.datetime,
) -> WarrantyStatus:
    return warranty_on(
        model=model,
        purchase_date=purchase_date,
        reported_on=reported_at.astimezone(_calendar(uow, region).tz).date(),
        policy_file=(uow.settings.option("warranty_policy_file", "") or None)
        if uow.settings
        else None,
    )


def _open_ticket(
    uow: UnitOfWork, values: dict[str, Any], *, reported_at: dt.datetime | None, actor: str
) -> Ticket:
    now = uow.clock.now()
    reported_at = reported_at or now
    region = values["region"]
    warranty = _warranty(
        uow, region, values["product_model"], values.get("purchase_date"), reported_at
    )
    due = first_response_due(
        _calendar(uow, region), priority=values["priority"], reported_at=reported_at
    )
    ticket = Ticket(
        **values,
        status=NEW,
        reported_at=reported_at,
        created_at=now,
        created_by=actor,
        version=0,
        warranty_status=warranty.status,
        warranty_parts_covered=warranty.parts_covered,
        warranty_labour_covered=warranty.labour_covered,
        warranty_reason=warranty.reason,
        first_response_due_at=due,
    )
    uow.session.add(ticket)
    uow.session.flush()
    note(
        uow,
        ticket,
        "reported",
        at=reported_at,
        actor=actor,
        details={
            "channel": ticket.channel,
            "kind": ticket.kind,
            "priority": ticket.priority,
            "warranty": warranty.status,
            "first_response_due_at": rfc3339(due),
        },
    )
    publish(
        uow,
        ticket,
        "ticket.created",
        {
            "channel": ticket.channel,
            "kind": ticket.kind,
            "priority": ticket.priority,
            "product_model": ticket.product_model,
            "serial_no": ticket.serial_no,
            "reported_at": ticket.reported_at,
            "warranty": warranty.as_dict(),
            "first_response_due_at": due,
            "source_event_id": ticket.source_event_id,
        },
    )
    return ticket
