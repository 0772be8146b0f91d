"""returns: replacement and refund requests, appraisal, shipments, receipts.

The service has every room of the anatomy (services/README.md); its domain arrives with its
issue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.returns.events import PUBLISHES
from services.returns.handlers import SUBSCRIPTIONS
from services.returns.models import Base
from services.returns.repositories import SqlReturnsUnitOfWork
from shared.service import ServiceDefinition


def _blueprints() -> list[Any]:
    from services.returns.routes import blp

    return [blp]


SERVICE = ServiceDefinition(
    name="returns",
    title="Aftercare returns",
    port=8004,
    metadata=Base.metadata,
    catalog=PUBLISHES,
    subscriptions=SUBSCRIPTIONS,
    package_dir=Path(__file__).parent,
    blueprints=_blueprints,
    unit_of_work=SqlReturnsUnitOfWork,
)
