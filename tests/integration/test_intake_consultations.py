"""Consultations through intake's API on SQLite and PostgreSQL: topic and response deadline,
escalation to an engineer, the answer with its documents, the customer's rating, and what
each step refuses (a problem naming the field, a 409 for the wrong state, 403/404 for the
wrong caller), writing nothing when it refuses.

The clock stands at Monday 30 November 2026, 10:00 in Shanghai (02:00 UTC); deadlines are
worked out by hand from the shipped calendar (08:30-12:00, 13:30-17:30 on weekdays) and the
shipped consultation policy (use high 4h, installation_commissioning normal 4h, selection
normal 16h)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import auth
from tests.integration.intake_api import IntakeApi, running_intake

# 4 business hours from Mon 10:00: 12:00, then 13:30-15:30 Shanghai.
FOUR_HOURS = "2026-11-30T07:30:00Z"
CHECKSUM = "ab" * 32
DOCUMENTS = [
    {"title": "Primer datasheet", "url": "https://docs.example.com/pr-1.pdf", "checksum": CHECKSUM},
    {"title": "Commissioning manual", "document_id": "DOC-CP-400-7"},
]


@pytest.fixture
def api(database_url: str) -> Iterator[IntakeApi]:
    with running_intake(database_url) as running:
        yield running


def consultation(api: IntakeApi, topic: str = "use", priority: str = "high", **more: Any) -> str:
    created = api.create(kind="consultation", topic=topic, priority=priority, **more)
    return str(created["id"])


def answered(api: IntakeApi, topic: str = "use") -> str:
    tid = consultation(api, topic)
    assert api.step(tid, "answer", {"answer": "24 hours"}).status_code == 200
    return tid


def test_escalated_answered_by_the_named_engineer_and_rated(api: IntakeApi) -> None:
    tid = consultation(api, "installation_commissioning", "normal")
    assert api.ticket(tid)["consultation"]["response_due_at"] == FOUR_HOURS
    assert api.ticket(tid)["consultation"]["response_met"] is None

    api.clock.advance(hours=1)
    escalation = {"reason": "needs the anode mass calculated", "engineer": "eng-1"}
    escalated = api.step(tid, "escalation", escalation)
    api.clock.advance(hours=2)
    answer = {"answer": "two 12 kg anodes, spaced 3 m", "documents": DOCUMENTS}
    by_agent = api.step(tid, "answer", answer)
    by_other = api.step(tid, "answer", answer, role="engineer", sub="eng-2")
    by_engineer = api.step(tid, "answer", answer, role="engineer", sub="eng-1")
    rated = api.step(tid, "answer-rating", {"rating": 5, "remark": "precise"})

    assert escalated.status_code == 200, escalated.get_json()
    assert escalated.get_json()["status"] == "awaiting_engineer"
    assert escalated.get_json()["consultation"]["escalated_to"] == "eng-1"
    assert (by_agent.status_code, by_other.status_code) == (403, 403)
    assert by_engineer.status_code == 200, by_engineer.get_json()
    assert rated.status_code == 200, rated.get_json()
    ticket = rated.get_json()
    assert (ticket["status"], ticket["close_reason"]) == ("closed", "resolved")
    shown = ticket["consultation"]
    assert shown["answered_by"] == "eng-1" and shown["answered_at"] == "2026-11-30T05:00:00Z"
    assert shown["response_met"] is True
    assert shown["documents"] == [
        {**DOCUMENTS[0], "document_id": None},
        {**DOCUMENTS[1], "url": None, "checksum": None},
    ]
    assert (shown["rating"], shown["rating_remark"], shown["rated_by"]) == (5, "precise", "ag-1")
    assert [s["kind"] for s in ticket["timeline"]] == [
        "reported",
        "consultation_escalated",
        "consultation_answered",
        "resolved",
        "closed",
        "answer_rated",
    ]
    events = {e["type"]: e for e in api.events(tid)}
    assert list(events) == [
        "ticket.created",
        "consultation.escalated",
        "consultation.answered",
        "ticket.resolved",
        "ticket.closed",
        "consultation.rated",
    ]
    assert events["consultation.answered"]["region"] == "east"
    assert events["consultation.answered"]["data"] == {
        "ticket_id": tid,
        "region": "east",
        "topic": "installation_commissioning",
        "priority": "normal",
        "answered_by": "eng-1",
        "answered_at": "2026-11-30T05:00:00+00:00",
        "asked_at": "2026-11-30T02:00:00+00:00",
        "response_due_at": "2026-11-30T07:30:00+00:00",
        "within_deadline": True,
        "escalated": True,
    }
    rating = events["consultation.rated"]["data"]
    assert (rating["source"], rating["rating"], rating["region"]) == ("consultation", 5, "east")
    assert rating["rated_at"] == "2026-11-30T05:00:00+00:00"


def test_an_answer_after_the_deadline_counts_late(api: IntakeApi) -> None:
    late, on_time = consultation(api), consultation(api)
    api.clock.advance(hours=5, minutes=31)  # 07:31 UTC, a minute past the deadline
    overdue = api.ticket(late)["consultation"]

    late_answer = api.step(late, "answer", {"answer": "recoat in spring"})
    # Entered after the fact: the client's time, on the deadline itself, is in time.
    on_time_answer = api.step(on_time, "answer", {"answer": "ok", "answered_at": FOUR_HOURS})

    assert (overdue["response_due_at"], overdue["response_met"]) == (FOUR_HOURS, False)
    assert late_answer.get_json()["consultation"]["response_met"] is False
    assert on_time_answer.get_json()["consultation"]["response_met"] is True
    [late_event] = [e for e in api.events(late) if e["type"] == "consultation.answered"]
    [in_time] = [e for e in api.events(on_time) if e["type"] == "consultation.answered"]
    assert late_event["data"]["answered_at"] == "2026-11-30T07:31:00+00:00"
    assert (late_event["data"]["within_deadline"], late_event["data"]["escalated"]) == (
        False,
        False,
    )
    assert in_time["data"]["within_deadline"] is True


def test_selection_advice_has_its_own_hours(api: IntakeApi) -> None:
    # selection normal = 16h: Mon 6h (10:00-12:00, 13:30-17:30), Tue 7h30, Wed 2h30 from
    # 08:30 = Wed 2 Dec 11:00 Shanghai.
    tid = consultation(api, "selection", "normal")
    assert api.ticket(tid)["consultation"]["response_due_at"] == "2026-12-02T03:00:00Z"
    listed = api.client.get("/tickets?kind=consultation", headers=auth("manager")).get_json()
    assert listed[0]["consultation"]["topic"] == "selection"


def _new_ticket(**changes: Any) -> dict[str, Any]:
    from tests.helpers import ticket_body

    return ticket_body(**changes)


CREATE_BAD = [
    ("consultation without topic", _new_ticket(kind="consultation")),
    ("topic on a repair", _new_ticket(kind="repair", topic="use")),
    ("unknown topic", _new_ticket(kind="consultation", topic="weather")),
    ("topic not a string", _new_ticket(kind="consultation", topic=3)),
]


@pytest.mark.parametrize(("case", "body"), CREATE_BAD, ids=[c[0] for c in CREATE_BAD])
def test_a_wrong_topic_is_a_problem_naming_it(api: IntakeApi, case: str, body: Any) -> None:
    before = api.counts()
    response = api.client.post("/tickets", json=body, headers=auth("agent"))
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    assert list(response.get_json()["errors"]) == ["topic"]
    assert api.counts() == before


def _doc(**changes: Any) -> dict[str, Any]:
    return {"answer": "see the manual", "documents": [{"title": "Manual", **changes}]}


STEP_BAD = [
    ("answer", "no answer", {}, "answer"),
    ("answer", "empty answer", {"answer": ""}, "answer"),
    ("answer", "document without reference", _doc(), "documents.0.url"),
    (
        "answer",
        "document with both",
        _doc(url="https://d.example/1", document_id="D-1"),
        "documents.0.document_id",
    ),
    ("answer", "ftp url", _doc(url="ftp://d.example/1"), "documents.0.url"),
    ("answer", "short checksum", _doc(document_id="D-1", checksum="abc"), "documents.0.checksum"),
    (
        "answer",
        "upper-case checksum",
        _doc(document_id="D-1", checksum="AB" * 32),
        "documents.0.checksum",
    ),
    (
        "answer",
        "untitled document",
        {"answer": "x", "documents": [{"document_id": "D-1"}]},
        "documents.0.title",
    ),
    (
        "answer",
        "too many documents",
        {"answer": "x", "documents": [{"title": "t", "document_id": "D"}] * 21},
        "documents",
    ),
    (
        "answer",
        "future answered_at",
        {"answer": "x", "answered_at": "2027-01-01T00:00Z"},
        "answered_at",
    ),
    (
        "answer",
        "naive answered_at",
        {"answer": "x", "answered_at": "2026-11-30T09:00:00"},
        "answered_at",
    ),
    (
        "answer",
        "answered before asked",
        {"answer": "x", "answered_at": "2026-11-30T01:59Z"},
        "answered_at",
    ),
    ("escalation", "no reason", {"engineer": "eng-1"}, "reason"),
    ("escalation", "empty engineer", {"reason": "hard", "engineer": ""}, "engineer"),
    ("escalation", "unknown field", {"reason": "hard", "urgency": "now"}, "urgency"),
    ("answer-rating", "rating 0", {"rating": 0}, "rating"),
    ("answer-rating", "rating 6", {"rating": 6}, "rating"),
    ("answer-rating", "rating a string", {"rating": "5"}, "rating"),
    ("answer-rating", "rating a fraction", {"rating": 4.5}, "rating"),
    ("answer-rating", "no rating", {"remark": "fine"}, "rating"),
    ("answer-rating", "empty remark", {"rating": 4, "remark": ""}, "remark"),
    (
        "answer-rating",
        "rated before answered",
        {"rating": 4, "rated_at": "2026-11-30T01:00Z"},
        "rated_at",
    ),
]


@pytest.mark.parametrize(
    ("endpoint", "case", "body", "field"), STEP_BAD, ids=[f"{c[0]}-{c[1]}" for c in STEP_BAD]
)
def test_bad_input_gets_a_problem_naming_the_field_and_writes_nothing(
    api: IntakeApi, endpoint: str, case: str, body: Any, field: str
) -> None:
    tid = answered(api) if endpoint == "answer-rating" else consultation(api)
    before, shown = api.counts(), api.ticket(tid)

    response = api.step(tid, endpoint, body)

    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"], response.get_json()
    assert api.counts() == before
    assert api.ticket(tid) == shown


def _escalated(api: IntakeApi) -> str:
    tid = consultation(api)
    assert api.step(tid, "escalation", {"reason": "hard"}).status_code == 200
    return tid


def _rated(api: IntakeApi) -> str:
    tid = answered(api)
    assert api.step(tid, "answer-rating", {"rating": 3}).status_code == 200
    return tid


ANSWER, ESCALATION, RATING = {"answer": "x"}, {"reason": "hard"}, {"rating": 4}
CONFLICTS = [
    ("answer twice", answered, "answer", ANSWER, "engineer", {"status": ["is closed"]}),
    (
        "escalate once answered",
        answered,
        "escalation",
        ESCALATION,
        "agent",
        {"status": ["is closed"]},
    ),
    (
        "escalate twice",
        _escalated,
        "escalation",
        ESCALATION,
        "agent",
        {"status": ["is awaiting_engineer"]},
    ),
    (
        "rate before the answer",
        consultation,
        "answer-rating",
        RATING,
        "agent",
        {"status": ["is new"]},
    ),
    ("rate twice", _rated, "answer-rating", RATING, "agent", {"rating": ["already recorded: 3"]}),
    (
        "answer a repair",
        lambda api: str(api.create()["id"]),
        "answer",
        ANSWER,
        "agent",
        {"kind": ["is repair"]},
    ),
    (
        "escalate a repair",
        lambda api: str(api.create()["id"]),
        "escalation",
        ESCALATION,
        "agent",
        {"kind": ["is repair"]},
    ),
    (
        "rate a repair",
        lambda api: str(api.create()["id"]),
        "answer-rating",
        RATING,
        "agent",
        {"kind": ["is repair"]},
    ),
]


@pytest.mark.parametrize(
    ("case", "setup", "endpoint", "body", "role", "errors"),
    CONFLICTS,
    ids=[c[0] for c in CONFLICTS],
)
def test_a_step_the_state_forbids_is_a_409_and_writes_nothing(
    api: IntakeApi, case: str, setup: Any, endpoint: str, body: Any, role: str, errors: Any
) -> None:
    tid = setup(api)
    before, shown = api.counts(), api.ticket(tid)

    response = api.step(tid, endpoint, body, role=role)

    assert response.status_code == 409, response.get_json()
    assert response.content_type == "application/problem+json"
    assert response.get_json()["errors"] == errors
    assert api.counts() == before
    assert api.ticket(tid) == shown


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [("answer", ANSWER), ("escalation", ESCALATION), ("answer-rating", RATING)],
)
def test_another_regions_token_finds_no_consultation(
    api: IntakeApi, endpoint: str, body: Any
) -> None:
    tid = answered(api) if endpoint == "answer-rating" else consultation(api)
    before, shown = api.counts(), api.ticket(tid)

    north = {"Authorization": auth("admin", region="north")["Authorization"]}
    response = api.client.post(f"/tickets/{tid}/{endpoint}", json=body, headers=north)
    read = api.client.get(f"/tickets/{tid}", headers=north)

    assert (response.status_code, read.status_code) == (404, 404)
    assert api.counts() == before
    assert api.ticket(tid) == shown


ADMITTED = {
    "answer": {"agent", "engineer", "admin"},
    "escalation": {"agent", "manager", "admin"},
    "answer-rating": {"agent", "manager", "admin"},
}


@pytest.mark.parametrize("endpoint", sorted(ADMITTED))
def test_each_consultation_step_admits_only_its_roles(api: IntakeApi, endpoint: str) -> None:
    body = {"answer": ANSWER, "escalation": ESCALATION, "answer-rating": RATING}[endpoint]
    outcomes = {}
    for role in ("agent", "technician", "engineer", "finance", "manager", "admin"):
        tid = answered(api) if endpoint == "answer-rating" else consultation(api)
        outcomes[role] = api.step(tid, endpoint, body, role=role).status_code
    assert {role for role, code in outcomes.items() if code == 200} == ADMITTED[endpoint]
    assert {code for role, code in outcomes.items() if role not in ADMITTED[endpoint]} == {403}


def test_a_repair_ticket_shows_no_consultation_and_stores_its_idempotent_response(
    api: IntakeApi,
) -> None:
    # The response is built without reading the consultation after the commit: a read then
    # would hold SQLite's write lock while the Idempotency-Key's response is stored.
    headers = {**auth("agent"), "Idempotency-Key": "repair-0001"}
    body = _new_ticket()

    first = api.client.post("/tickets", json=body, headers=headers)
    again = api.client.post("/tickets", json=body, headers=headers)

    assert first.status_code == 201, first.get_json()
    assert first.get_json()["consultation"] is None
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json() == first.get_json()


def test_consultations_are_listed_by_topic_and_overdue_response(api: IntakeApi) -> None:
    overdue = consultation(api, "use", "high")  # due 07:30 UTC
    answered_one = answered(api, "use")
    not_yet_due = consultation(api, "selection", "normal")  # due Wed 03:00 UTC
    repair = str(api.create()["id"])
    api.clock.advance(hours=6)  # 08:00 UTC

    def listed(query: str) -> set[str]:
        response = api.client.get(f"/tickets?{query}&page_size=50", headers=auth("manager"))
        assert response.status_code == 200, response.get_json()
        return {t["id"] for t in response.get_json()}

    assert listed("overdue_response=true") == {overdue}
    assert listed("overdue_response=false") == {answered_one, not_yet_due, repair}
    assert listed("topic=selection") == {not_yet_due}
    assert listed("topic=use&overdue_response=false") == {answered_one}
    bad = api.client.get("/tickets?topic=weather", headers=auth("manager"))
    assert bad.status_code == 422 and "topic" in bad.get_json()["errors"]
