"""The service file, built from other services' events: each ticket, repair, replacement and
return event of a serial number is kept once (by event id); a serial first seen on a ticket
or a work order becomes an asset to complete; a replacement links the old product to its
successor, which takes over the old one's plans."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from services.maintenance.domain import business_time, file_category, summarise
from services.maintenance.models import Asset, ServiceFileEntry
from services.maintenance.models.assets import DETAILS
from services.maintenance.repositories import MaintenanceUnitOfWork

SOURCES = {"ticket": "ticket", "repair": "work_order", "return": "return"}


def _json_safe(value: Any) -> Any:
    """A payload as JSON keeps it: dates, decimals and ids as text."""
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return str(value)


def _details(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "product_model": data.get("product_model") or "unknown",
        "customer_name": data.get("customer_name"),
        "customer_phone": data.get("customer_phone"),
        "customer_email": data.get("customer_email"),
        "customer_language": data.get("customer_language"),
    }


def _asset_seen(
    uow: MaintenanceUnitOfWork, serial_no: str, region: str, source: str, data: dict[str, Any]
) -> Asset:
    """The asset of a serial, created (to be completed) if this is its first mention; a
    customer the asset lacked is taken from the event."""
    now = uow.clock.now()
    asset = uow.assets.by_serial(serial_no, for_update=True)
    if asset is None:
        values = {name: None for name in DETAILS} | _details(data)
        asset = Asset(
            id=uuid.uuid4(),
            serial_no=serial_no,
            region=region,
            source=source,
            created_at=now,
            updated_at=now,
            version=0,
            **(values | {"product_type": "other"}),
        )
        uow.assets.add(asset)
    elif not asset.customer_name and data.get("customer_name"):
        asset.change(_details(data) | {"product_model": asset.product_model}, at=now)
    return asset


def _replace(uow: MaintenanceUnitOfWork, old: Asset, data: dict[str, Any], region: str) -> None:
    """The successor gets the old product's details and plans; the old one points to it."""
    now = uow.clock.now()
    new = _asset_seen(uow, data["new_serial_no"], region, "replacement", data)
    new.change({n: getattr(old, n) for n in DETAILS if n != "product_model"}, at=now)
    new.predecessor_serial_no = old.serial_no
    old.replaced_by(new.serial_no, at=now)
    for plan in uow.plans.of_asset(old.id):
        plan.asset, plan.asset_id = new, new.id


def file_event(
    uow: MaintenanceUnitOfWork,
    *,
    event_id: str,
    event_type: str,
    region: str,
    occurred_at: dt.datetime,
    data: dict[str, Any],
) -> bool:
    """Keep an event in its serial's service file (once); False if it was there already."""
    category = file_category(event_type)
    ticket_id = data.get("ticket_id")
    serial_no = data.get("serial_no")
    entry = ServiceFileEntry(
        event_id=event_id,
        serial_no=serial_no,
        ticket_id=ticket_id,
        work_order_id=data.get("work_order_id"),
        category=category,
        type=event_type,
        region=region,
        occurred_at=business_time(data, occurred_at),
        summary=summarise(event_type, data),
        details=_json_safe(data),
    )
    if not uow.service_file.add(entry):
        return False
    if serial_no:
        asset = _asset_seen(uow, serial_no, region, SOURCES.get(category, "ticket"), data)
        if event_type == "replacement.shipped":
            _replace(uow, asset, data, region)
    uow.commit()
    return True
