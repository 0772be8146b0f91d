"""Spot checks: a reproducible random sample of a month's completed work orders."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.kpi.models import SpotCheck

# Seeds stay within what every JSON client reads exactly.
MAX_SEED = 2**53 - 1


def draw_sample(population: Sequence[str], size: int, seed: int) -> list[str]:
    """``random.Random(seed).sample(ids in order, size)``: anyone with the seed and the same
    population draws the same sample (all of it when it is smaller than ``size``)."""
    return random.Random(seed).sample(list(population), min(size, len(population)))


def spot_check_view(record: SpotCheck, details: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A recorded spot check with what it shows of each sampled work order, in sample
    order (just the id of one kpi no longer knows)."""
    ids: list[str] = json.loads(record.work_order_ids)
    return {
        "id": record.id,
        "month": record.month,
        "region": record.region,
        "size": record.size,
        "seed": record.seed,
        "population": record.population,
        "created_at": record.created_at,
        "created_by": record.created_by,
        "work_orders": [details.get(i, {"work_order_id": i}) for i in ids],
    }
