"""Maintenance's rules as plain Python: the calendar arithmetic of a plan's occurrences, what
a plan may say (interval, notice), the default plans by product type and environment, and
what a visit's record decides (the next due date, which problems become tickets).

A plan's occurrences are ``anchor + k * interval`` (whole months, a day past the end of a
shorter month clamped to its last day, always counted from the anchor so they never drift).
The anchor moves to the actual visit when a record is made, and to the last occurrence
already announced when the plan is edited: only future occurrences move.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shared.errors import InvalidInput

TASKS = (
    "cleaning",
    "lubrication",
    "fastening",
    "coating_inspection",
    "coating_touch_up",
    "anode_check",
)
PRODUCT_TYPES = ("coating", "cathodic_protection", "lined_tank", "lined_pipe", "other")
ENVIRONMENTS = ("marine", "buried", "industrial", "humid", "indoor", "outdoor")
PLAN_STATUSES = ("active", "paused")
ASSET_SOURCES = ("registered", "ticket", "work_order", "return", "replacement")
TASK_OUTCOMES = ("done", "not_done")

# Occurrence kinds: the customer's notice, and the visit itself.
NOTICE = "notice"
VISIT = "visit"
# The shortest month: a notice must be shorter than every interval a plan can run.
SHORTEST_MONTH_DAYS = 28
MAX_INTERVAL_MONTHS = 120


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; the 31st of a shorter month is its last day."""
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def occurrence(anchor: dt.date, cycle: int, interval_months: int) -> dt.date:
    """The due date of the ``cycle``-th occurrence counted from the anchor."""
    return add_months(anchor, cycle * interval_months)


def first_cycle(anchor: dt.date, interval_months: int, today: dt.date, minimum: int = 1) -> int:
    """The first cycle (at least ``minimum``) whose due date is today or later: a plan for
    an asset installed years ago starts with its next occurrence, not the ones long past."""
    cycle = minimum
    while occurrence(anchor, cycle, interval_months) < today:
        cycle += 1
    return cycle


def check_schedule(interval_months: int, notice_days: int) -> None:
    """422 naming the field unless the interval is at least a month and the notice is
    shorter than the interval (a notice at or before the previous visit makes no sense)."""
    errors: dict[str, list[str]] = {}
    if not 1 <= interval_months <= MAX_INTERVAL_MONTHS:
        errors["interval_months"] = [f"must be between 1 and {MAX_INTERVAL_MONTHS}"]
    elif not 0 <= notice_days < interval_months * SHORTEST_MONTH_DAYS:
        errors["notice_days"] = [
            f"must be shorter than the interval ({interval_months * SHORTEST_MONTH_DAYS} days)"
        ]
    if errors:
        raise InvalidInput("the plan's schedule is impossible", errors=errors)


@dataclass(frozen=True)
class PlanSpec:
    """What a plan says besides its asset: schedule, tasks, method, team, effort."""

    interval_months: int
    notice_days: int
    tasks: tuple[str, ...]
    method: str
    team: str
    required_skill: str | None = None
    estimated_hours: Decimal = Decimal("2.00")

    def overridden(self, changes: Mapping[str, Any]) -> PlanSpec:
        """This spec with the fields a caller gave replaced."""
        values = {name: changes[name] for name in self.names() if name in changes}
        if "tasks" in values:
            values["tasks"] = tuple(values["tasks"])
        merged = {name: getattr(self, name) for name in self.names()} | values
        return PlanSpec(**merged)

    @staticmethod
    def names() -> tuple[str, ...]:
        return (
            "interval_months",
            "notice_days",
            "tasks",
            "method",
            "team",
            "required_skill",
            "estimated_hours",
        )


@dataclass(frozen=True)
class DefaultPlans:
    """Default plans by product type and environment, with a catch-all."""

    fallback: PlanSpec
    by_type: Mapping[str, Mapping[str, PlanSpec]] = field(default_factory=dict)

    def for_asset(self, product_type: str, environment: str | None) -> PlanSpec:
        """The most specific default: type and environment, the type's own, else the
        catch-all."""
        per_type = self.by_type.get(product_type, {})
        return per_type.get(environment or "", per_type.get("default", self.fallback))


