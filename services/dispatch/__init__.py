"""dispatch: technicians, work orders, visits, repair records, acceptance, follow-ups."""

from __future__ import annotations

from pathlib import Path

from services.dispatch.events import PUBLISHES
from services.dispatch.handlers import SUBSCRIPTIONS
from services.dispatch.jobs import MISSED_VISITS, REMINDERS
from services.dispatch.models import Base
from services.dispatch.repositories import SqlDispatchUnitOfWork
from shared.service import ServiceDefinition


def _commands() -> list:
    from services.dispatch.commands import commands

    return commands()


def _blueprints() -> list:
    from services.dispatch.routes import follow_ups, routes, technicians, work_orders

    return [technicians, work_orders, follow_ups, routes]


SERVICE = ServiceDefinition(
    name="dispatch",
    title="Aftercare dispatch",
    port=8002,
    metadata=Base.metadata,
    catalog=PUBLISHES,
    subscriptions=SUBSCRIPTIONS,
    package_dir=Path(__file__).parent,
    blueprints=_blueprints,
    periodic=(MISSED_VISITS, REMINDERS),
    unit_of_work=SqlDispatchUnitOfWork,
    commands=_commands,
)
