"""The events kpi publishes: none. (What it reads of others' events is in ``handlers``.)"""

from __future__ import annotations

from shared.events import EventCatalog

PUBLISHES = EventCatalog("kpi")
