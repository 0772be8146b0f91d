"""kpi publishes nothing."""

from __future__ import annotations

from shared.events import EventCatalog

PUBLISHES = EventCatalog("kpi")
