"""maintenance: installed assets, maintenance plans and records, the per-asset service file.

The service has every room of the anatomy (services/README.md); its domain arrives with its
issue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.maintenance.events import PUBLISHES
from services.maintenance.handlers import SUBSCRIPTIONS
from services.maintenance.models import Base
from services.maintenance.repositories import SqlMaintenanceUnitOfWork
from shared.service import ServiceDefinition


def _blueprints() -> list[Any]:
    from services.maintenance.routes import blp

    return [blp]


SERVICE = ServiceDefinition(
    name="maintenance",
    title="Aftercare maintenance",
    port=8003,
    metadata=Base.metadata,
    catalog=PUBLISHES,
    subscriptions=SUBSCRIPTIONS,
    package_dir=Path(__file__).parent,
    blueprints=_blueprints,
    unit_of_work=SqlMaintenanceUnitOfWork,
)
