"""Closing tickets on what dispatch reports: the repair accepted, or escalated.

Redelivered or late events must not fail: a ticket already closed, or one that does not
exist here, is left as it is.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from services.intake.lifecycle import CLOSED, ESCALATED
from services.intake.models import Ticket
from services.intake.services.steps import close, finish, note
from shared.db import UnitOfWork

log = logging.getLogger(__name__)


def _open_ticket(uow: UnitOfWork, ticket_id: uuid.UUID, event: str) -> Ticket | None:
    ticket = uow.session.get(Ticket, ticket_id, with_for_update=True)
    if ticket is None:
        log.info("%s for unknown ticket %s ignored", event, ticket_id)
        return None
    if ticket.closed_at is not None:
        log.info("%s for ticket %s ignored: already %s", event, ticket_id, ticket.status)
        return None
    return ticket


def close_ticket_after_repair(
    uow: UnitOfWork,
    *,
    ticket_id: uuid.UUID,
    work_order_id: uuid.UUID,
    accepted_at: dt.datetime,
    actor: str,
) -> Ticket | None:
    """Close the ticket whose repair the customer accepted (``ticket.closed``)."""
    ticket = _open_ticket(uow, ticket_id, "repair.accepted")
    if ticket is None:
        return None
    details = {"reason": "repair_accepted", "work_order_id": str(work_order_id)}
    note(uow, ticket, "closed", at=accepted_at, actor=actor, details=details)
    close(
        uow,
        ticket,
        status=CLOSED,
        reason="repair_accepted",
        at=accepted_at,
        work_order_id=work_order_id,
    )
    return finish(uow, ticket)


def escalate_ticket(
    uow: UnitOfWork,
    *,
    ticket_id: uuid.UUID,
    work_order_id: uuid.UUID,
    escalated_to: str,
    escalated_at: dt.datetime,
    actor: str,
) -> Ticket | None:
    """Close the ticket whose repair dispatch escalated to a replacement or a return."""
    ticket = _open_ticket(uow, ticket_id, "repair.escalated")
    if ticket is None:
        return None
    details = {"escalated_to": escalated_to, "work_order_id": str(work_order_id)}
    note(uow, ticket, "escalated", at=escalated_at, actor=actor, details=details)
    close(
        uow,
        ticket,
        status=ESCALATED,
        reason="escalated",
        at=escalated_at,
        work_order_id=work_order_id,
    )
    return finish(uow, ticket)
