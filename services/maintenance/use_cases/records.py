"""A maintenance visit's record: the next due date moves from the actual visit, the visit
is announced (``maintenance.completed``) and every problem found becomes a ticket
(``maintenance.issue_found``, high priority for a hazard), all in one commit."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from services.maintenance.domain import local_day
from services.maintenance.models import Plan, Record
from services.maintenance.repositories import MaintenanceUnitOfWork
from shared.auth import Principal
from shared.errors import InvalidInput


def _check_tasks(planned: list[str], reported: list[dict[str, Any]]) -> None:
    """Every planned task reported once, done or not; no task the plan does not have."""
    names = [t["task"] for t in reported]
    problems = []
    if missing := [t for t in planned if t not in names]:
        problems.append(f"missing planned tasks: {', '.join(missing)}")
    if extra := sorted({t for t in names if t not in planned}):
        problems.append(f"not in the plan: {', '.join(extra)}")
    if len(set(names)) != len(names):
        problems.append("a task is reported twice")
    if problems:
        raise InvalidInput("the tasks do not match the plan", errors={"tasks": problems})


def _visit_day(uow: MaintenanceUnitOfWork, plan: Plan, visited_at: dt.datetime) -> dt.date:
    """The visit's day in the region's time zone, not before the installation (422)."""
    visited_on = local_day(visited_at, uow.calendar(plan.region).tz)
    installed_on = plan.asset.installed_on
    if installed_on is not None and visited_on < installed_on:
        raise InvalidInput(
            "visit before the installation", errors={"visited_at": ["before the installation"]}
        )
    return visited_on


def record_visit(
    uow: MaintenanceUnitOfWork, *, plan_id: uuid.UUID, record_in: dict[str, Any], by: Principal
) -> Record:
    """Record a maintenance visit on a plan (404 outside the caller's region)."""
    plan = uow.plans.get_for_step(plan_id, by=by)
    _check_tasks(plan.tasks, record_in["tasks"])
    now = uow.clock.now()
    visited_at = record_in.get("visited_at") or now
    visited_on = _visit_day(uow, plan, visited_at)
    due_date = plan.open_due
    plan.visited(visited_on, at=now)
    record = Record(
        id=uuid.uuid4(),
        plan=plan,
        plan_id=plan.id,
        serial_no=plan.asset.serial_no,
        region=plan.region,
        work_order_id=record_in.get("work_order_id"),
        due_date=due_date,
        visited_at=visited_at,
        visited_on=visited_on,
        technician=by.sub,
        tasks=[dict(t) for t in record_in["tasks"]],
        findings=record_in["findings"],
        problems=[dict(p) for p in record_in["problems"]],
        attachments=[dict(a) for a in record_in["attachments"]],
        customer_signature=record_in["customer_signature"],
        signed_by=record_in["signed_by"],
        next_due_date=plan.next_due_date,
        created_at=now,
        version=0,
    )
    record.announce(environment=plan.asset.environment)
    uow.records.add(record)
    uow.commit()
    return record
