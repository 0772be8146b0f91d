"""Complaints's REST API: thin routes over the use cases and queries."""

from __future__ import annotations

from shared.web import Blueprint

blp = Blueprint("complaints", __name__, url_prefix="/complaints", description="Customer complaints")
