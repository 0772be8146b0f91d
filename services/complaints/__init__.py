"""complaints: complaints filed with a business-hours deadline and routed to an owner,
investigations with evidence, resolutions and the complainant's feedback (reopening and
escalating), corrective measures, and the analysis of a period."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from services.complaints.events import PUBLISHES
from services.complaints.handlers import SUBSCRIPTIONS
from services.complaints.models import Base
from services.complaints.repositories import SqlComplaintsUnitOfWork
from shared.service import Runtime, ServiceDefinition

if TYPE_CHECKING:
    from prometheus_client.registry import Collector


def _collectors(rt: Runtime) -> list[Collector]:
    from services.complaints.metrics import collectors

    return collectors(rt)


def _blueprints() -> list[Any]:
    from services.complaints.routes import blp, measures

    return [blp, measures]


SERVICE = ServiceDefinition(
    name="complaints",
    title="Aftercare complaints",
    port=8005,
    metadata=Base.metadata,
    catalog=PUBLISHES,
    subscriptions=SUBSCRIPTIONS,
    package_dir=Path(__file__).parent,
    blueprints=_blueprints,
    collectors=_collectors,
    unit_of_work=SqlComplaintsUnitOfWork,
)
