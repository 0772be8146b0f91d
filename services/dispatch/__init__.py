"""dispatch: technicians, work orders, visits, repair records, acceptance, follow-ups.

The service kit is wired (web app, worker, migrations); its domain arrives with its issue.
"""

from __future__ import annotations

from pathlib import Path

from services.dispatch.events import PUBLISHES
from shared.db import service_metadata
from shared.events import Subscriptions
from shared.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="dispatch",
    title="Aftercare dispatch",
    metadata=service_metadata(),
    catalog=PUBLISHES,
    subscriptions=Subscriptions("dispatch"),
    package_dir=Path(__file__).parent,
)
