"""support's training sessions through the API on SQLite and PostgreSQL: an agent's request
(what dispatch needs for an on-site visit), a manager's schedule, attendance and feedback
(``training.held`` with the summary worked out by hand); every refusal (an attendee twice,
attendance that does not match, a step the status forbids, a role or region not allowed)
named and leaving nothing written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.support_service import (
    ATTENDEES,
    PLAN,
    Support,
    make_support,
    session_body,
)


@pytest.fixture
def support(database_url: str) -> Iterator[Support]:
    s = make_support(database_url)
    yield s
    s.rt.db.dispose()


def test_an_agent_requests_on_site_training_with_what_dispatch_needs(support: Support) -> None:
    s = support
    created = s.post("/training-sessions", session_body(), "agent", sub="agent-1")
    body = created.get_json()

    assert created.status_code == 201, body
    assert created.headers["Location"] == f"/training-sessions/{body['id']}"
    assert (body["status"], body["origin"], body["kind"]) == (
        "requested",
        "customer_request",
        "on_site",
    )
    assert body["preferred_time"] == "2026-12-14T01:30:00Z" and body["trainer"] is None
    [event] = s.events()
    assert (event["type"], event["region"], event["aggregate_id"]) == (
        "training.requested",
        "east",
        body["id"],
    )
    data = event["data"]
    assert data["site_address"] == "88 Harbour Road, Ningbo"
    assert (data["customer_name"], data["customer_ref"]) == ("Hai Tong Shipyard", "C-1042")
    assert data["preferred_time"] == "2026-12-14T01:30:00+00:00"
    assert (data["product_model"], data["topics"]) == ("CP-400", ["operation_demo", "maintenance"])
    assert (data["trainer_id"], data["contact_phone"]) == (None, "+86 138 0000 0000")


def test_scheduled_then_held_with_attendance_and_feedback(support: Support) -> None:
    s = support
    session_id = s.scheduled()
    url = f"/training-sessions/{session_id}"
    scheduled = s.get(url, "dispatcher").get_json()
    assert scheduled["status"] == "scheduled" and scheduled["trainer"]["id"] == "tech-wang"
    assert scheduled["place"] == "88 Harbour Road, Ningbo"
    assert [a["person_id"] for a in scheduled["attendees"]] == ["p-1", "p-2", "p-3"]
    s.clock.advance(days=7, hours=2)  # 14 December, 12:00 in Shanghai
    attendance = {
        "attendance": [
            {"person_id": "p-1", "attended": True, "rating": 5, "comment": "clear demo"},
            {"person_id": "p-2", "attended": True, "rating": 4},
            {"person_id": "p-3", "attended": False},
        ]
    }
    held = s.step(f"{url}/attendance", attendance, "manager")

    assert held["status"] == "held" and held["held_at"] == "2026-12-14T04:00:00Z"
    assert [(a["attended"], a["rating"]) for a in held["attendees"]] == [
        (True, 5),
        (True, 4),
        (False, None),
    ]
    types = [e["type"] for e in s.events()]
    assert types == ["training.requested", "training.scheduled", "training.held"]
    data = s.events("training.held")[0]["data"]
    assert (data["attendees_count"], data["attended_count"]) == (3, 2)
    assert data["attendee_ids"] == ["p-1", "p-2"]  # who came (p-3 did not)
    # (5 + 4) / 2 = 4.50
    assert data["feedback"] == {
        "count": 2,
        "mean": "4.50",
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1},
    }
    assert (data["trainer_id"], data["held_at"]) == ("tech-wang", "2026-12-14T04:00:00+00:00")
    again = s.post(f"{url}/attendance", attendance, "manager")
    assert again.status_code == 409 and again.get_json()["errors"] == {"status": ["is held"]}


def test_an_attendee_listed_twice_is_named_and_nothing_is_written(support: Support) -> None:
    s = support
    session_id = s.created("/training-sessions", session_body(), "agent")["id"]
    before = s.counts()
    plan = PLAN | {"attendees": [*ATTENDEES, {"person_id": "P-2 ", "name": "Qian Yu again"}]}
    refused = s.post(f"/training-sessions/{session_id}/schedule", plan, "manager")

    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.get_json()["errors"] == {"attendees.3.person_id": ["listed twice"]}
    assert s.counts() == before
    assert s.get(f"/training-sessions/{session_id}").get_json()["status"] == "requested"


def test_attendance_must_match_the_list(support: Support) -> None:
    s = support
    session_id = s.scheduled()
    before = s.counts()
    attendance = {
        "attendance": [
            {"person_id": "p-1", "attended": True, "rating": 5},
            {"person_id": "p-1", "attended": True},
            {"person_id": "p-9", "attended": True},
            {"person_id": "p-2", "attended": False, "rating": 2},
        ]
    }
    refused = s.post(f"/training-sessions/{session_id}/attendance", attendance, "admin")

    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {
        "attendance.1.person_id": ["listed twice"],
        "attendance.2.person_id": ["not on the session's attendee list"],
        "attendance.3.rating": ["only an attendee who came gives feedback"],
        "attendance": ["attendance not recorded for: p-3"],
    }
    assert s.counts() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"site_address": None}, "site_address"),
        ({"topics": ["juggling"]}, "topics.0"),
        ({"customers": []}, "customers"),
        ({"region": "atlantis"}, "region"),
    ],
)
def test_a_bad_request_names_its_field(support: Support, changes: dict, field: str) -> None:
    refused = support.post("/training-sessions", session_body(**changes), "agent")
    assert refused.status_code == 422 and field in refused.get_json()["errors"]
    assert support.counts() == (0, 0, 0, 0)


def test_roles_and_regions(support: Support) -> None:
    s = support
    planned = s.post("/training-sessions", session_body(origin="planned"), "agent")
    assert planned.status_code == 403 and "origin" in planned.get_json()["errors"]
    assert s.post("/training-sessions", session_body(), "technician").status_code == 403
    elsewhere = s.post("/training-sessions", session_body(region="north"), "agent", region="east")
    assert elsewhere.status_code == 403 and "region" in elsewhere.get_json()["errors"]
    assert s.counts() == (0, 0, 0, 0)
    by_manager = s.created("/training-sessions", session_body(origin="planned"), "manager")
    assert by_manager["origin"] == "planned"
    session_id = by_manager["id"]
    assert s.post(f"/training-sessions/{session_id}/schedule", PLAN, "agent").status_code == 403
    north = s.post(f"/training-sessions/{session_id}/schedule", PLAN, "manager", region="north")
    assert north.status_code == 404
    assert s.get(f"/training-sessions/{session_id}", "agent", region="north").status_code == 404
    assert s.get("/training-sessions", "agent", region="north").get_json() == []
    assert len(s.get("/training-sessions?region=east&status=requested").get_json()) == 1


def test_an_online_session_needs_a_link_and_a_cancelled_one_stays_cancelled(
    support: Support,
) -> None:
    s = support
    body = session_body(kind="online", site_address=None)
    session_id = s.created("/training-sessions", body, "agent")["id"]
    url = f"/training-sessions/{session_id}"
    no_link = s.post(f"{url}/schedule", PLAN, "manager")
    assert no_link.status_code == 422 and no_link.get_json()["errors"] == {
        "link": ["required for this kind of session"]
    }
    cancelled = s.step(f"{url}/cancel", {"reason": "the customer postponed"}, "agent")
    assert cancelled["status"] == "cancelled"
    assert s.events("training.cancelled")[0]["data"]["reason"] == "the customer postponed"
    late = s.post(f"{url}/schedule", PLAN | {"link": "https://meet.example/cp400"}, "manager")
    assert late.status_code == 409
