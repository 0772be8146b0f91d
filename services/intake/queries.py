"""Intake's reads."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from services.intake.models import Ticket, TimelineEntry
from shared.auth import Principal
from shared.errors import NotFound


def get_ticket(session: Session, ticket_id: uuid.UUID, *, viewer: Principal) -> Ticket:
    """One ticket with its rounds and timeline; one outside the viewer's region is absent."""
    ticket = session.scalars(
        select(Ticket)
        .where(Ticket.id == ticket_id)
        .options(selectinload(Ticket.assessments), selectinload(Ticket.timeline))
    ).first()
    if ticket is None or not viewer.may_access(ticket.region):
        raise NotFound(f"no ticket {ticket_id}")
    return ticket


def _filtered(filters: dict[str, Any], viewer: Principal, now: dt.datetime) -> Select[Any]:
    query = select(Ticket)
    if viewer.region is not None:
        query = query.where(Ticket.region == viewer.region)
    for name in ("region", "status", "kind", "channel"):
        if filters.get(name):
            query = query.where(getattr(Ticket, name) == filters[name])
    if filters.get("created_from"):
        query = query.where(Ticket.created_at >= filters["created_from"])
    if filters.get("created_to"):
        query = query.where(Ticket.created_at <= filters["created_to"])
    overdue = filters.get("overdue_first_response")
    if overdue is not None:
        due, answered = Ticket.first_response_due_at, Ticket.first_responded_at
        late = and_(answered.is_(None), due < now)
        in_time = or_(answered.is_not(None), due.is_(None), due >= now)
        query = query.where(late if overdue else in_time)
    return query


def list_tickets(
    session: Session,
    *,
    filters: dict[str, Any],
    viewer: Principal,
    now: dt.datetime,
    offset: int,
    limit: int,
) -> tuple[list[Ticket], int]:
    """A page of tickets, newest first, with the total count."""
    query = _filtered(filters, viewer, now)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = session.execute(
        query.order_by(Ticket.created_at.desc(), Ticket.id).offset(offset).limit(limit)
    ).scalars()
    return list(page), int(total)


def list_timeline(
    session: Session, ticket_id: uuid.UUID, *, viewer: Principal, offset: int, limit: int
) -> tuple[list[TimelineEntry], int]:
    """A page of a ticket's timeline, oldest step first, with the total count."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or not viewer.may_access(ticket.region):
        raise NotFound(f"no ticket {ticket_id}")
    steps = select(TimelineEntry).where(TimelineEntry.ticket_id == ticket_id)
    total = session.execute(select(func.count()).select_from(steps.subquery())).scalar_one()
    page = session.scalars(
        steps.order_by(TimelineEntry.at, TimelineEntry.id).offset(offset).limit(limit)
    )
    return list(page), int(total)
