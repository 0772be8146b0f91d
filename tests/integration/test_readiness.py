"""Readiness means the database answers: a broker outage is reported (degraded) but leaves the
service ready, since the API keeps accepting writes while the broker is away; a database
outage makes it unready, and requests during it get a 503 problem, never a 500."""

from __future__ import annotations

from services.intake import SERVICE as INTAKE
from shared.migrations import upgrade
from shared.web import build_app
from tests.helpers import (
    allow_connections,
    auth,
    free_port,
    settings_for,
    ticket_body,
)


def test_readiness_reports_an_unreachable_broker_while_writes_go_on(sqlite_url: str) -> None:
    upgrade(INTAKE, sqlite_url)
    dead_broker = f"amqp://guest:guest@127.0.0.1:{free_port()}/"
    app = build_app(INTAKE, settings_for(INTAKE, sqlite_url, dead_broker))
    client = app.test_client()

    ready = client.get("/readyz")
    created = client.post("/tickets", json=ticket_body(), headers=auth("agent"))

    assert ready.status_code == 200
    assert ready.get_json() == {
        "status": "degraded",
        "checks": {"database": "ok", "broker": "failing"},
        "degraded": ["broker"],
    }
    assert created.status_code == 201  # the outbox holds the event until the broker is back
    assert client.get("/healthz").status_code == 200


def test_database_outage_gives_503_problems_and_unready(postgres_url: str, amqp_url: str) -> None:
    upgrade(INTAKE, postgres_url)
    app = build_app(INTAKE, settings_for(INTAKE, postgres_url, amqp_url))
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    allow_connections(postgres_url, False)
    try:
        ready = client.get("/readyz")
        created = client.post("/tickets", json=ticket_body(), headers=auth("agent"))
        listed = client.get("/tickets", headers=auth("agent"))
    finally:
        allow_connections(postgres_url, True)

    assert ready.status_code == 503
    assert ready.get_json()["checks"]["database"].startswith("failing")
    for response in (created, listed):
        assert response.status_code == 503
        assert response.content_type == "application/problem+json"
        assert response.headers["Retry-After"] == "5"
    assert client.get("/readyz").status_code == 200
    assert client.post("/tickets", json=ticket_body(), headers=auth("agent")).status_code == 201
    app.extensions["aftercare"].db.dispose()
