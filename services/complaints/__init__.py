"""complaints: complaints, investigations, resolutions, customer feedback.

The service kit is wired (web app, worker, migrations); its domain arrives with its issue.
"""

from __future__ import annotations

from pathlib import Path

from shared.db import service_metadata
from shared.events import EventCatalog, Subscriptions
from shared.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="complaints",
    title="Aftercare complaints",
    metadata=service_metadata(),
    catalog=EventCatalog("complaints"),
    subscriptions=Subscriptions("complaints"),
    package_dir=Path(__file__).parent,
)
