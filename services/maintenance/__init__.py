"""maintenance: installed assets, maintenance plans and records, the per-asset service file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.maintenance.events import PUBLISHES
from services.maintenance.handlers import SUBSCRIPTIONS
from services.maintenance.jobs import SCHEDULER
from services.maintenance.models import Base
from services.maintenance.repositories import SqlMaintenanceUnitOfWork
from shared.service import Command, ServiceDefinition


def _blueprints() -> list[Any]:
    from services.maintenance.routes import assets, plans

    return [assets, plans]


def _commands() -> list[Command]:
    from services.maintenance.commands import commands

    return commands()


SERVICE = ServiceDefinition(
    name="maintenance",
    title="Aftercare maintenance",
    port=8003,
    metadata=Base.metadata,
    catalog=PUBLISHES,
    subscriptions=SUBSCRIPTIONS,
    package_dir=Path(__file__).parent,
    blueprints=_blueprints,
    periodic=(SCHEDULER,),
    unit_of_work=SqlMaintenanceUnitOfWork,
    commands=_commands,
)
