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
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from shared.errors import Conflict, Forbidden, InvalidInput, NotFound

if TYPE_CHECKING:
    from services.dispatch.models import Technician, WorkOrder
    from shared.auth import Principal

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
    "done",  # a training visit the trainer marked done (domain/training.py)
    "cancelled",  # a training session support cancelled
)
# A visit can be booked (or the pending one moved) only before the technician arrives.
SCHEDULABLE = (UNSCHEDULED, SCHEDULED)
# Work that keeps a technician busy: what "least open work" counts.
ASSIGNED = (SCHEDULED, IN_PROGRESS, AWAITING_ACCEPTANCE)
FINAL = (ACCEPTED, ESCALATED)

VISIT_SCHEDULED = "scheduled"
VISIT_ARRIVED = "arrived"
VISIT_MISSED = "missed"
VISIT_COMPLETED = "completed"
VISIT_ACCEPTED = "accepted"
VISIT_REJECTED = "rejected"
VISIT_STOPPED = "stopped"  # the identity or product check failed on arrival

WORK_ORDER_KINDS = ("repair", "maintenance")
TECHNICIAN_KINDS = ("employee", "partner_workshop")
RESULTS = ("fixed", "not_fixed")
WARRANTY_STATUSES = ("in_warranty", "out_of_warranty", "unknown")

REPEAT_WINDOW = dt.timedelta(days=30)
DEFAULT_FAILED_VISITS_BEFORE_ESCALATION = 3
# Roles that act for the customer or the company rather than as the visiting technician.
OFFICE_ROLES = ("agent", "manager", "admin")


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


def escalation_threshold(option: str) -> int:
    """Failed visits on a product defect before it escalates (the option, at least 1)."""
    return max(1, int(option or DEFAULT_FAILED_VISITS_BEFORE_ESCALATION))


def escalates(kind: str, nature: str | None, failed_visits: int, threshold: int) -> bool:
    """Only a repair of a product defect escalates, once enough visits have failed."""
    return kind == "repair" and nature == "product_defect" and failed_visits >= threshold


def is_repeat(previous_accepted_at: dt.datetime, opened_at: dt.datetime) -> bool:
    """A new repair within 30 days of an accepted one on the same serial is a repeat of it."""
    return dt.timedelta(0) <= opened_at - previous_accepted_at <= REPEAT_WINDOW


def normalise(text: str) -> str:
    """Skills and models compare case- and space-insensitively."""
    return " ".join(text.split()).lower()


def skill_set(raw: Iterable[str]) -> list[str]:
    """A technician's skills: normalised, each once, in order."""
    return sorted({normalise(s) for s in raw})


def required_skill(raw: str | None) -> str | None:
    """The skill a work order needs, normalised; none when blank."""
    return normalise(raw) if raw and raw.strip() else None


def misfits(technician: Technician, work_order: WorkOrder) -> dict[str, list[str]]:
    """Why a technician cannot take a work order's visit (empty when they can)."""
    problems = []
    if not technician.active:
        problems.append("technician is not active")
    if technician.region != work_order.region:
        problems.append("technician does not work in this work order's region")
    if work_order.required_skill and work_order.required_skill not in technician.skills:
        problems.append(f"technician lacks the skill {work_order.required_skill}")
    return {"technician_id": problems} if problems else {}


def require_open_window(window_end: dt.datetime, now: dt.datetime) -> None:
    """A visit can only be booked in a window that has not ended yet (422)."""
    if window_end <= now:
        raise InvalidInput("the window has already ended", errors={"window_end": ["in the past"]})


def refusal(action: str, work_order_id: Any, status: str) -> Conflict:
    """The 409 for an action the work order's status does not admit (naming the status, as
    every service's 409 does)."""
    return Conflict(
        f"cannot {action}: work order {work_order_id} is {status}",
        errors={"status": [f"is {status}"]},
    )


def require_assigned(login: str | None, caller: str) -> None:
    """Only the technician the visit is assigned to (by their login) acts on it (403)."""
    if login is None or login != caller:
        raise Forbidden("this work order's visit is not assigned to you")


def nobody_fits(region: str, skill: str | None) -> Conflict:
    """The 409 when no technician of the region can take the visit automatically."""
    needing = f" with the skill {skill}" if skill else ""
    return Conflict(
        f"no active technician in region {region}{needing} can take this visit; "
        "name one or add one to the roster",
        errors={"technician_id": ["nobody fits: name a technician"]},
    )


class LoginTaken(Conflict):
    """A technician's login (JWT ``sub``) already belongs to another technician."""

    def __init__(self, user_sub: str) -> None:
        super().__init__(
            f"the login {user_sub!r} already belongs to another technician",
            errors={"user_sub": ["already linked to another technician"]},
        )


class WorkIdTaken(Conflict):
    """A work ID already belongs to another technician."""

    def __init__(self, work_id: str) -> None:
        super().__init__(
            f"the work ID {work_id!r} already belongs to another technician",
            errors={"work_id": ["already another technician's"]},
        )


# How the customer's answer (acceptance and rating, which feed bonuses) was confirmed.
CONFIRMATIONS = ("customer_signature", "agent_call")


def confirmation_of(confirmation: dict[str, Any] | None, *, by_office: bool) -> str:
    """How the customer's answer is confirmed: the visit's technician alone may not record
    it without the customer's own signature; the office records it from a call with them."""
    method = (confirmation or {}).get("method") or ("agent_call" if by_office else None)
    if method == "agent_call" and not by_office:
        raise InvalidInput(
            "a technician cannot confirm the customer's answer by a call",
            errors={"confirmation.method": ["the customer's signature is needed"]},
        )
    if method is None or (
        method == "customer_signature" and not (confirmation or {}).get("customer_signature")
    ):
        raise InvalidInput(
            "the customer's answer needs the customer's own signature",
            errors={"confirmation": ["the customer's signature is needed"]},
        )
    return str(method)


# Follow-up calls after an accepted repair: the first 3 days after, the second 30.
DEFAULT_FOLLOW_UP_DAYS = "3,30"


def follow_up_days(raw: str) -> tuple[int, ...]:
    """The days after acceptance each follow-up call is due (an operator's setting)."""
    days = tuple(sorted(int(part) for part in raw.split(",") if part.strip()))
    if not days or days[0] < 0:
        raise ValueError(f"follow-up days {raw!r}: expected days after acceptance, e.g. 3,30")
    return days


def route_region(viewer: Principal, requested: str | None) -> str:
    """The region a route is listed for: the token's own, else the one asked for (422)."""
    if viewer.region is not None:
        if requested not in (None, viewer.region):
            raise NotFound(f"no routes in region {requested} for this token")
        return viewer.region
    if requested is None:
        raise InvalidInput("which region's routes?", errors={"region": ["required"]})
    return requested


def site_columns(site: dict[str, Any] | None) -> dict[str, Any]:
    """Where the product is installed, as a work order keeps it (all None when unknown)."""
    site = site or {}
    return {
        "site_address": site.get("address"),
        "site_contact_name": site.get("contact_name"),
        "site_contact_phone": site.get("contact_phone"),
        "site_latitude": site.get("latitude"),
        "site_longitude": site.get("longitude"),
    }


def next_local_day(now: dt.datetime, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """Tomorrow in a region's time zone, as the UTC instants it starts and ends at: the day
    whose visits get their reminder today."""
    tomorrow = now.astimezone(tz).date() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(tomorrow + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)
