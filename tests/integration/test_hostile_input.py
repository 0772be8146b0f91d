"""Hostile input at the edges (issue 8's findings), on SQLite and PostgreSQL: every one is a
4xx problem naming what is wrong, none a 500, and none writes a row."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import auth, ticket_body
from tests.integration.dispatch_support import Dispatch, make_dispatch
from tests.integration.intake_api import IntakeApi, running_intake


@pytest.fixture
def intake(database_url: str) -> Iterator[IntakeApi]:
    with running_intake(database_url) as api:
        yield api


@pytest.fixture
def dispatch(database_url: str) -> Iterator[Dispatch]:
    api = make_dispatch(database_url)
    yield api
    api.rt.db.dispose()


def _refused(response: Any, status: int, field: str) -> dict[str, Any]:
    body: dict[str, Any] = response.get_json()
    assert response.status_code == status, body
    assert response.content_type == "application/problem+json"
    assert field in body["errors"], body
    return body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("symptom", "a\u0000b"),
        ("symptom", "a\ud800b"),
        ("customer.name", "Li\u0000Wei"),
        ("reported_at", "0001-01-01T00:00:00+14:00"),
        ("reported_at", "9999-12-31T23:59:59-14:00"),
    ],
)
def test_text_no_column_can_hold_is_refused_naming_the_field(
    intake: IntakeApi, field: str, value: str
) -> None:
    body = ticket_body()
    if "." in field:
        outer, inner = field.split(".")
        body[outer][inner] = value
    else:
        body[field] = value
    before = intake.counts()
    # ensure_ascii keeps a lone surrogate as a \ud800 escape, as a hostile client sends it
    raw = json.dumps(body)
    response = intake.client.post(
        "/tickets", data=raw, content_type="application/json", headers=auth("agent")
    )
    _refused(response, 422, field)
    assert intake.counts() == before


@pytest.mark.parametrize(
    "query",
    [
        "serial_no=%00",
        "created_from=0001-01-01T00:00:00%2B14:00",
        "created_to=9999-12-31T23:59:59-14:00",
    ],
)
def test_query_values_are_screened_too(dispatch: Dispatch, query: str) -> None:
    response = dispatch.get(f"/work-orders?{query}", "manager")
    _refused(response, 422, query.split("=")[0])


def test_a_nul_in_a_technician_skill_filter_is_refused(dispatch: Dispatch) -> None:
    _refused(dispatch.get("/technicians?skill=a%00b", "manager"), 422, "skill")


@pytest.mark.parametrize("path", ["/work-orders", "/technicians"])
def test_a_page_beyond_any_offset_is_refused_naming_page(dispatch: Dispatch, path: str) -> None:
    body = _refused(dispatch.get(f"{path}?page=9223372036854775807", "manager"), 422, "page")
    assert "at most" in body["errors"]["page"][0]


def test_the_last_reachable_page_is_served(dispatch: Dispatch) -> None:
    response = dispatch.get("/work-orders?page=214748364&page_size=10", "manager")
    assert response.status_code == 200 and response.get_json() == []


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 1000 + "]" * 1000,
        '{"symptom": ' + "[" * 40 + "]" * 40 + "}",
        '{"priority": ' + "1" * 5000 + "}",
        b'{"symptom": "\xff\xfe"}',
    ],
    ids=["nested-1000", "nested-41", "huge-integer", "invalid-utf8"],
)
def test_bodies_no_parser_should_chew_on_are_malformed(intake: IntakeApi, raw: Any) -> None:
    before = intake.counts()
    response = intake.client.post(
        "/tickets", data=raw, content_type="application/json", headers=auth("agent")
    )
    body = _refused(response, 400, "body")
    assert body["type"].endswith("/malformed-body")
    assert intake.counts() == before


def _chunked(intake: IntakeApi, payload: bytes) -> Any:
    """A body sent without a Content-Length, as a chunked upload reaches the app."""
    return intake.client.post(
        "/tickets",
        input_stream=io.BytesIO(payload),
        content_type="application/json",
        headers=auth("agent"),
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_over_the_limit_is_refused_not_truncated(intake: IntakeApi) -> None:
    limit = intake.rt.settings.max_body_bytes
    body = ticket_body(symptom="x" * limit)
    before = intake.counts()
    response = _chunked(intake, json.dumps(body).encode())
    assert response.status_code == 413, response.get_json()
    assert response.content_type == "application/problem+json"
    assert intake.counts() == before


def test_a_chunked_body_within_the_limit_is_taken_whole(intake: IntakeApi) -> None:
    response = _chunked(intake, json.dumps(ticket_body(symptom="blistering")).encode())
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["symptom"] == "blistering"


def test_a_weight_with_a_huge_exponent_is_refused_at_once(database_url: str) -> None:
    """``1E-30000000`` is in range but made exact arithmetic build 10^30000000: it pinned a
    worker for seconds. A weight now carries at most four decimals."""
    from services.kpi import SERVICE as KPI
    from shared.migrations import upgrade
    from shared.web import build_app
    from tests.helpers import settings_for

    upgrade(KPI, database_url)
    app = build_app(KPI, settings_for(KPI, database_url, transport="inprocess"))
    client = app.test_client()
    try:
        for weights in ("csat%3D1E-30000000", "csat%3D0E-30000000", "csat%3D0.00001"):
            response = client.get(
                f"/scorecards?by=region&month=2026-12&weights={weights}",
                headers=auth("manager"),
            )
            body = _refused(response, 422, "weights")
            assert "decimals" in body["errors"]["weights"][0]
        fine = client.get(
            "/scorecards?by=region&month=2026-12&weights=csat%3D0.0001", headers=auth("manager")
        )
        assert fine.status_code == 200, fine.get_json()
    finally:
        app.extensions["aftercare"].db.dispose()
