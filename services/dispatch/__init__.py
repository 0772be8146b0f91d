"""dispatch: technicians, work orders, visits, repair records, acceptance, follow-ups."""

from __future__ import annotations

from pathlib import Path

from services.dispatch.events import PUBLISHES
from services.dispatch.handlers import SUBSCRIPTIONS
from services.dispatch.models import Base
from services.dispatch.sweeps import EVERY_SECONDS, run_missed_visit_sweep
from shared.service import PeriodicJob, ServiceDefinition


def _blueprints() -> list:
    from services.dispatch.routes import technicians, work_orders

    return [technicians, work_orders]


SERVICE = ServiceDefinition(
    name="dispatch",
    title="Aftercare dispatch",
    metadata=Base.metadata,
    catalog=PUBLISHES,
    subscriptions=SUBSCRIPTIONS,
    package_dir=Path(__file__).parent,
    blueprints=_blueprints,
    periodic=(PeriodicJob("missed-visits", EVERY_SECONDS, run_missed_visit_sweep),),
)
