"""Maintenance's REST API: thin routes over the use cases and queries."""

from __future__ import annotations

from shared.web import Blueprint

blp = Blueprint(
    "assets",
    __name__,
    url_prefix="/assets",
    description="Installed products, their maintenance plans and records",
)
