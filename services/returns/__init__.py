"""returns: replacement and refund requests (opened by agents and by repair escalations),
appraisal by the warranty rules, agreement, shipment, the original's return, refund after
receipt."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from services.returns.events import PUBLISHES
from services.returns.handlers import SUBSCRIPTIONS
from services.returns.models import Base
from services.returns.repositories import SqlReturnsUnitOfWork
from shared.service import Runtime, ServiceDefinition

if TYPE_CHECKING:
    from prometheus_client.registry import Collector


def _blueprints() -> list[Any]:
    from services.returns.routes import blp

    return [blp]


def _collectors(rt: Runtime) -> list[Collector]:
    from services.returns.metrics import collectors

    return collectors(rt)


SERVICE = ServiceDefinition(
    name="returns",
    title="Aftercare returns",
    port=8004,
    metadata=Base.metadata,
    catalog=PUBLISHES,
    subscriptions=SUBSCRIPTIONS,
    package_dir=Path(__file__).parent,
    blueprints=_blueprints,
    collectors=_collectors,
    unit_of_work=SqlReturnsUnitOfWork,
)
