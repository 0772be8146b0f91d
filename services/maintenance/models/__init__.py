"""Maintenance's tables: installed assets, their plans and the occurrences the scheduler
claimed, visit records, and the per-serial service file built from events."""

from __future__ import annotations

from services.maintenance.models.assets import Asset, ServiceFileEntry
from services.maintenance.models.base import Base
from services.maintenance.models.plans import Occurrence, Plan
from services.maintenance.models.records import Record

__all__ = ["Asset", "Base", "Occurrence", "Plan", "Record", "ServiceFileEntry"]
