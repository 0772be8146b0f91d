"""What every step of a ticket does besides its own change: lock the ticket, write the
timeline, and stage the event with the ticket's next sequence number."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, select

from services.intake.models import Assessment, Ticket, TimelineEntry
from shared.auth import Principal
from shared.clock import rfc3339
from shared.db import UnitOfWork
from shared.errors import Forbidden, InvalidInput, NotFound

UNKNOWN_WARRANTY = {
    "status": "unknown",
    "parts_covered": False,
    "labour_covered": False,
    "reason": "not recorded when the ticket was registered",
}


def ticket_for_update(uow: UnitOfWork, ticket_id: uuid.UUID, *, by: Principal) -> Ticket:
    """The ticket, locked for this transaction; 404 when unknown, 403 outside the region."""
    ticket = uow.session.get(Ticket, ticket_id, with_for_update=True)
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id}")
    if not by.may_access(ticket.region):
        raise Forbidden(f"this token is limited to region {by.region}")
    return ticket


def current_round(uow: UnitOfWork, ticket: Ticket) -> Assessment | None:
    """The ticket's latest assessment round, if any."""
    return uow.session.scalars(
        select(Assessment)
        .where(Assessment.ticket_id == ticket.id)
        .order_by(Assessment.round.desc())
        .limit(1)
    ).first()


def step_time(
    uow: UnitOfWork, ticket: Ticket, given: dt.datetime | None, field: str
) -> dt.datetime:
    """When a step happened: the client's time (not before the ticket's previous step) or
    now."""
    previous = uow.session.scalar(
        select(func.max(TimelineEntry.at)).where(TimelineEntry.ticket_id == ticket.id)
    )
    floor = max(previous, ticket.reported_at) if previous else ticket.reported_at
    if given is None:
        return max(uow.clock.now(), floor)
    if given < floor:
        raise InvalidInput(
            f"{field} is before the ticket's previous step",
            errors={field: [f"must not be before {rfc3339(floor)}, the ticket's previous step"]},
        )
    return given


def note(
    uow: UnitOfWork,
    ticket: Ticket,
    kind: str,
    *,
    at: dt.datetime,
    actor: str,
    details: dict[str, Any],
) -> None:
    """Add a step to the ticket's timeline."""
    uow.session.add(
        TimelineEntry(ticket_id=ticket.id, at=at, kind=kind, actor=actor, details=details)
    )


def publish(uow: UnitOfWork, ticket: Ticket, type_: str, data: dict[str, Any]) -> None:
    """Stage an event of this ticket with its next sequence number."""
    ticket.version += 1
    uow.outbox.add(
        type_,
        {"ticket_id": ticket.id, **data},
        region=ticket.region,
        occurred_at=uow.clock.now(),
        aggregate_id=str(ticket.id),
        sequence=ticket.version,
    )


def finish(uow: UnitOfWork, ticket: Ticket) -> Ticket:
    """Commit the step with the ticket's rounds and timeline read back first: the response
    then needs no query after the commit (one would hold SQLite's write lock to the end of
    the request)."""
    uow.session.flush()
    uow.session.expire(ticket, ["assessments", "timeline"])
    _ = ticket.assessments, ticket.timeline
    uow.commit()
    return ticket


def warranty_of(ticket: Ticket) -> dict[str, Any]:
    """The warranty carried on events (unknown for tickets recorded before it was kept)."""
    return ticket.warranty or dict(UNKNOWN_WARRANTY)


def close(
    uow: UnitOfWork,
    ticket: Ticket,
    *,
    status: str,
    reason: str,
    at: dt.datetime,
    work_order_id: uuid.UUID | None = None,
) -> None:
    """Close the ticket and announce it with ``ticket.closed``."""
    ticket.status, ticket.close_reason, ticket.closed_at = status, reason, at
    if work_order_id is not None:
        ticket.work_order_id = work_order_id
    publish(
        uow,
        ticket,
        "ticket.closed",
        {
            "reason": reason,
            "work_order_id": ticket.work_order_id,
            "closed_at": at,
            "ticket_created_at": ticket.reported_at,
        },
    )
