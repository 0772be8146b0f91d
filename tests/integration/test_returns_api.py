"""returns's API on SQLite and PostgreSQL: requests by agents, appraisal by the rules,
agreement, shipment, the overdue originals, receipt, refund; every refusal (409 naming the
status, 422 naming the field, 401/403 by role, 404 outside the region) leaving nothing
written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import auth
from tests.integration.returns_support import (
    APPRAISAL,
    REFUND,
    SHIPMENT,
    Returns,
    make_returns,
    return_body,
)


@pytest.fixture
def returns(database_url: str) -> Iterator[Returns]:
    r = make_returns(database_url)
    yield r
    r.rt.db.dispose()


def test_an_agent_requests_and_everyone_reads_filters_and_pages(returns: Returns) -> None:
    r = returns
    created = r.post("/returns", return_body(serial_no="SN-1"), "agent", sub="agent-1")
    body = created.get_json()
    r.clock.advance(hours=1)
    r.request(kind="refund", region="north", purchase_date=None, serial_no="SN-2")
    r.clock.advance(hours=1)
    r.request(serial_no="SN-3")

    assert created.status_code == 201
    assert created.headers["Location"] == f"/returns/{body['id']}"
    assert (body["kind"], body["status"], body["source"], body["region"]) == (
        "replacement",
        "requested",
        "agent",
        "east",
    )
    assert body["warranty"]["status"] == "in_warranty"
    assert body["warranty"]["reason"] == (
        "purchased 2025-03-01, reported 2026-12-04; default policy: parts until 2027-03-01, "
        "labour until 2027-03-01"
    )
    assert body["customer"] == {"name": "Li Wei", "phone": "+86 138 0000 0000"}
    assert body["requested_at"] == "2026-12-04T02:00:00Z" and body["appraisal"] is None
    assert body["evidence"][0]["reference"] == "dms://photos/77"
    event = r.events()[0]
    assert event["type"] == "return.requested" and event["region"] == "east"
    assert event["data"]["return_id"] == body["id"] and event["aggregate_id"] == body["id"]
    assert event["data"]["customer_name"] == "Li Wei" and event["data"]["source"] == "agent"

    def serials(query: str, *roles: str) -> list[str]:
        response = r.get(f"/returns{query}", *roles)
        assert response.status_code == 200, response.get_json()
        return [item["serial_no"] for item in response.get_json()]

    assert serials("", "engineer") == ["SN-3", "SN-2", "SN-1"]
    assert serials("?region=north", "finance") == ["SN-2"]
    assert serials("?kind=refund&status=requested") == ["SN-2"]
    assert serials("?serial_no=SN-1") == ["SN-1"]
    assert serials("?created_from=2026-12-04T10:30:00%2B08:00", "manager") == [
        "SN-3",
        "SN-2",
    ]
    assert serials("?status=refunded") == []
    page = r.get("/returns?page=2&page_size=2")
    assert json.loads(page.headers["X-Pagination"])["total"] == 3
    assert [item["serial_no"] for item in page.get_json()] == ["SN-1"]


def test_a_region_limited_token_sees_and_changes_only_its_region(returns: Returns) -> None:
    r = returns
    north = r.request(region="north")
    east = r.request()
    before = r.counts(), r.read(north)

    hidden = r.get(f"/returns/{north}", "agent", region="east")
    listed = r.get("/returns", "manager", region="east").get_json()
    appraised = r.post(f"/returns/{north}/appraisal", APPRAISAL, "engineer", region="east")
    requested = r.post("/returns", return_body(region="north"), "agent", region="east")

    assert hidden.status_code == 404 and appraised.status_code == 404
    assert [item["id"] for item in listed] == [east]
    assert requested.status_code == 403
    assert requested.get_json()["errors"] == {"region": ["outside the caller's region"]}
    assert (r.counts(), r.read(north)) == before
    assert r.get(f"/returns/{east}", "agent", region="east").status_code == 200


ROLE_MATRIX = [
    ("POST", "", ("engineer", "finance", "technician"), ("agent", "manager", "admin")),
    ("GET", "", ("technician",), ("agent", "engineer", "finance", "manager", "admin")),
    ("POST", "/{id}/appraisal", ("agent", "manager", "finance", "admin"), ("engineer",)),
    ("POST", "/{id}/agreement", ("engineer", "finance", "technician"), ()),
    ("POST", "/{id}/shipment", ("engineer", "finance", "technician"), ()),
    ("POST", "/{id}/receipt", ("engineer", "finance", "technician"), ()),
    ("POST", "/{id}/refund", ("agent", "engineer", "admin"), ()),
    ("GET", "/overdue-originals", ("engineer", "finance", "technician"), ("agent", "manager")),
]


def test_each_endpoint_admits_only_its_roles(returns: Returns) -> None:
    r = returns
    return_id = r.request()
    for method, path, refused, admitted in ROLE_MATRIX:
        url = f"/returns{path}".replace("{id}", return_id)

        def body(path: str = path, method: str = method) -> dict[str, Any] | None:
            return (return_body() if path == "" else {}) if method == "POST" else None

        before = r.counts(), r.read(return_id)
        anonymous = r.client.open(url, method=method, json=body())
        assert anonymous.status_code == 401, url
        assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
        for role in refused:
            response = r.client.open(url, method=method, json=body(), headers=auth(role))
            assert response.status_code == 403, (url, role, response.get_json())
            assert response.content_type == "application/problem+json"
        assert (r.counts(), r.read(return_id)) == before, url
        for role in admitted:
            # Admitted: created, read, or (an empty step body) refused as invalid, never 403.
            response = r.client.open(url, method=method, json=body(), headers=auth(role))
            assert response.status_code in (200, 201, 422), (url, role, response.get_json())


BAD_REQUESTS: list[tuple[str, dict[str, Any], str]] = [
    ("unknown kind", {"kind": "exchange"}, "kind"),
    ("unknown region", {"region": "atlantis"}, "region"),
    ("missing serial", {"serial_no": None}, "serial_no"),
    ("empty model", {"product_model": ""}, "product_model"),
    ("missing reason", {"reason": None}, "reason"),
    ("purchase date in the future", {"purchase_date": "2027-01-01"}, "purchase_date"),
    ("purchase date not a date", {"purchase_date": "1 March"}, "purchase_date"),
    ("no evidence", {"evidence": []}, "evidence"),
    (
        "evidence without reference",
        {"evidence": [{"description": "photo"}]},
        "evidence.0.reference",
    ),
    ("customer without name", {"customer": {"phone": "+86 1380000"}}, "customer.name"),
    ("bad phone", {"customer": {"name": "Li", "phone": "call me"}}, "customer.phone"),
    ("report in the future", {"reported_at": "2026-12-05T00:00:00+00:00"}, "reported_at"),
    ("naive report time", {"reported_at": "2026-12-01T10:00:00"}, "reported_at"),
    ("ticket not a uuid", {"ticket_id": "T-1"}, "ticket_id"),
    ("unknown field", {"colour": "red"}, "colour"),
]


def test_a_bad_request_is_a_problem_naming_the_field(returns: Returns) -> None:
    for case, changes, field in BAD_REQUESTS:
        response = returns.post("/returns", return_body(**changes), "agent")
        assert response.status_code == 422, (case, response.get_json())
        assert response.content_type == "application/problem+json"
        assert field in response.get_json()["errors"], (case, response.get_json())
    assert returns.counts() == (0, 0)


BAD_STEPS: list[tuple[str, dict[str, Any], str]] = [
    ("appraisal", {"quality_defect": "yes", "findings": "x"}, "quality_defect"),
    ("appraisal", {"quality_defect": True, "findings": "x"}, "severity"),
    ("appraisal", APPRAISAL | {"severity": "apocalyptic"}, "severity"),
    ("appraisal", APPRAISAL | {"refund_amount": 12.5}, "refund_amount"),
    ("appraisal", APPRAISAL | {"refund_amount": "12.345"}, "refund_amount"),
    ("appraisal", APPRAISAL | {"refund_amount": "-5"}, "refund_amount"),
    ("appraisal", {"quality_defect": False}, "findings"),
    ("agreement", {"quantity": 0}, "quantity"),
    ("agreement", {"return_method": "teleport"}, "return_method"),
    ("shipment", {"carrier": "SF"}, "tracking_no"),
    ("shipment", SHIPMENT | {"shipped_at": "2027-01-01T00:00:00+00:00"}, "shipped_at"),
    ("receipt", {"check_notes": "fine"}, "condition_ok"),
    ("refund", REFUND | {"method": "bitcoin"}, "method"),
    ("refund", REFUND | {"amount": "NaN"}, "amount"),
    ("refund", REFUND | {"amount": "0"}, "amount"),
]


def test_a_bad_step_is_a_problem_naming_the_field(returns: Returns) -> None:
    r = returns
    return_id = r.request()
    before = r.counts(), r.read(return_id)
    for step, body, field in BAD_STEPS:
        response = r.post(f"/returns/{return_id}/{step}", body, "admin", "engineer", "manager")
        assert response.status_code == 422, (step, body, response.get_json())
        assert response.content_type == "application/problem+json"
        assert field in response.get_json()["errors"], (step, body, response.get_json())
    assert (r.counts(), r.read(return_id)) == before


def test_unknown_returns_are_404(returns: Returns) -> None:
    missing = "7b2d4f6a-8c0e-4b2d-9f6a-8c0e2b4d6f80"
    assert returns.get(f"/returns/{missing}").status_code == 404
    response = returns.post(f"/returns/{missing}/appraisal", APPRAISAL, "engineer")
    assert response.status_code == 404 and response.content_type == "application/problem+json"
