"""kpi: service-quality facts from every event, KPIs, scorecards and spot checks, exposed to
Prometheus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prometheus_client.registry import Collector

from services.kpi.events import PUBLISHES
from services.kpi.handlers import SUBSCRIPTIONS
from services.kpi.jobs import CLOSE_MONTHS
from services.kpi.models import Base
from services.kpi.repositories import SqlKpiUnitOfWork
from shared.service import Command, Runtime, ServiceDefinition


def _blueprints() -> list[Any]:
    from services.kpi.routes import blp

    return [blp]


def _collectors(rt: Runtime) -> list[Collector]:
    from services.kpi.metrics import collectors

    return collectors(rt)


def _commands() -> list[Command]:
    from services.kpi.commands import CLOSE, REBUILD

    return [REBUILD, CLOSE]


SERVICE = ServiceDefinition(
    name="kpi",
    title="Aftercare kpi",
    port=8007,
    metadata=Base.metadata,
    catalog=PUBLISHES,
    subscriptions=SUBSCRIPTIONS,
    package_dir=Path(__file__).parent,
    blueprints=_blueprints,
    collectors=_collectors,
    unit_of_work=SqlKpiUnitOfWork,
    commands=_commands,
    periodic=(CLOSE_MONTHS,),
)
