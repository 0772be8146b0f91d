"""Plans: made on an asset from the default plans (by product type and environment) with the
caller's overrides, and edited so that only future occurrences move."""

from __future__ import annotations

import uuid
from typing import Any

from services.maintenance.domain import local_day
from services.maintenance.models import Plan
from services.maintenance.models.plans import ACTIVE
from services.maintenance.repositories import MaintenanceUnitOfWork
from shared.auth import Principal
from shared.errors import InvalidInput


def _today(uow: MaintenanceUnitOfWork, region: str) -> Any:
    return local_day(uow.clock.now(), uow.calendar(region).tz)


def create_plan(uow: MaintenanceUnitOfWork, *, plan_in: dict[str, Any], by: Principal) -> Plan:
    """A plan for an asset: the default plan of its type and environment, with overrides."""
    serial_no = plan_in["serial_no"]
    asset = uow.assets.by_serial(serial_no)
    if asset is None or not by.may_access(asset.region):
        raise InvalidInput("no such asset", errors={"serial_no": [f"no asset {serial_no}"]})
    if not asset.complete:
        raise InvalidInput(
            "the asset lacks details a plan needs",
            errors={"serial_no": ["set the asset's customer_name and installed_on first"]},
        )
    spec = uow.default_plans().for_asset(asset.product_type, asset.environment)
    now, today = uow.clock.now(), _today(uow, asset.region)
    plan = Plan(
        id=uuid.uuid4(),
        asset=asset,
        asset_id=asset.id,
        region=asset.region,
        status=ACTIVE,
        overrides=sorted(n for n in spec.names() if n in plan_in),
        notified_due=None,
        last_visit_due=None,
        open_due=None,
        created_at=now,
        updated_at=now,
        version=0,
    )
    plan.apply(spec.overridden(plan_in))
    first_due = plan_in.get("first_due_date")
    if first_due is not None:
        if first_due < today:
            raise InvalidInput("in the past", errors={"first_due_date": ["in the past"]})
        plan.start(first_due, today=today, minimum=0)
    else:
        assert asset.installed_on is not None
        plan.start(asset.installed_on, today=today)
    uow.plans.add(plan)
    uow.commit()
    return plan


def update_plan(
    uow: MaintenanceUnitOfWork, *, plan_id: uuid.UUID, changes: dict[str, Any], by: Principal
) -> Plan:
    """Change a plan (interval, notice, tasks, method, team...) or pause/resume it: the
    occurrences already announced stay, the next ones follow the new plan."""
    plan = uow.plans.get_for_step(plan_id, by=by)
    now, today = uow.clock.now(), _today(uow, plan.region)
    spec_changes = {n: v for n, v in changes.items() if n in plan.spec.names()}
    if spec_changes:
        plan.edit(plan.spec.overridden(spec_changes), today=today, at=now)
        plan.overrides = sorted(set(plan.overrides) | set(spec_changes))
    if "status" in changes:
        plan.set_status(changes["status"], today=today, at=now)
    uow.commit()
    return plan