def plan_spec(raw: Mapping[str, Any]) -> PlanSpec:
    """A spec from the defaults file's mapping (validated like a plan from the API)."""
    spec = PlanSpec(
        interval_months=int(raw["interval_months"]),
        notice_days=int(raw["notice_days"]),
        tasks=tuple(raw["tasks"]),
        method=str(raw["method"]),
        team=str(raw["team"]),
        required_skill=raw.get("required_skill"),
        estimated_hours=Decimal(str(raw.get("estimated_hours", "2.00"))),
    )
    check_schedule(spec.interval_months, spec.notice_days)
    unknown = set(spec.tasks) - set(TASKS)
    if unknown:
        raise ValueError(f"unknown tasks in the default plans: {sorted(unknown)}")
    return spec


def default_plans(raw: Mapping[str, Any]) -> DefaultPlans:
    """The defaults file read: ``default`` and ``types.<type>.<environment|default>``."""
    fallback = plan_spec(raw["default"])
    by_type = {
        product_type: {env: plan_spec(fallback_merge(raw["default"], s)) for env, s in envs.items()}
        for product_type, envs in (raw.get("types") or {}).items()
    }
    return DefaultPlans(fallback=fallback, by_type=by_type)


def fallback_merge(base: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Any]:
    """A file entry completed by the catch-all's values."""
    return {**base, **spec}


def next_anchor(current: dt.date, visited_on: dt.date) -> dt.date:
    """After a visit, the schedule runs from the visit (never backwards)."""
    return max(current, visited_on)


def issue_priority(hazard: bool) -> str:
    """A hazard is urgent; any other problem found is a normal repair."""
    return "high" if hazard else "normal"


def local_day(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    """The calendar day of a moment in a region's time zone."""
    return moment.astimezone(tz).date()


# -- the service file ------------------------------------------------------------------------
# Which part of a product's life each consumed event belongs to, and the payload field that
# says when it happened (the envelope's time when absent).
FILE_CATEGORIES = {
    "ticket": "ticket",
    "repair": "repair",
    "replacement": "replacement",
    "return": "return",
    "refund": "return",
}
BUSINESS_TIMES = (
    "reported_at",
    "assessed_at",
    "accepted_at",
    "rejected_at",
    "resolved_at",
    "closed_at",
    "finished_at",
    "shipped_at",
    "requested_at",
    "appraised_at",
    "received_at",
    "issued_at",
)


def file_category(event_type: str) -> str:
    """``ticket``, ``repair``, ``replacement`` or ``return``."""
    return FILE_CATEGORIES[event_type.split(".", 1)[0]]


def business_time(data: Mapping[str, Any], fallback: dt.datetime) -> dt.datetime:
    """When the event's fact happened, by its own payload."""
    for name in BUSINESS_TIMES:
        if data.get(name) is not None:
            moment: dt.datetime = data[name]
            return moment.astimezone(dt.UTC)
    return fallback.astimezone(dt.UTC)


def summarise(event_type: str, data: Mapping[str, Any]) -> str:
    """One line for the service file."""
    kind = data.get("kind")
    lines = {
        "ticket.created": f"ticket opened ({kind}, priority {data.get('priority')})",
        "ticket.assessed": f"assessed: {data.get('nature')}, severity {data.get('severity')}",
        "ticket.solution_accepted": "solution accepted by the customer",
        "ticket.solution_rejected": f"solution rejected: {data.get('objection')}",
        "ticket.resolved": f"resolved: {data.get('resolution')}",
        "ticket.closed": f"ticket closed ({data.get('reason')})",
        "repair.completed": f"{kind} visit completed ({data.get('result')}): "
        f"{data.get('work_performed')}",
        "replacement.shipped": f"replaced by {data.get('new_serial_no')}",
        "return.requested": f"{kind} requested: {data.get('reason')}",
        "return.appraised": f"appraised: {data.get('decision')}",
        "return.received": "original received back",
        "refund.issued": f"refund issued: {data.get('amount')} {data.get('currency')}",
    }
    return lines.get(event_type, event_type)
