"""The ticket's status machine: which status admits which step."""

from __future__ import annotations

from collections.abc import Sequence

from services.intake.models import Assessment, Ticket
from shared.errors import Conflict

NEW = "new"
ASSESSED = "assessed"  # a solution is proposed, waiting for the customer's answer
AWAITING_REASSESSMENT = "awaiting_reassessment"  # the customer rejected it
AWAITING_REPAIR = "awaiting_repair"  # accepted; dispatch does the work
CLOSED = "closed"
ESCALATED = "escalated"  # dispatch escalated to replacement or return; closed
STATUSES = (NEW, ASSESSED, AWAITING_REASSESSMENT, AWAITING_REPAIR, CLOSED, ESCALATED)

ASSESSABLE = (NEW, AWAITING_REASSESSMENT)
ANSWERABLE = (ASSESSED,)
CONSULTATION_RESOLVABLE = (NEW, ASSESSED, AWAITING_REASSESSMENT)


def require_status(ticket: Ticket, allowed: Sequence[str], step: str) -> None:
    """Refuse ``step`` with a 409 naming the current status unless it is ``allowed``."""
    if ticket.status not in allowed:
        raise Conflict(
            f"ticket {ticket.id} is {ticket.status}: {step} needs status {' or '.join(allowed)}",
            errors={"status": [f"is {ticket.status}"]},
        )


def require_resolvable(ticket: Ticket, current: Assessment | None) -> None:
    """A consultation is resolved at any open step before dispatch; another ticket only
    once its proposed solution needs no visit."""
    if ticket.kind == "consultation":
        require_status(ticket, CONSULTATION_RESOLVABLE, "resolving a consultation")
        return
    require_status(ticket, (ASSESSED,), f"resolving a {ticket.kind} ticket")
    if current is not None and current.visit_needed:
        raise Conflict(
            f"ticket {ticket.id} is {ticket.status} with a solution that needs a visit: "
            "it is closed when dispatch reports the repair accepted",
            errors={"status": [f"is {ticket.status}"]},
        )
