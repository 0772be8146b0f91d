"""Intake's reads."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, selectinload

from services.intake.models import Consultation, Ticket, TimelineEntry
from shared.auth import Principal
from shared.db import page
from shared.domain import Page, Window, require_visible
from shared.errors import NotFound


def get_ticket(session: Session, ticket_id: uuid.UUID, *, viewer: Principal) -> Ticket:
    """One ticket with its rounds and timeline; one outside the viewer's region is absent."""
    ticket = session.scalars(
        select(Ticket)
        .where(Ticket.id == ticket_id)
        .options(
            selectinload(Ticket.assessments),
            selectinload(Ticket.timeline),
            selectinload(Ticket.consultation),
        )
    ).first()
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id}")
    require_visible(viewer, ticket.region, f"no ticket {ticket_id}")
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
    return _consultations_filtered(query, filters, now)


def _consultations_filtered(
    query: Select[Any], filters: dict[str, Any], now: dt.datetime
) -> Select[Any]:
    if filters.get("topic"):
        on_topic = select(Consultation.ticket_id).where(Consultation.topic == filters["topic"])
        query = query.where(Ticket.id.in_(on_topic))
    overdue = filters.get("overdue_response")
    if overdue is not None:
        late = select(Consultation.ticket_id).where(
            Consultation.answered_at.is_(None), Consultation.response_due_at < now
        )
        query = query.where(Ticket.id.in_(late) if overdue else Ticket.id.not_in(late))
    return query


def list_tickets(
    session: Session,
    *,
    filters: dict[str, Any],
    viewer: Principal,
    now: dt.datetime,
    window: Window,
) -> Page[Ticket]:
    """A page of tickets, newest first, with the total count."""
    query = _filtered(filters, viewer, now).options(selectinload(Ticket.consultation))
    return page(session, query, order=(Ticket.created_at.desc(), Ticket.id), window=window)


def list_timeline(
    session: Session, ticket_id: uuid.UUID, *, viewer: Principal, window: Window
) -> Page[TimelineEntry]:
    """A page of a ticket's timeline, oldest step first, with the total count."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id}")
    require_visible(viewer, ticket.region, f"no ticket {ticket_id}")
    steps = select(TimelineEntry).where(TimelineEntry.ticket_id == ticket_id)
    return page(session, steps, order=(TimelineEntry.at, TimelineEntry.id), window=window)
