"""Intake's rules: the ticket's vocabulary and status machine, warranty as of the report
date, the first-response deadline, and a consultation's response deadline and who may answer
it. Plain Python: no web, no database."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shared.calendar import BusinessCalendar, add_business_time
from shared.clock import rfc3339
from shared.domain import require_status
from shared.errors import Conflict, Forbidden, InvalidInput

# How customers reach us; tickets opened from a maintenance finding come by "maintenance".
CUSTOMER_CHANNELS = ("hotline", "email", "chat", "web", "partner")
CHANNELS = (*CUSTOMER_CHANNELS, "maintenance")
KINDS = ("repair", "consultation", "maintenance_issue")
PRIORITIES = ("low", "normal", "high", "urgent")
NATURES = ("product_defect", "installation", "usage", "wear", "environment", "other")
SEVERITIES = ("low", "medium", "high", "critical")
WARRANTY_STATUSES = ("in_warranty", "out_of_warranty", "unknown")
# What a consultation asks about (technical support).
TOPICS = ("selection", "installation_commissioning", "use", "maintenance")

NEW = "new"
ASSESSED = "assessed"  # a solution is proposed, waiting for the customer's answer
AWAITING_REASSESSMENT = "awaiting_reassessment"  # the customer rejected it
AWAITING_REPAIR = "awaiting_repair"  # accepted; dispatch does the work
CLOSED = "closed"
ESCALATED = "escalated"  # dispatch escalated to replacement or return; closed
AWAITING_ENGINEER = "awaiting_engineer"  # a consultation the agent could not answer
STATUSES = (
    NEW,
    ASSESSED,
    AWAITING_REASSESSMENT,
    AWAITING_REPAIR,
    CLOSED,
    ESCALATED,
    AWAITING_ENGINEER,
)

ASSESSABLE = (NEW, AWAITING_REASSESSMENT)
ANSWERABLE = (ASSESSED,)
CONSULTATION_ESCALATABLE = (NEW, ASSESSED, AWAITING_REASSESSMENT)
# Answering a consultation resolves it: at any open step before dispatch, escalated or not.
CONSULTATION_RESOLVABLE = (*CONSULTATION_ESCALATABLE, AWAITING_ENGINEER)

# Business hours to a first response, by priority (SPEC: a first-response deadline is kept).
FIRST_RESPONSE_HOURS = {"urgent": 2, "high": 4, "normal": 8, "low": 16}

UNKNOWN_WARRANTY = {
    "status": "unknown",
    "parts_covered": False,
    "labour_covered": False,
    "reason": "not recorded when the ticket was registered",
}


def require_step(ticket_id: Any, status: str, allowed: Sequence[str], step: str) -> None:
    """Refuse ``step`` with a 409 naming the current status unless it is ``allowed``."""
    detail = f"ticket {ticket_id} is {status}: {step} needs status {' or '.join(allowed)}"
    require_status(status, allowed, detail)


def require_resolvable(ticket_id: Any, kind: str, status: str, visit_needed: bool) -> None:
    """A consultation is resolved at any open step before dispatch; another ticket only
    once its proposed solution needs no visit."""
    if kind == "consultation":
        require_step(ticket_id, status, CONSULTATION_RESOLVABLE, "resolving a consultation")
        return
    require_step(ticket_id, status, (ASSESSED,), f"resolving a {kind} ticket")
    if visit_needed:
        raise Conflict(
            f"ticket {ticket_id} is {status} with a solution that needs a visit: "
            "it is closed when dispatch reports the repair accepted",
            errors={"status": [f"is {status}"]},
        )


def step_time(
    given: dt.datetime | None, *, now: dt.datetime, floor: dt.datetime, field: str
) -> dt.datetime:
    """When a step happened: the client's time (not before the ticket's previous step), or
    now (never before it either)."""
    if given is None:
        return max(now, floor)
    if given < floor:
        raise InvalidInput(
            f"{field} is before the ticket's previous step",
            errors={field: [f"must not be before {rfc3339(floor)}, the ticket's previous step"]},
        )
    return given


def first_response_due(
    calendar: BusinessCalendar, *, priority: str, reported_at: dt.datetime
) -> dt.datetime:
    """The first-response deadline: the priority's business hours on the region's calendar."""
    hours = FIRST_RESPONSE_HOURS[priority]
    return add_business_time(calendar, reported_at, dt.timedelta(hours=hours))


@dataclass(frozen=True)
class ResponsePolicy:
    """Business hours to answer a consultation: by priority, overridden per topic."""

    by_priority: Mapping[str, float]
    by_topic: Mapping[str, Mapping[str, float]]

    def hours(self, topic: str | None, priority: str) -> float:
        """The topic's hours for this priority, else the priority's (no topic: legacy)."""
        own = self.by_topic.get(topic or "", {})
        return own.get(priority, self.by_priority[priority])


def _hours_table(raw: Any, where: str, *, complete: bool) -> dict[str, float]:
    table = dict(raw or {})
    unknown = set(table) - set(PRIORITIES)
    missing = set(PRIORITIES) - set(table) if complete else set()
    if unknown or missing:
        wrong = f"unknown priorities {sorted(unknown)}, missing {sorted(missing)}"
        raise ValueError(f"{where}: {wrong}")
    hours = {str(k): float(v) for k, v in table.items()}
    if any(not 0 < h <= 1000 for h in hours.values()):
        raise ValueError(f"{where}: hours must be more than 0 and at most 1000")
    return hours


def response_policy(raw: Mapping[str, Any]) -> ResponsePolicy:
    """The response policy from its YAML document: ``hours`` by priority (every priority),
    ``topics.<topic>`` overriding some priorities; anything unknown is refused."""
    topics = dict(raw.get("topics") or {})
    if unknown := set(topics) - set(TOPICS):
        raise ValueError(f"consultation policy: unknown topics {sorted(unknown)}")
    return ResponsePolicy(
        by_priority=_hours_table(raw.get("hours"), "hours", complete=True),
        by_topic={
            topic: _hours_table(spec, f"topics.{topic}", complete=False)
            for topic, spec in topics.items()
        },
    )


def consultation_response_due(
    calendar: BusinessCalendar,
    *,
    policy: ResponsePolicy,
    topic: str | None,
    priority: str,
    asked_at: dt.datetime,
) -> dt.datetime:
    """When a consultation must be answered: the topic's (or priority's) business hours
    from the moment the customer asked, on the region's calendar."""
    hours = policy.hours(topic, priority)
    return add_business_time(calendar, asked_at, dt.timedelta(hours=hours))


