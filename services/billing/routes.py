"""Billing's REST API: thin routes over the use cases and queries."""

from __future__ import annotations

from shared.web import Blueprint

blp = Blueprint(
    "invoices", __name__, url_prefix="/invoices", description="Invoices, payments and audits"
)
