"""The lock kpi's apply path runs under."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

# pg_advisory_xact_lock key of kpi's apply path ("kpi" in ASCII).
APPLY_LOCK = 0x6B7069


def take_apply_lock(session: Session) -> None:
    """Serialise kpi batches (and the rebuild) across processes on PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPLY_LOCK})