def require_consultation(ticket_id: Any, kind: str, step: str) -> None:
    """409 unless the ticket is a consultation."""
    if kind != "consultation":
        raise Conflict(
            f"ticket {ticket_id} is a {kind} ticket: {step} is for a consultation",
            errors={"kind": [f"is {kind}"]},
        )


def require_answerer(
    ticket_id: Any, *, escalated: bool, engineer: str | None, sub: str, roles: frozenset[str]
) -> None:
    """Once escalated, an engineer answers (the one named, if one was); an admin always may."""
    if not escalated or "admin" in roles:
        return
    if "engineer" not in roles:
        raise Forbidden(f"consultation {ticket_id} was escalated: an engineer answers it")
    if engineer is not None and engineer != sub:
        raise Forbidden(f"consultation {ticket_id} was escalated to {engineer}: they answer it")


@dataclass(frozen=True)
class Policy:
    """Months of parts and of labour cover from the purchase date."""

    parts_months: int
    labour_months: int


@dataclass(frozen=True)
class WarrantyPolicy:
    """The default policy and the per-model ones."""

    default: Policy
    models: Mapping[str, Policy]

    def __hash__(self) -> int:
        return hash((self.default, tuple(sorted(self.models.items()))))


@dataclass(frozen=True)
class WarrantyStatus:
    status: str  # in_warranty | out_of_warranty | unknown
    parts_covered: bool
    labour_covered: bool
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "parts_covered": self.parts_covered,
            "labour_covered": self.labour_covered,
            "reason": self.reason,
        }


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_on(
    *, model: str, purchase_date: dt.date | None, reported_on: dt.date, policy: WarrantyPolicy
) -> WarrantyStatus:
    """Parts and labour coverage on the day the fault was reported (not today)."""
    if purchase_date is None:
        return WarrantyStatus("unknown", False, False, "no purchase date given")
    own = policy.models.get(model)
    terms = own or policy.default
    parts_until = add_months(purchase_date, terms.parts_months)
    labour_until = add_months(purchase_date, terms.labour_months)
    parts, labour = reported_on <= parts_until, reported_on <= labour_until
    source = f"model {model}" if own is not None else "default policy"
    reason = (
        f"purchased {purchase_date.isoformat()}, reported {reported_on.isoformat()}; "
        f"{source}: parts until {parts_until.isoformat()}, labour until "
        f"{labour_until.isoformat()}"
    )
    status = "in_warranty" if parts or labour else "out_of_warranty"
    return WarrantyStatus(status, parts, labour, reason)
