"""Spot checks: reproducible random samples of a month's completed work orders."""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any

from services.kpi.domain.spot_checks import MAX_SEED, draw_sample, spot_check_view
from services.kpi.models import SpotCheck
from services.kpi.repositories import KpiUnitOfWork
from services.kpi.use_cases.common import scope_region
from shared.auth import Principal


def draw_spot_check(
    uow: KpiUnitOfWork, *, spot_check_in: dict[str, Any], by: Principal
) -> dict[str, Any]:
    """A random sample of the month's completed work orders, drawn with a recorded seed so
    that anyone can draw it again: ``random.Random(seed).sample(ids in order, size)``."""
    region = scope_region(by, spot_check_in.get("region"))
    month, size = spot_check_in["month"], spot_check_in["size"]
    seed = spot_check_in.get("seed")
    if seed is None:
        seed = secrets.randbelow(MAX_SEED + 1)
    population = uow.measures.completed_work_orders(month=month, region=region)
    sample = draw_sample(population, size, seed)
    record = uow.spot_checks.add(
        SpotCheck(
            id=str(uuid.uuid4()),
            month=month,
            region=region,
            size=size,
            seed=seed,
            population=len(population),
            work_order_ids=json.dumps(sample),
            created_at=uow.clock.now(),
            created_by=by.sub,
        )
    )
    # Read before the commit: a read after it would open another transaction (on SQLite a
    # write lock) that the request would hold while the Idempotency-Key is being stored.
    view = spot_check_view(record, uow.spot_checks.work_order_details(sample))
    uow.commit()
    return view
