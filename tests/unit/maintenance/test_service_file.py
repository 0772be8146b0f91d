"""The service file on the fake unit of work, fed the producers' own sample events through
maintenance's subscriptions: each event kept once, an unknown serial becomes an asset to
complete, a ticket's later events join the serial its first one named, a replacement links
the old product to its successor and hands it the plans."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from services.dispatch.events import PUBLISHES as DISPATCH_EVENTS
from services.intake.events import PUBLISHES as INTAKE_EVENTS
from services.maintenance.handlers import SUBSCRIPTIONS
from services.maintenance.repositories import FakeMaintenanceUnitOfWork
from services.returns.events import PUBLISHES as RETURNS_EVENTS
from shared.events import Event, EventCatalog
from tests.unit.maintenance.support import START, make_uow, new_asset, new_plan

TICKET = uuid.uuid4()


def event(catalog: EventCatalog, type_: str, **changes: Any) -> Event:
    declaration = catalog.latest(type_)
    data = declaration.schema().load(declaration.sample) | changes
    return catalog.build(type_, data, region="east", occurred_at=START)


def deliver(uow: FakeMaintenanceUnitOfWork, *events: Event) -> None:
    for e in events:
        for handler, delivery in SUBSCRIPTIONS.resolve(e):
            handler(delivery, uow)


def test_a_ticket_on_an_unknown_serial_makes_an_asset_to_complete() -> None:
    uow = make_uow()
    created = event(INTAKE_EVENTS, "ticket.created", ticket_id=TICKET, serial_no="SN-NEW")
    assessed = event(INTAKE_EVENTS, "ticket.assessed", ticket_id=TICKET)
    accepted = event(
        INTAKE_EVENTS, "ticket.solution_accepted", ticket_id=TICKET, serial_no="SN-NEW"
    )

    deliver(uow, assessed, accepted, created, created)  # out of order, and twice

    asset = uow.assets.by_serial("SN-NEW")
    assert asset is not None and asset.source == "ticket" and not asset.complete
    assert (asset.product_model, asset.product_type, asset.region) == ("CP-400", "other", "east")
    assert asset.customer_name == "Li Wei"  # taken from the accepted solution
    entries = uow.service_file.entries  # type: ignore[attr-defined]
    assert sorted(e.type for e in entries.values()) == [
        "ticket.assessed",
        "ticket.created",
        "ticket.solution_accepted",
    ]
    assert {e.ticket_id for e in entries.values()} == {TICKET}
    assert entries[str(assessed.id)].serial_no is None  # joins the file through its ticket
    assert uow.commits == 3


def test_a_repair_and_a_replacement_file_under_the_serial_and_link_the_successor() -> None:
    uow = make_uow()
    new_asset(uow, serial_no="SN-OLD")
    plan = new_plan(uow, "SN-OLD")
    repaired = event(DISPATCH_EVENTS, "repair.completed", serial_no="SN-OLD")
    shipped = event(
        RETURNS_EVENTS, "replacement.shipped", serial_no="SN-OLD", new_serial_no="SN-SUCC"
    )

    deliver(uow, repaired, shipped)

    old, new = uow.assets.by_serial("SN-OLD"), uow.assets.by_serial("SN-SUCC")
    assert old is not None and new is not None
    assert old.successor_serial_no == "SN-SUCC" and new.predecessor_serial_no == "SN-OLD"
    assert new.source == "replacement" and new.complete
    assert (new.customer_name, new.environment, new.site_address) == (
        "Li Wei",
        "marine",
        "Berth 4, Ningbo port",
    )
    assert plan.asset is new
    entries = sorted(uow.service_file.entries.values(), key=lambda e: e.occurred_at)  # type: ignore[attr-defined]
    assert [(e.type, e.category) for e in entries] == [
        ("repair.completed", "repair"),
        ("replacement.shipped", "replacement"),
    ]
    assert entries[0].occurred_at == dt.datetime(2026, 11, 3, 4, 45, tzinfo=dt.UTC)  # finished_at
