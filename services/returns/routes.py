"""Returns's REST API: thin routes over the use cases and queries."""

from __future__ import annotations

from shared.web import Blueprint

blp = Blueprint(
    "returns", __name__, url_prefix="/returns", description="Replacement and refund requests"
)
