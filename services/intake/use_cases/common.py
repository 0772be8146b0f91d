"""What every intake use case that acts on a ticket starts with."""

from __future__ import annotations

import uuid

from services.intake.models import Ticket
from services.intake.repositories import IntakeUnitOfWork
from shared.auth import Principal
from shared.domain import require_visible
from shared.errors import NotFound


def ticket_for_step(uow: IntakeUnitOfWork, ticket_id: uuid.UUID, *, by: Principal) -> Ticket:
    """The ticket, locked for this transaction; 404 when unknown or outside the caller's
    region alike (a different answer would tell a region-limited caller which ids exist)."""
    ticket = uow.tickets.get(ticket_id, for_update=True)
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id}")
    require_visible(by, ticket.region, f"no ticket {ticket_id}")
    return ticket
