"""Maintenance's REST API: thin routes over the use cases and queries (assets and their
service file; plans and their records, with each record's sheet as a PDF)."""

from __future__ import annotations

from services.maintenance.routes.assets import assets
from services.maintenance.routes.plans import plans

__all__ = ["assets", "plans"]
