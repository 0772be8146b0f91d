"""Assets by serial number and each one's service file."""

from __future__ import annotations

from typing import Any

from flask import url_for

from services.maintenance import queries, use_cases
from services.maintenance.repositories import SqlMaintenanceUnitOfWork
from services.maintenance.schemas import (
    AssetCreate,
    AssetQueryArgs,
    AssetRead,
    AssetUpdate,
    ServiceFileRead,
)
from shared.domain import Page, Window
from shared.web import Blueprint, principal, session, unit_of_work

READERS = ("agent", "technician", "engineer", "manager", "admin")

assets = Blueprint(
    "assets",
    __name__,
    url_prefix="/assets",
    description="Installed products by serial number, and each one's service file",
)


def _uow() -> SqlMaintenanceUnitOfWork:
    return unit_of_work(SqlMaintenanceUnitOfWork)


@assets.route("", methods=["POST"])
@assets.requires("agent", "manager", "admin")
@assets.idempotent
@assets.arguments(AssetCreate)
@assets.response(201, AssetRead)
def create_asset(asset_in: dict[str, Any]) -> Any:
    """Register an installed product."""
    asset = use_cases.register_asset(_uow(), asset_in=asset_in, by=principal())
    return asset, 201, {"Location": url_for("assets.get_asset", serial_no=asset.serial_no)}


@assets.route("", methods=["GET"])
@assets.requires(*READERS)
@assets.arguments(AssetQueryArgs, location="query")
@assets.response(200, AssetRead(many=True))
@assets.paginated()
def list_assets(filters: dict[str, Any], window: Window) -> Page[Any]:
    """List assets by serial number; filter by region, status (complete/incomplete),
    environment, product type, customer and registration time."""
    return queries.list_assets(session(), filters=filters, viewer=principal(), window=window)


@assets.route("/<string:serial_no>", methods=["GET"])
@assets.requires(*READERS)
@assets.response(200, AssetRead)
def get_asset(serial_no: str) -> Any:
    """One asset."""
    return queries.get_asset(session(), serial_no, viewer=principal())


@assets.route("/<string:serial_no>", methods=["PATCH"])
@assets.requires("agent", "manager", "admin")
@assets.arguments(AssetUpdate)
@assets.response(200, AssetRead)
def update_asset(changes: dict[str, Any], serial_no: str) -> Any:
    """Complete or correct an asset's details."""
    return use_cases.update_asset(_uow(), serial_no=serial_no, changes=changes, by=principal())


@assets.route("/<string:serial_no>/history", methods=["GET"])
@assets.requires(*READERS)
@assets.response(200, ServiceFileRead)
def get_history(serial_no: str) -> Any:
    """The product's service file: every ticket, repair, maintenance, replacement and
    return, in time order."""
    return queries.get_service_file(session(), serial_no, viewer=principal())
