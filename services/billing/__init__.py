"""billing: fee schedule, invoices, payments, audits, credit notes.

The service has every room of the anatomy (services/README.md); its domain arrives with its
issue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.billing.events import PUBLISHES
from services.billing.handlers import SUBSCRIPTIONS
from services.billing.models import Base
from services.billing.repositories import SqlBillingUnitOfWork
from shared.service import ServiceDefinition


def _blueprints() -> list[Any]:
    from services.billing.routes import blp

    return [blp]


SERVICE = ServiceDefinition(
    name="billing",
    title="Aftercare billing",
    port=8006,
    metadata=Base.metadata,
    catalog=PUBLISHES,
    subscriptions=SUBSCRIPTIONS,
    package_dir=Path(__file__).parent,
    blueprints=_blueprints,
    unit_of_work=SqlBillingUnitOfWork,
)
