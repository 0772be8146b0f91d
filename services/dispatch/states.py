"""Work-order and visit states, and the pure rules dispatch judges by.

A work order is ``unscheduled`` until a visit is booked, ``scheduled`` until the technician
checks in, ``in_progress`` until the repair record is written, then ``awaiting_acceptance``.
The customer's answer ends it (``accepted``), sends it back to ``unscheduled`` for another
visit (rejected), or ends it as ``escalated`` after too many failed visits on a product
defect. A window that ends with no check-in marks the visit ``missed`` and the work order
goes back to ``unscheduled``.
"""

from __future__ import annotations

import datetime as dt

UNSCHEDULED = "unscheduled"
SCHEDULED = "scheduled"
IN_PROGRESS = "in_progress"
AWAITING_ACCEPTANCE = "awaiting_acceptance"
ACCEPTED = "accepted"
ESCALATED = "escalated"
WORK_ORDER_STATUSES = (
    UNSCHEDULED,
    SCHEDULED,
    IN_PROGRESS,
    AWAITING_ACCEPTANCE,
    ACCEPTED,
    ESCALATED,
)
# Work that keeps a technician busy: what "least open work" counts.
ASSIGNED = (SCHEDULED, IN_PROGRESS, AWAITING_ACCEPTANCE)
FINAL = (ACCEPTED, ESCALATED)

VISIT_SCHEDULED = "scheduled"
VISIT_ARRIVED = "arrived"
VISIT_MISSED = "missed"
VISIT_COMPLETED = "completed"
VISIT_ACCEPTED = "accepted"
VISIT_REJECTED = "rejected"

REPEAT_WINDOW = dt.timedelta(days=30)
DEFAULT_FAILED_VISITS_BEFORE_ESCALATION = 3


def on_time(arrived_at: dt.datetime, deadline: dt.datetime) -> bool:
    """On time means arriving at or before the end of the window the visit is judged by."""
    return arrived_at <= deadline


def rescheduled_deadline(
    deadline: dt.datetime, new_end: dt.datetime, *, by_customer: bool
) -> dt.datetime:
    """The end a rescheduled visit is judged by: the customer's new window when they asked
    for it; otherwise the company moved its own appointment, which never excuses lateness
    against what was promised (the earlier of the two ends)."""
    return new_end if by_customer else min(deadline, new_end)


def escalation_target(warranty_status: str) -> str:
    """In warranty, a product that repeated visits cannot fix is replaced; otherwise it goes
    to a return (refund by negotiation or a paid replacement, decided by appraisal)."""
    return "replacement" if warranty_status == "in_warranty" else "return"


def is_repeat(previous_accepted_at: dt.datetime, opened_at: dt.datetime) -> bool:
    """A new repair within 30 days of an accepted one on the same serial is a repeat of it."""
    return dt.timedelta(0) <= opened_at - previous_accepted_at <= REPEAT_WINDOW


def normalise(text: str) -> str:
    """Skills and models compare case- and space-insensitively."""
    return " ".join(text.split()).lower()
