"""billing: fee schedule, invoices, payments, audits, credit notes.

The service kit is wired (web app, worker, migrations); its domain arrives with its issue.
"""

from __future__ import annotations

from pathlib import Path

from shared.db import service_metadata
from shared.events import EventCatalog, Subscriptions
from shared.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="billing",
    title="Aftercare billing",
    metadata=service_metadata(),
    catalog=EventCatalog("billing"),
    subscriptions=Subscriptions("billing"),
    package_dir=Path(__file__).parent,
)
