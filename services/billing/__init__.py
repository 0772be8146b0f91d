"""billing: fee schedule, invoices, payments, audits, credit notes.

The fee schedule is versioned by effective date and published to everyone (reading it needs
no token); finance alone publishes a version (``fee_schedule.published``, region word
``national``). ``repair.completed`` and a paid replacement's ``return.appraised`` make draft
invoices priced with the version in force when the work was done; finance issues them (a
gap-free number per year and region), records payments, audits them against the record;
``refund.issued`` and audit corrections make credit notes.

Options: ``AFTERCARE_BILLING_TAX_RATE`` (default 0.13), the tax rate of a schedule version
published without one (and of standalone credits). Prices are tax-exclusive.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from services.billing.events import PUBLISHES
from services.billing.handlers import SUBSCRIPTIONS
from services.billing.models import Base
from services.billing.repositories import SqlBillingUnitOfWork
from shared.service import Runtime, ServiceDefinition

if TYPE_CHECKING:
    from prometheus_client.registry import Collector


def _blueprints() -> list[Any]:
    from services.billing.routes import credit_notes, fee_schedule, invoices

    return [fee_schedule, invoices, credit_notes]


def _collectors(rt: Runtime) -> list[Collector]:
    from services.billing.metrics import collectors

    return collectors(rt)


SERVICE = ServiceDefinition(
    name="billing",
    title="Aftercare billing",
    port=8006,
    metadata=Base.metadata,
    catalog=PUBLISHES,
    subscriptions=SUBSCRIPTIONS,
    package_dir=Path(__file__).parent,
    blueprints=_blueprints,
    collectors=_collectors,
    unit_of_work=SqlBillingUnitOfWork,
)
