"""returns: replacement and refund requests (RMA), appraisal, shipments, receipts.

The service kit is wired (web app, worker, migrations); its domain arrives with its issue.
"""

from __future__ import annotations

from pathlib import Path

from shared.db import service_metadata
from shared.events import EventCatalog, Subscriptions
from shared.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="returns",
    title="Aftercare returns",
    metadata=service_metadata(),
    catalog=EventCatalog("returns"),
    subscriptions=Subscriptions("returns"),
    package_dir=Path(__file__).parent,
)
