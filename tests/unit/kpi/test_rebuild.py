"""The rebuild's use case on the in-memory unit of work: the derived tables cleared, the
archive replayed in order of occurrence, chunk by chunk, through kpi's own handlers, events
today's handlers refuse left out, and the definition versions recorded, in one commit."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from services.kpi import SERVICE, use_cases
from services.kpi.domain.definitions import KPI_DEFINITIONS
from services.kpi.models import ArchivedEvent
from shared.events import Event
from tests.unit.kpi.support import NOW, fake_uow, november

ORDER, TECH, TICKET = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
DAY = dt.datetime(2026, 11, 10, 6, 0, tzinfo=dt.UTC)


def archived(type_: str, minutes: int, data: dict[str, Any]) -> ArchivedEvent:
    """An event kpi applied ``minutes`` after ``DAY``, archived a second after it occurred."""
    occurred = DAY + dt.timedelta(minutes=minutes)
    event = Event(
        type=type_, version=1, region="east", producer="dispatch", data=data, occurred_at=occurred
    )
    return ArchivedEvent(
        event_id=str(event.id),
        type=type_,
        region="east",
        producer="dispatch",
        occurred_at=occurred,
        applied_at=occurred + dt.timedelta(seconds=1),
        envelope=event.to_json(),
    )


def visit(**data: Any) -> dict[str, Any]:
    return {
        "work_order_id": ORDER,
        "ticket_id": TICKET,
        "kind": "repair",
        "visit_number": 1,
        "technician_id": TECH,
        **data,
    }


def history() -> list[ArchivedEvent]:
    """Four archived events, not in order of occurrence; the one at minute 20 lacks a field
    kpi's handler now requires."""
    return [
        archived("repair.completed", 30, visit(result="fixed", finished_at="2026-11-10T06:30:00Z")),
        archived(
            "technician.arrived",
            0,
            visit(arrived_at="2026-11-10T05:50:00Z", window_end="2026-11-10T06:00:00Z"),
        ),
        archived("visit.missed", 20, visit()),
        archived("widget.made", 10, {"widget_id": "w-1"}),
    ]


def test_the_archive_is_replayed_in_order_into_cleared_tables() -> None:
    tables = november()
    tables.archive = history()
    uow = fake_uow(tables)

    report = use_cases.rebuild_facts(uow, subscriptions=SERVICE.subscriptions, chunk_size=2)

    # Three replayed (an unknown type is still counted), the malformed one left out.
    assert (report.replayed, report.skipped) == (3, 1)
    assert report.definitions == KPI_DEFINITIONS
    assert uow.facts.cleared == 1
    assert (tables.monthly, tables.backlog, tables.complaints, tables.tickets) == ([], [], [], [])
    batches = uow.facts.batches
    assert [b.flushes for b in batches] == [1, 1]  # two chunks of two
    counted = [(event.type, applied) for b in batches for event, applied in b.events]
    assert counted == [
        ("technician.arrived", DAY + dt.timedelta(seconds=1)),
        ("widget.made", DAY + dt.timedelta(minutes=10, seconds=1)),
        ("repair.completed", DAY + dt.timedelta(minutes=30, seconds=1)),
    ]
    arrival = batches[0].visits.entities[ORDER, 1]
    assert arrival.arrived_at == dt.datetime(2026, 11, 10, 5, 50, tzinfo=dt.UTC)
    assert arrival.arrival_deadline == DAY  # no deadline given: the window's end
    completion = batches[1].work_orders.entities[ORDER]
    assert (completion.completed_result, completion.completed_visit) == ("fixed", 1)
    assert batches[0].linked_tickets == {TICKET}
    assert {(d.name, d.version, d.built_at) for d in tables.definitions} == {
        (name, version, NOW) for name, version in KPI_DEFINITIONS.items()
    }
    assert uow.commits == 1


def test_an_empty_archive_still_clears_and_records_the_versions() -> None:
    uow = fake_uow()

    report = use_cases.rebuild_facts(uow, subscriptions=SERVICE.subscriptions)

    assert (report.replayed, report.skipped) == (0, 0)
    assert uow.tables.monthly == []
    assert len(uow.tables.definitions) == len(KPI_DEFINITIONS)
    assert uow.commits == 1
