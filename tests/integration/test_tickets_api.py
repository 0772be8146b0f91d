"""intake's ticket API on SQLite and PostgreSQL: create, read, list, idempotency, and bad
input answered with a problem naming the field while nothing is written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from services.intake import SERVICE as INTAKE
from services.intake.models import Ticket
from shared.db import IdempotencyRecord, OutboxMessage
from shared.service import Runtime
from shared.web import build_app
from tests.helpers import auth, settings_for, ticket_body


@pytest.fixture
def intake(database_url: str) -> Iterator[tuple[FlaskClient, Runtime]]:
    settings = settings_for(INTAKE, database_url, transport="inprocess")
    from shared.migrations import upgrade

    upgrade(INTAKE, database_url)
    app = build_app(INTAKE, settings)
    rt: Runtime = app.extensions["aftercare"]
    yield app.test_client(), rt
    rt.db.dispose()


def counts(rt: Runtime) -> tuple[int, int]:
    with rt.db.session() as session:
        tickets = session.scalar(select(func.count()).select_from(Ticket))
        events = session.scalar(select(func.count()).select_from(OutboxMessage))
    return int(tickets or 0), int(events or 0)


def test_create_ticket_writes_it_and_its_event_together(intake: Any) -> None:
    client, rt = intake
    body = ticket_body(region="south", priority="urgent")

    response = client.post("/tickets", json=body, headers=auth("agent", sub="agent-7"))

    assert response.status_code == 201
    created = response.get_json()
    assert response.headers["Location"] == f"/tickets/{created['id']}"
    assert created["status"] == "new"
    assert created["region"] == "south"
    assert created["created_by"] == "agent-7"
    assert created["product"]["serial_no"] == body["product"]["serial_no"]
    assert created["created_at"].endswith("Z")
    with rt.db.session() as session:
        row = session.scalars(select(OutboxMessage)).one()
    event = json.loads(row.body)
    assert row.routing_key == "ticket.created.south"
    assert event["type"] == "ticket.created" and event["version"] == 1
    assert event["producer"] == "intake" and event["region"] == "south"
    assert event["data"]["ticket_id"] == created["id"]
    assert event["data"]["priority"] == "urgent"
    assert event["correlation_id"] == response.headers["X-Correlation-ID"]
    assert row.sent_at is None


def test_get_and_list_tickets(intake: Any) -> None:
    client, _ = intake
    ids = [
        client.post("/tickets", json=ticket_body(region=r), headers=auth("agent")).get_json()["id"]
        for r in ("east", "east", "north")
    ]

    one = client.get(f"/tickets/{ids[0]}", headers=auth("engineer"))
    east = client.get("/tickets?region=east", headers=auth("manager"))
    page = client.get("/tickets?page=2&page_size=2", headers=auth("manager"))

    assert one.status_code == 200 and one.get_json()["id"] == ids[0]
    assert sorted(t["id"] for t in east.get_json()) == sorted(ids[:2])
    assert json.loads(page.headers["X-Pagination"])["total"] == 3
    assert len(page.get_json()) == 1


def test_region_limited_token_sees_and_creates_only_its_region(intake: Any) -> None:
    client, rt = intake
    north = client.post("/tickets", json=ticket_body(region="north"), headers=auth("agent"))
    east_only = auth("agent", region="east")

    hidden = client.get(f"/tickets/{north.get_json()['id']}", headers=east_only)
    listed = client.get("/tickets", headers=east_only)
    refused = client.post("/tickets", json=ticket_body(region="north"), headers=east_only)

    assert hidden.status_code == 404
    assert listed.get_json() == []
    assert refused.status_code == 403
    assert refused.get_json()["errors"] == {"region": ["outside the caller's region"]}
    assert counts(rt) == (1, 1)


def test_unknown_ticket_is_a_404_problem(intake: Any) -> None:
    client, _ = intake
    response = client.get("/tickets/7d1f3c39-0000-4000-8000-000000000000", headers=auth())
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_idempotency_key_replays_the_first_response_once(intake: Any) -> None:
    client, rt = intake
    body = ticket_body()
    headers = {**auth("agent", sub="a1"), "Idempotency-Key": "call-2026-11-28-001"}

    first = client.post("/tickets", json=body, headers=headers)
    again = client.post("/tickets", json=body, headers=headers)
    other_body = client.post("/tickets", json=ticket_body(), headers=headers)
    other_user = client.post(
        "/tickets",
        json=body,
        headers={**auth("agent", sub="a2"), "Idempotency-Key": "call-2026-11-28-001"},
    )

    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert other_body.status_code == 422
    assert "Idempotency-Key" in other_body.get_json()["errors"]
    assert other_user.status_code == 201 and other_user.get_json()["id"] != first.get_json()["id"]
    assert counts(rt) == (2, 2)
    with rt.db.session() as session:
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 2


def test_failed_request_does_not_consume_the_idempotency_key(intake: Any) -> None:
    client, rt = intake
    headers = {**auth("agent"), "Idempotency-Key": "retry-me"}
    bad = client.post("/tickets", json=ticket_body(region="mars"), headers=headers)
    good = client.post(
        "/tickets", json=ticket_body(region="mars") | {"region": "east"}, headers=headers
    )
    assert bad.status_code == 422
    assert good.status_code == 201
    assert counts(rt) == (1, 1)


def _without(body: dict[str, Any], *path: str) -> dict[str, Any]:
    node = body
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return body


BAD_INPUTS = [
    ("missing symptom", lambda: _without(ticket_body(), "symptom"), 422, "symptom"),
    (
        "missing customer name",
        lambda: _without(ticket_body(), "customer", "name"),
        422,
        "customer.name",
    ),
    ("wrong type", lambda: ticket_body(symptom=42), 422, "symptom"),
    ("wrong nested type", lambda: ticket_body(product="CP-400"), 422, "product"),
    ("unknown region", lambda: ticket_body(region="atlantis"), 422, "region"),
    ("unknown channel", lambda: ticket_body(channel="fax"), 422, "channel"),
    ("unknown field", lambda: ticket_body(colour="red"), 422, "colour"),
    (
        "future purchase",
        lambda: ticket_body(product={"model": "X", "purchase_date": "2999-01-01"}),
        422,
        "product.purchase_date",
    ),
    (
        "installed before bought",
        lambda: ticket_body(
            product={"model": "X", "purchase_date": "2025-05-01", "installation_date": "2025-04-01"}
        ),
        422,
        "product.installation_date",
    ),
    (
        "naive reported_at",
        lambda: ticket_body(reported_at="2026-11-01T10:00:00"),
        422,
        "reported_at",
    ),
    (
        "no way to reach the customer",
        lambda: ticket_body(customer={"name": "Li"}),
        422,
        "customer.phone",
    ),
    ("body not an object", lambda: [1, 2], 422, "body"),
]


@pytest.mark.parametrize(
    ("case", "make_body", "status", "field"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS]
)
def test_bad_input_gets_a_problem_naming_the_field_and_writes_nothing(
    intake: Any, case: str, make_body: Any, status: int, field: str
) -> None:
    client, rt = intake
    response = client.post("/tickets", json=make_body(), headers=auth("agent"))

    assert response.status_code == status, response.get_json()
    assert response.content_type == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == status
    assert field in problem["errors"], problem
    assert counts(rt) == (0, 0)


def test_malformed_json_is_a_400_problem(intake: Any) -> None:
    client, rt = intake
    response = client.post(
        "/tickets",
        data=b'{"channel": "hotline",',
        headers={**auth("agent"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert "body" in response.get_json()["errors"]
    assert counts(rt) == (0, 0)


def test_oversized_body_is_a_413_problem(intake: Any) -> None:
    client, rt = intake
    limit = rt.settings.max_body_bytes
    body = ticket_body(symptom="x" * (limit + 1))
    response = client.post("/tickets", json=body, headers=auth("agent"))
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
    assert counts(rt) == (0, 0)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer not-a-jwt"}, 401),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 401),
        ("technician", 403),
        ("finance", 403),
    ],
    ids=["no token", "garbage token", "wrong scheme", "technician", "finance"],
)
def test_no_token_or_wrong_role_is_refused_and_writes_nothing(
    intake: Any, headers: Any, status: int
) -> None:
    client, rt = intake
    if isinstance(headers, str):
        headers = auth(headers)
    response = client.post("/tickets", json=ticket_body(), headers=headers)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert counts(rt) == (0, 0)


def test_ops_endpoints_are_open(intake: Any) -> None:
    client, _ = intake
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"]["database"] == "ok"
    spec = client.get("/openapi.json").get_json()
    assert "/tickets" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "aftercare_outbox_backlog" in client.get("/metrics").get_data(as_text=True)
