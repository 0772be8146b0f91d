"""support: customer training (requested or planned, scheduled, held with attendance and
feedback), staff qualifications (training and exam records, the current one per person and
skill, what expires soon) and satisfaction questionnaires answered through a one-time link."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from services.support.events import PUBLISHES
from services.support.handlers import SUBSCRIPTIONS
from services.support.models import Base
from services.support.repositories import SqlSupportUnitOfWork
from shared.service import Runtime, ServiceDefinition

if TYPE_CHECKING:
    from prometheus_client.registry import Collector


def _blueprints() -> list[Any]:
    from services.support.routes import BLUEPRINTS

    return list(BLUEPRINTS)


def _collectors(rt: Runtime) -> list[Collector]:
    from services.support.metrics import collectors

    return collectors(rt)


SERVICE = ServiceDefinition(
    name="support",
    title="Aftercare support",
    port=8008,
    metadata=Base.metadata,
    catalog=PUBLISHES,
    subscriptions=SUBSCRIPTIONS,
    package_dir=Path(__file__).parent,
    blueprints=_blueprints,
    collectors=_collectors,
    unit_of_work=SqlSupportUnitOfWork,
)
