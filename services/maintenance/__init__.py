"""maintenance: installed assets, maintenance plans and records, the per-asset service file.

The service kit is wired (web app, worker, migrations); its domain arrives with its issue.
"""

from __future__ import annotations

from pathlib import Path

from services.maintenance.events import PUBLISHES
from shared.db import service_metadata
from shared.events import Subscriptions
from shared.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="maintenance",
    title="Aftercare maintenance",
    metadata=service_metadata(),
    catalog=PUBLISHES,
    subscriptions=Subscriptions("maintenance"),
    package_dir=Path(__file__).parent,
)
