"""complaints: complaints, investigations, resolutions, customer feedback.

The service has every room of the anatomy (services/README.md); its domain arrives with its
issue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.complaints.events import PUBLISHES
from services.complaints.handlers import SUBSCRIPTIONS
from services.complaints.models import Base
from services.complaints.repositories import SqlComplaintsUnitOfWork
from shared.service import ServiceDefinition


def _blueprints() -> list[Any]:
    from services.complaints.routes import blp

    return [blp]


SERVICE = ServiceDefinition(
    name="complaints",
    title="Aftercare complaints",
    port=8005,
    metadata=Base.metadata,
    catalog=PUBLISHES,
    subscriptions=SUBSCRIPTIONS,
    package_dir=Path(__file__).parent,
    blueprints=_blueprints,
    unit_of_work=SqlComplaintsUnitOfWork,
)
