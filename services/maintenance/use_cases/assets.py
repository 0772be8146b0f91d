"""Assets: registered by an agent, completed or corrected later."""

from __future__ import annotations

import uuid
from typing import Any

from services.maintenance.models import Asset
from services.maintenance.models.assets import DETAILS
from services.maintenance.repositories import MaintenanceUnitOfWork
from shared.auth import Principal
from shared.domain import require_region
from shared.errors import Conflict


def register_asset(uow: MaintenanceUnitOfWork, *, asset_in: dict[str, Any], by: Principal) -> Asset:
    """An installed product, by serial number (409 if the serial is already known)."""
    require_region(by, asset_in["region"])
    known = uow.assets.by_serial(asset_in["serial_no"])
    if known is not None:
        raise Conflict(
            f"asset {known.serial_no} is already known (source {known.source}): change it "
            "with PATCH instead",
            errors={"serial_no": ["already registered"]},
        )
    now = uow.clock.now()
    asset = Asset(
        id=uuid.uuid4(),
        serial_no=asset_in["serial_no"],
        region=asset_in["region"],
        source="registered",
        created_at=now,
        updated_at=now,
        version=0,
        **{name: asset_in.get(name) for name in DETAILS},
    )
    uow.assets.add(asset)
    uow.commit()
    return asset


def update_asset(
    uow: MaintenanceUnitOfWork, *, serial_no: str, changes: dict[str, Any], by: Principal
) -> Asset:
    """Complete or correct an asset's details (customer, site, environment, dates)."""
    asset = uow.assets.get_visible(serial_no, by=by, for_update=True)
    asset.change(changes, at=uow.clock.now())
    uow.commit()
    return asset
