"""intake: tickets, assessment, solution agreement."""

from __future__ import annotations

from pathlib import Path

from services.intake.events import PUBLISHES
from services.intake.handlers import SUBSCRIPTIONS
from services.intake.models import Base
from services.intake.repositories import SqlIntakeUnitOfWork
from shared.service import ServiceDefinition


def _blueprints() -> list:
    from services.intake.routes import blp

    return [blp]


SERVICE = ServiceDefinition(
    name="intake",
    title="Aftercare intake",
    port=8001,
    metadata=Base.metadata,
    catalog=PUBLISHES,
    subscriptions=SUBSCRIPTIONS,
    package_dir=Path(__file__).parent,
    blueprints=_blueprints,
    unit_of_work=SqlIntakeUnitOfWork,
)
