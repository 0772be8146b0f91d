"""Intake's reads."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from services.intake.models import Ticket
from shared.auth import Principal
from shared.errors import NotFound


def get_ticket(session: Session, ticket_id: uuid.UUID, *, viewer: Principal) -> Ticket:
    """One ticket; a ticket outside the viewer's region is as good as absent."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or not viewer.may_access(ticket.region):
        raise NotFound(f"no ticket {ticket_id}")
    return ticket


def _filtered(filters: dict[str, Any], viewer: Principal) -> Select[Any]:
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
    return query


def list_tickets(
    session: Session, *, filters: dict[str, Any], viewer: Principal, offset: int, limit: int
) -> tuple[list[Ticket], int]:
    """A page of tickets, newest first, with the total count."""
    query = _filtered(filters, viewer)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = session.execute(
        query.order_by(Ticket.created_at.desc(), Ticket.id).offset(offset).limit(limit)
    ).scalars()
    return list(page), int(total)
