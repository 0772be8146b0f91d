"""complaints: complaints, investigations, resolutions, customer feedback.

The service kit is wired (web app, worker, migrations); its domain arrives with its issue.
"""

from __future__ import annotations

from pathlib import Path

from services.complaints.events import PUBLISHES
from shared.db import service_metadata
from shared.events import Subscriptions
from shared.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="complaints",
    title="Aftercare complaints",
    metadata=service_metadata(),
    catalog=PUBLISHES,
    subscriptions=Subscriptions("complaints"),
    package_dir=Path(__file__).parent,
)
