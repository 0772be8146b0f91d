"""What billing publishes: versioned payload schemas, each with a sample for contract tests."""

from __future__ import annotations

from shared.events import EventCatalog

PUBLISHES = EventCatalog("billing")
