"""maintenance's REST API on SQLite and PostgreSQL: assets and plans (defaults from the file,
overrides, region limits, roles), visit records with their events and PDF sheet, the
service file built from other services' events; and every refusal (422 naming the field,
404 outside the region, 401/403) leaving nothing written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from services.dispatch.events import PUBLISHES as DISPATCH_EVENTS
from services.intake.events import PUBLISHES as INTAKE_EVENTS
from services.returns.events import PUBLISHES as RETURNS_EVENTS
from shared.messaging.processing import Outcome
from tests.helpers import auth, utc
from tests.integration.maintenance_support import (
    Maintenance,
    asset_body,
    event_of,
    make_maintenance,
    record_body,
)

CP_TASKS = ["anode_check", "fastening", "cleaning"]


@pytest.fixture
def m(database_url: str) -> Iterator[Maintenance]:
    service = make_maintenance(database_url)
    yield service
    service.rt.db.dispose()


def test_assets_are_registered_listed_by_region_and_completed(m: Maintenance) -> None:
    created = m.post("/assets", asset_body(), "agent")
    m.asset(serial_no="SN-2", region="north", environment="buried", product_type="coating")

    assert created.status_code == 201 and created.headers["Location"] == "/assets/SN-1"
    body = created.get_json()
    assert body["source"] == "registered" and body["complete"] is True
    assert body["installed_on"] == "2025-12-15" and body["created_at"] == "2026-01-01T02:00:00Z"

    def serials(query: str, region: str | None = None) -> list[str]:
        response = m.get(f"/assets{query}", "manager", region=region)
        assert response.status_code == 200, response.get_json()
        return [a["serial_no"] for a in response.get_json()]

    assert serials("") == ["SN-1", "SN-2"]
    assert serials("", region="north") == ["SN-2"]
    assert serials("?region=east&environment=marine") == ["SN-1"]
    assert serials("?product_type=coating&status=complete") == ["SN-2"]
    assert m.get("/assets/SN-1", "technician", region="north").status_code == 404
    assert m.get("/assets/SN-1", "technician", region="east").status_code == 200
    changed = m.patch("/assets/SN-1", {"contact_name": "Zhou Min"}, "agent")
    assert changed.status_code == 200 and changed.get_json()["contact_name"] == "Zhou Min"
    page = m.get("/assets?page_size=1&page=2")
    assert json.loads(page.headers["X-Pagination"])["total"] == 2


def test_a_plan_takes_the_default_of_its_asset_and_its_overrides(m: Maintenance) -> None:
    m.asset()
    plan = m.plan(team="Ningbo CP crew")

    assert (plan["interval_months"], plan["notice_days"]) == (1, 5)
    assert plan["tasks"] == CP_TASKS and plan["team"] == "Ningbo CP crew"
    assert plan["overrides"] == ["team"] and plan["estimated_hours"] == "1.50"
    assert (plan["next_due_date"], plan["notice_date"]) == ("2026-01-15", "2026-01-10")
    assert m.get(f"/plans/{plan['id']}", "agent").get_json()["serial_no"] == "SN-1"
    changed = m.patch(f"/plans/{plan['id']}", {"interval_months": 3}, "manager")
    assert changed.status_code == 200 and changed.get_json()["next_due_date"] == "2026-03-15"
    listed = m.get("/plans?serial_no=SN-1&status=active&due_from=2026-03-01").get_json()
    assert [p["id"] for p in listed] == [plan["id"]]
    assert m.get("/plans?due_to=2026-02-28").get_json() == []


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/plans", {"serial_no": "SN-404"}, "serial_no"),
        ("/plans", {"serial_no": "SN-1", "interval_months": 0}, "interval_months"),
        ("/plans", {"serial_no": "SN-1", "notice_days": 40}, "notice_days"),
        ("/plans", {"serial_no": "SN-1", "interval_months": 2, "notice_days": 60}, "notice_days"),
        ("/plans", {"serial_no": "SN-1", "tasks": ["polishing"]}, "tasks.0"),
        ("/plans", {"serial_no": "SN-1", "first_due_date": "2025-06-01"}, "first_due_date"),
        ("/assets", asset_body(serial_no="SN-3", region="atlantis"), "region"),
        ("/assets", asset_body(serial_no="SN-3", installed_on="2030-01-01"), "installed_on"),
        ("/assets", asset_body(serial_no="SN-3", environment="lunar"), "environment"),
        ("/assets", asset_body(serial_no="SN-3", shoe_size=44), "shoe_size"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    m: Maintenance, path: str, body: dict[str, Any], field: str
) -> None:
    m.asset()
    before = m.counts()
    response = m.post(path, body, "admin")
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert m.counts() == before


def test_roles_and_regions_are_enforced(m: Maintenance) -> None:
    m.asset()
    plan = m.plan()
    before = m.counts()
    assert m.client.post("/assets", json=asset_body(serial_no="X")).status_code == 401
    assert m.post("/assets", asset_body(serial_no="X"), "technician").status_code == 403
    assert m.post("/plans", {"serial_no": "SN-1"}, "technician").status_code == 403
    outside = m.post("/assets", asset_body(serial_no="X"), "agent", region="north")
    assert outside.status_code == 403 and "region" in outside.get_json()["errors"]
    elsewhere = m.post("/plans", {"serial_no": "SN-1"}, "manager", region="north")
    assert elsewhere.status_code == 422 and "serial_no" in elsewhere.get_json()["errors"]
    record = m.post(
        f"/plans/{plan['id']}/records", record_body(CP_TASKS), "technician", region="north"
    )
    assert record.status_code == 404
    assert m.get(f"/plans/{plan['id']}", region="north").status_code == 404
    assert m.post("/assets", asset_body(), "agent").status_code == 409
    assert m.counts() == before


def test_a_record_announces_the_visit_and_its_problems_and_prints_a_sheet(m: Maintenance) -> None:
    m.asset()
    plan = m.plan()
    [job] = m.rt.definition.periodic
    m.clock.at = utc(2026, 1, 10, 2)  # the notice date
    job.run(m.rt)
    m.clock.at = utc(2026, 1, 16, 2)  # a day after the due date
    job.run(m.rt)
    assert [e["type"] for e in m.events()] == ["maintenance.due", "maintenance.visit_due"]
    body = record_body(
        CP_TASKS,
        visited_at="2026-01-16T09:30:00+08:00",
        problems=[{"description": "coating cracked at the support ring", "hazard": True}],
        attachments=[{"kind": "photo", "reference": "s3://ph/1.jpg", "sha256": "ab" * 32}],
    )

    response = m.post(f"/plans/{plan['id']}/records", body, "technician", region="east")

    assert response.status_code == 201, response.get_json()
    record = response.get_json()
    assert (record["due_date"], record["visited_on"], record["next_due_date"]) == (
        "2026-01-15",
        "2026-01-16",
        "2026-02-16",
    )
    assert record["visited_at"] == "2026-01-16T01:30:00Z"
    completed, issue = m.events("maintenance.completed", "maintenance.issue_found")
    assert completed["data"]["record_id"] == record["id"] == issue["data"]["record_id"]
    assert issue["data"]["priority"] == "high" and issue["region"] == "east"
    assert m.get(f"/plans/{plan['id']}").get_json()["next_due_date"] == "2026-02-16"
    sheet = m.get(f"/plans/{plan['id']}/records/{record['id']}/sheet.pdf", "agent")
    assert sheet.status_code == 200 and sheet.content_type == "application/pdf"
    assert sheet.data.startswith(b"%PDF-") and sheet.data.rstrip().endswith(b"%%EOF")
    assert len(sheet.data) > 2000 and b"STSong-Light" in sheet.data
    assert f"Maintenance record {record['id']}".encode() in sheet.data  # its title
    # The page is uncompressed; CID text is UCS-2 with octal escapes: the serial is on it.
    assert rb"\000S\000N\000-\0001" in sheet.data
    listed = m.get(f"/plans/{plan['id']}/records").get_json()
    assert [r["id"] for r in listed] == [record["id"]]


def test_the_service_file_shows_every_event_of_the_serial_in_order(m: Maintenance) -> None:
    m.asset()
    plan = m.plan()
    ticket = "6f1c1a52-8c8e-4b5e-9a8e-2f7f1b3d9c11"
    created = event_of(
        INTAKE_EVENTS,
        "ticket.created",
        utc(2026, 1, 2),
        ticket_id=ticket,
        serial_no="SN-1",
        reported_at=utc(2026, 1, 2, 1),
    )
    assessed = event_of(
        INTAKE_EVENTS,
        "ticket.assessed",
        utc(2026, 1, 2),
        ticket_id=ticket,
        assessed_at=utc(2026, 1, 2, 3),
    )
    repaired = event_of(
        DISPATCH_EVENTS,
        "repair.completed",
        utc(2026, 1, 5),
        serial_no="SN-1",
        ticket_id=ticket,
        finished_at=utc(2026, 1, 5, 6),
    )
    other = event_of(DISPATCH_EVENTS, "repair.completed", utc(2026, 1, 5), serial_no="SN-9")
    settled = m.deliver(repaired, assessed, created, other, created)
    assert [s.outcome for s in settled].count(Outcome.APPLIED) >= 4
    m.clock.at = utc(2026, 1, 10, 2)
    m.post(f"/plans/{plan['id']}/records", record_body(CP_TASKS), "technician")
    shipped = event_of(
        RETURNS_EVENTS,
        "replacement.shipped",
        utc(2026, 1, 20),
        serial_no="SN-1",
        new_serial_no="SN-1B",
        shipped_at=utc(2026, 1, 20, 4),
    )
    m.deliver(shipped)

    file = m.get("/assets/SN-1/history", "agent").get_json()

    assert [(e["type"], e["occurred_at"]) for e in file["entries"]] == [
        ("ticket.created", "2026-01-02T01:00:00Z"),
        ("ticket.assessed", "2026-01-02T03:00:00Z"),
        ("repair.completed", "2026-01-05T06:00:00Z"),
        ("maintenance.completed", "2026-01-10T02:00:00Z"),
        ("replacement.shipped", "2026-01-20T04:00:00Z"),
    ]
    assert file["asset"]["successor_serial_no"] == "SN-1B"
    successor = m.get("/assets/SN-1B/history").get_json()
    assert successor["predecessors"] == ["SN-1"] and successor["asset"]["complete"] is True
    assert m.get("/plans?serial_no=SN-1B").get_json()[0]["id"] == plan["id"]
    unknown = m.get("/assets/SN-9", "agent").get_json()
    assert (unknown["source"], unknown["complete"]) == ("work_order", False)
    assert m.get("/assets/SN-1/history", "agent", region="north").status_code == 404


def test_a_repeated_idempotency_key_registers_once(m: Maintenance) -> None:
    headers = auth("agent") | {"Idempotency-Key": "asset-sn-1"}
    first = m.client.post("/assets", json=asset_body(), headers=headers)
    again = m.client.post("/assets", json=asset_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert m.counts()[0] == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tasks": [{"task": "anode_check", "done": True}]}, "tasks"),
        ({"tasks": [{"task": "dusting", "done": True}]}, "tasks.0.task"),
        (
            {"attachments": [{"kind": "photo", "reference": "x", "sha256": "nope"}]},
            "attachments.0.sha256",
        ),
        ({"visited_at": "2030-01-01T00:00:00+08:00"}, "visited_at"),
        ({"visited_at": "2026-01-01T09:00:00"}, "visited_at"),
        ({"visited_at": "2025-01-01T09:00:00+08:00"}, "visited_at"),  # before the installation
        ({"signed_by": ""}, "signed_by"),
        ({"problems": [{"hazard": True}]}, "problems.0.description"),
    ],
)
def test_a_bad_record_names_the_field_and_writes_nothing(
    m: Maintenance, changes: dict[str, Any], field: str
) -> None:
    m.asset()
    plan = m.plan()
    before = m.counts()
    response = m.post(f"/plans/{plan['id']}/records", record_body(CP_TASKS) | changes, "technician")
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    assert m.counts() == before


def test_a_retried_record_is_recorded_once(m: Maintenance) -> None:
    m.asset()
    plan = m.plan()
    headers = auth("technician") | {"Idempotency-Key": "record-1"}
    path = f"/plans/{plan['id']}/records"
    first = m.client.post(path, json=record_body(CP_TASKS), headers=headers)
    again = m.client.post(path, json=record_body(CP_TASKS), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert len(m.events("maintenance.completed")) == 1
