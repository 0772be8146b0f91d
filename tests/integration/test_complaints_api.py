"""complaints' API on SQLite and PostgreSQL: the lifecycle from filing to closing with the
events kpi reads, the deadline judged to the minute across a weekend and a holiday, waiting on
the complainant, evidence checksums, queues, and every refusal (409, 422, 401/403, region)
leaving nothing written."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from shared.auth import ROLES as KIT_ROLES
from tests.integration.complaints_support import (
    MINUTE,
    START,
    Complaints,
    complaint_body,
    evidence_body,
    investigation_body,
    iso,
    make_complaints,
    resolution_body,
)

# Thu 24 Sep 2026 15:00 Shanghai, high (16 business hours): due Tue 29 Sep 16:00 Shanghai,
# past the Mid-Autumn holiday (Fri 25, Sun 27) and the weekend.
FILED = dt.datetime(2026, 9, 24, 7, 0, tzinfo=dt.UTC)
DUE = dt.datetime(2026, 9, 29, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def complaints(database_url: str) -> Iterator[Complaints]:
    c = make_complaints(database_url)
    yield c
    c.rt.db.dispose()


def test_filed_routed_investigated_resolved_reopened_and_closed(complaints: Complaints) -> None:
    c = complaints
    filed = c.file(ticket_id=str(uuid.uuid4()))
    cid = filed["id"]
    assert filed["status"] == "open" and filed["deadline_at"] == "2026-11-05T02:30:00Z"
    assert filed["owner"] == {
        "department": "field-service",
        "person": "field-service-lead",
        "escalation_level": 0,
    }
    assert "2026-11-05 10:30" in filed["handling_notice"]
    evidence = c.ok(c.post(f"/complaints/{cid}/evidence", evidence_body(), "engineer"), 201)
    assert (evidence["number"], evidence["verified"], evidence["size_bytes"]) == (1, True, 10)
    content = c.get(f"/complaints/{cid}/evidence/1/content", "agent")
    assert content.status_code == 200 and content.data == b"seam photo"
    assert c.investigate(cid)["status"] == "investigated"
    c.clock.advance(hours=2)
    assert c.resolve(cid)["status"] == "resolved"
    reopened = c.feedback(cid, satisfied=False, rating=2)
    assert reopened["status"] == "reopened" and reopened["within_deadline"] is None
    assert reopened["owner"]["person"] == "quality-manager"
    c.clock.advance(hours=1)
    c.resolve(cid, corrective_measures=[])
    closed = c.feedback(cid, satisfied=True, rating=4)
    assert closed["status"] == "closed" and closed["rating"] == 4
    assert closed["within_deadline"] is True and closed["closed_at"] == "2026-11-02T04:00:00Z"
    assert [r["round"] for r in closed["resolutions"]] == [1, 2]
    events = c.events()
    assert [e["type"] for e in events] == [
        "complaint.filed",
        "complaint.investigated",
        "complaint.resolved",
        "complaint.reopened",
        "complaint.resolved",
        "complaint.closed",
    ]
    assert [e["sequence"] for e in events] == [1, 2, 3, 4, 5, 6]
    assert {e["data"]["deadline_at"] for e in events} == {"2026-11-05T02:30:00+00:00"}
    assert events[1]["data"]["evidence_count"] == 1
    assert events[-1]["data"] | {"complaint_id": cid} == {
        "complaint_id": cid,
        "deadline_at": "2026-11-05T02:30:00+00:00",
        "resolution_round": 2,
        "resolved_at": "2026-11-02T04:00:00+00:00",
        "within_deadline": True,
        "satisfied": True,
        "rating": 4,
        "closed_at": "2026-11-02T04:00:00+00:00",
    }
    text = c.outbox_text()
    assert "138 0000 0000" not in text and "13800000000" not in text and "Li Wei" not in text
    kinds = [step["kind"] for step in c.get(f"/complaints/{cid}", "agent").get_json()["timeline"]]
    assert kinds[:3] == ["filed", "routed", "evidence_added"] and "reassigned" in kinds


@pytest.mark.parametrize(("offset", "in_time"), [(-MINUTE, True), (MINUTE, False)])
def test_resolved_a_minute_either_side_of_a_deadline_over_a_holiday_weekend(
    complaints: Complaints, offset: dt.timedelta, in_time: bool
) -> None:
    c = complaints
    cid = c.file(severity="high", filed_at=iso(FILED))["id"]
    assert c.get(f"/complaints/{cid}", "agent").get_json()["deadline_at"] == "2026-09-29T08:00:00Z"
    c.investigate(cid, investigated_at=iso(FILED + MINUTE))
    resolved = c.resolve(cid, resolved_at=iso(DUE + offset))
    assert resolved["within_deadline"] is in_time
    (event,) = c.events("complaint.resolved")
    assert event["data"]["within_deadline"] is in_time
    assert event["data"]["resolved_at"] == (DUE + offset).isoformat()


def test_waiting_on_the_complainant_moves_the_deadline(complaints: Complaints) -> None:
    c = complaints
    cid = c.file()["id"]
    path = f"/complaints/{cid}/waiting"
    c.clock.advance(hours=3)
    start = {"waiting": True, "reason": "asked for photos", "at": iso(START + 60 * MINUTE)}
    assert c.ok(c.post(path, start, "agent"))["status"] == "waiting"
    stop = {"waiting": False}  # now: Tue 10:00 Shanghai
    c.clock.at = START + 25 * 60 * MINUTE
    resumed = c.ok(c.post(path, stop, "agent"))
    # 7.5 business hours paused: Thu 10:30 becomes Fri 10:30 Shanghai.
    assert resumed["status"] == "open" and resumed["deadline_at"] == "2026-11-06T02:30:00Z"
    assert resumed["pauses"] == [
        {
            "reason": "asked for photos",
            "started_at": "2026-11-02T02:00:00Z",
            "ended_at": "2026-11-03T02:00:00Z",
        }
    ]


def test_an_idempotent_retry_files_once(complaints: Complaints) -> None:
    c = complaints
    key = {"Idempotency-Key": "call-2026-11-02-001"}
    first = c.post("/complaints", complaint_body(), "agent", headers=key)
    again = c.post("/complaints", complaint_body(), "agent", headers=key)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert c.counts()[0] == 1 and len(c.events()) == 1


def test_evidence_whose_checksum_does_not_match_is_refused(complaints: Complaints) -> None:
    c = complaints
    cid = c.file()["id"]
    before = c.counts()
    other = evidence_body(b"seam photo", content=base64.b64encode(b"another photo").decode())
    refused = c.post(f"/complaints/{cid}/evidence", other, "engineer")
    assert refused.status_code == 422
    assert list(refused.get_json()["errors"]) == ["sha256"]
    assert c.counts() == before
    bare = {k: v for k, v in evidence_body().items() if k != "content"}
    kept = c.ok(c.post(f"/complaints/{cid}/evidence", bare, "engineer"), 201)
    assert kept["verified"] is False and kept["size_bytes"] is None
    assert c.get(f"/complaints/{cid}/evidence/1/content", "agent").status_code == 404


BAD_INPUT: dict[str, tuple[str, dict[str, Any], str]] = {
    "no complainant contact": (
        "",
        complaint_body(complainant={"name": "Li", "language": "zh"}),
        "complainant.phone",
    ),
    "unknown channel": ("", complaint_body(channel="fax"), "channel"),
    "unknown category": ("", complaint_body(category="weather"), "category"),
    "unknown region": ("", complaint_body(region="mars"), "region"),
    "filed in the future": ("", complaint_body(filed_at="2027-01-01T00:00:00+08:00"), "filed_at"),
    "filed without offset": ("", complaint_body(filed_at="2026-11-01T00:00:00"), "filed_at"),
    "stray field": ("", complaint_body(colour="red"), "colour"),
    "unknown responsibility": (
        "/investigation",
        investigation_body(responsibility="god"),
        "responsibility",
    ),
    "partner unnamed": ("/investigation", investigation_body(partner=None), "partner"),
    "partner not responsible": (
        "/investigation",
        investigation_body(responsibility="company", partner="WS-1"),
        "partner",
    ),
    "bad checksum": ("/evidence", evidence_body(sha256="abc"), "sha256"),
    "bad base64": ("/evidence", evidence_body(content="***"), "content"),
    "content over 40 KiB": ("/evidence", evidence_body(b"x" * (41 * 1024)), "content"),
    "unknown evidence kind": ("/evidence", evidence_body(kind="video"), "kind"),
    "measure without owner": (
        "/resolution",
        resolution_body(corrective_measures=[{"description": "x", "due_on": "2026-11-20"}]),
        "corrective_measures.0.owner",
    ),
    "rating out of range": ("/feedback", {"satisfied": True, "rating": 6}, "rating"),
    "unsatisfied without reason": ("/feedback", {"satisfied": False, "rating": 2}, "comment"),
    "waiting without reason": ("/waiting", {"waiting": True}, "reason"),
    "reassigned without reason": ("/reassignment", {"department": "q", "person": "z"}, "reason"),
}


def test_bad_input_names_the_field_and_writes_nothing(complaints: Complaints) -> None:
    c = complaints
    cid = c.file()["id"]
    c.investigate(cid)
    before = c.counts()
    for case, (step, body, field) in BAD_INPUT.items():
        path = f"/complaints/{cid}{step}" if step else "/complaints"
        if case == "partner unnamed":
            body = {k: v for k, v in body.items() if v is not None}
        response = c.post(path, body, "admin")
        assert response.status_code == 422, (case, response.get_json())
        assert response.content_type == "application/problem+json"
        assert field in response.get_json()["errors"], (case, response.get_json())
        assert c.counts() == before, case


def test_transitions_the_status_forbids_are_409_naming_it(complaints: Complaints) -> None:
    c = complaints
    cid = c.file()["id"]
    before = c.counts()
    for step, body in (
        ("/resolution", resolution_body()),
        ("/feedback", {"satisfied": True, "rating": 5}),
        ("/waiting", {"waiting": False}),
    ):
        refused = c.post(f"/complaints/{cid}{step}", body, "admin")
        assert refused.status_code == 409, (step, refused.get_json())
        assert refused.get_json()["errors"] == {"status": ["is open"]}
    assert c.counts() == before
    c.investigate(cid)
    c.resolve(cid)
    c.feedback(cid, satisfied=True, rating=5)
    refused = c.post(f"/complaints/{cid}/investigation", investigation_body(), "admin")
    assert refused.status_code == 409 and refused.get_json()["errors"] == {"status": ["is closed"]}


ACTIONS: dict[str, tuple[str, Any, tuple[str, ...]]] = {
    "file": ("", complaint_body(), ("agent", "manager", "admin")),
    "investigate": ("/investigation", investigation_body(), ("engineer", "manager", "admin")),
    "evidence": ("/evidence", evidence_body(), ("engineer", "manager", "admin")),
    "reassign": (
        "/reassignment",
        {"department": "quality", "person": "zhang", "reason": "leave"},
        ("manager", "admin"),
    ),
}
ROLES = sorted(KIT_ROLES)


def test_each_action_admits_only_its_roles(complaints: Complaints) -> None:
    c = complaints
    cid = c.file()["id"]
    for action, (step, body, admitted) in ACTIONS.items():
        path = f"/complaints/{cid}{step}" if step else "/complaints"
        assert c.client.post(path, json=body).status_code == 401, action
        for role in ROLES:
            if role not in admitted:
                assert c.post(path, body, role).status_code == 403, (action, role)
        assert c.post(path, body, admitted[0]).status_code in (200, 201), action
    for path in ("/complaints", f"/complaints/{cid}", "/measures", "/complaints/queue"):
        assert c.get(path, "technician").status_code == 403
        assert c.client.get(path).status_code == 401
    period = "?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z"
    for path in ("/complaints/analysis", "/complaints/analysis.csv", "/measures/report"):
        assert c.get(f"{path}{period}", "agent").status_code == 403
        assert c.get(f"{path}{period}", "manager").status_code == 200


def test_a_region_limited_token_sees_and_changes_only_its_region(complaints: Complaints) -> None:
    c = complaints
    east = c.file()["id"]
    north = c.file(region="north")["id"]
    assert c.get(f"/complaints/{east}", "agent", region="north").status_code == 404
    listed = c.get("/complaints", "agent", region="north").get_json()
    assert [x["id"] for x in listed] == [north]
    before = c.counts()
    step = c.post(
        f"/complaints/{east}/investigation", investigation_body(), "engineer", region="north"
    )
    assert step.status_code == 404
    elsewhere = c.post("/complaints", complaint_body(region="east"), "agent", region="north")
    assert elsewhere.status_code == 403 and c.counts() == before
    assert c.get(f"/complaints/{uuid.uuid4()}", "agent").status_code == 404
    period = "?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z"
    analysis = c.get(f"/complaints/analysis{period}", "manager", region="north").get_json()
    assert analysis["total"] == 1 and analysis["region"] == "north"


def test_an_owner_sees_their_queue_and_the_escalated_one_theirs(complaints: Complaints) -> None:
    c = complaints
    first = c.file(severity="high")["id"]
    second = c.file()["id"]
    c.file(category="billing")
    lead = c.get("/complaints/queue", "engineer", sub="field-service-lead").get_json()
    assert [x["id"] for x in lead] == [first, second]  # earliest deadline first
    c.investigate(first)
    c.resolve(first)
    c.feedback(first, satisfied=False, rating=1)
    lead = c.get("/complaints/queue", "engineer", sub="field-service-lead").get_json()
    manager = c.get("/complaints/queue", "engineer", sub="quality-manager").get_json()
    assert [x["id"] for x in lead] == [second] and [x["id"] for x in manager] == [first]
    owned = c.get("/complaints?owner=quality-manager&status=reopened", "agent").get_json()
    assert [x["id"] for x in owned] == [first]


def test_the_routing_in_force_and_the_openapi_document(complaints: Complaints) -> None:
    c = complaints
    routing = c.get("/complaints/routing", "agent").get_json()
    assert routing["deadline_hours"] == {"critical": 8.0, "high": 16.0, "medium": 24.0, "low": 40.0}
    assert routing["rules"][-1]["owners"][0] == {
        "department": "customer-service",
        "person": "complaints-desk",
    }
    paths = c.client.get("/openapi.json").get_json()["paths"]
    for path in (
        "/complaints",
        "/complaints/{complaint_id}",
        "/complaints/{complaint_id}/investigation",
        "/complaints/{complaint_id}/evidence",
        "/complaints/{complaint_id}/resolution",
        "/complaints/{complaint_id}/feedback",
        "/complaints/{complaint_id}/waiting",
        "/complaints/{complaint_id}/reassignment",
        "/complaints/analysis",
        "/complaints/analysis.csv",
        "/complaints/queue",
        "/measures",
        "/measures/report",
        "/measures/{measure_id}/done",
    ):
        assert path in paths, path
