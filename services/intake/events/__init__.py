"""What intake publishes: its ``EventCatalog`` (``PUBLISHES``), the tickets' events and the
consultations' (each module declares its own on the one catalog)."""

from __future__ import annotations

from services.intake.events import consultations
from services.intake.events.tickets import PUBLISHES, TICKET_ID

__all__ = ["PUBLISHES", "TICKET_ID", "consultations"]
