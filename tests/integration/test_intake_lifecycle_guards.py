"""intake's lifecycle endpoints refuse what they must, on SQLite and PostgreSQL: bad input
gets a problem naming the field, unknown tickets a 404, wrong roles a 403, tokens limited to
another region a 404 (reading and acting alike), and none of it writes anything."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import auth
from tests.integration.intake_api import ROLES, IntakeApi, assessment_body, running_intake

UNKNOWN = "7d1f3c39-0000-4000-8000-000000000000"


@pytest.fixture
def api(database_url: str) -> Iterator[IntakeApi]:
    with running_intake(database_url) as running:
        yield running


def _without(body: dict[str, Any], key: str) -> dict[str, Any]:
    del body[key]
    return body


H = "estimated_hours"
ASSESSMENT_BAD = [
    ("no nature", _without(assessment_body(), "nature"), "nature"),
    ("unknown nature", assessment_body(nature="rust"), "nature"),
    ("unknown severity", assessment_body(severity="dire"), "severity"),
    ("empty diagnosis", assessment_body(diagnosis=""), "diagnosis"),
    ("visit_needed a string", assessment_body(visit_needed="yes"), "visit_needed"),
    ("hours not a number", assessment_body(estimated_hours="lots"), H),
    ("negative hours", assessment_body(estimated_hours="-1"), H),
    ("hours to 3 places", assessment_body(estimated_hours="1.255"), H),
    ("visit with no hours", assessment_body(estimated_hours="0"), H),
    ("parts not a list", assessment_body(parts_likely="A-1"), "parts_likely"),
    ("unknown field", assessment_body(colour="red"), "colour"),
    ("naive assessed_at", assessment_body(assessed_at="2026-11-30T09:00:00"), "assessed_at"),
    ("future assessed_at", assessment_body(assessed_at="2026-12-30T09:00+08:00"), "assessed_at"),
    # The ticket was reported at 10:00 in Shanghai: an assessment at 09:00 comes before it.
    ("before reported", assessment_body(assessed_at="2026-11-30T09:00+08:00"), "assessed_at"),
    ("body not an object", [1, 2], "body"),
]
RESPONSE_BAD = [
    ("no answer", {}, "accepted"),
    ("answer a string", {"accepted": "true"}, "accepted"),
    ("rejected without objection", {"accepted": False}, "objection"),
    ("empty objection", {"accepted": False, "objection": ""}, "objection"),
    ("objection to an acceptance", {"accepted": True, "objection": "hm"}, "objection"),
    ("future answered_at", {"accepted": True, "answered_at": "2027-01-01T00:00Z"}, "answered_at"),
    # Assessed at 02:00Z.
    ("before assessed", {"accepted": True, "answered_at": "2026-11-30T01:59Z"}, "answered_at"),
]
RESOLUTION_BAD = [
    ("no resolution", {}, "resolution"),
    ("empty resolution", {"resolution": ""}, "resolution"),
    ("resolution too long", {"resolution": "x" * 5001}, "resolution"),
    ("naive resolved_at", {"resolution": "ok", "resolved_at": "2026-11-30T01:00"}, "resolved_at"),
    ("before reported", {"resolution": "ok", "resolved_at": "2026-11-30T01:00Z"}, "resolved_at"),
]
# endpoint → (status the ticket is in, its kind, the role that calls)
SETUP = {
    "assessment": ("new", "repair", "engineer"),
    "solution-response": ("assessed", "repair", "agent"),
    "resolve": ("new", "consultation", "agent"),
}
BAD_INPUTS = [
    *(("assessment", *case) for case in ASSESSMENT_BAD),
    *(("solution-response", *case) for case in RESPONSE_BAD),
    *(("resolve", *case) for case in RESOLUTION_BAD),
]


@pytest.mark.parametrize(
    ("endpoint", "case", "body", "field"),
    BAD_INPUTS,
    ids=[f"{c[0]}-{c[1]}" for c in BAD_INPUTS],
)
def test_bad_input_gets_a_problem_naming_the_field_and_writes_nothing(
    api: IntakeApi, endpoint: str, case: str, body: Any, field: str
) -> None:
    status, kind, role = SETUP[endpoint]
    tid = api.ticket_in(status, kind=kind)
    before = api.counts()

    response = api.client.post(f"/tickets/{tid}/{endpoint}", json=body, headers=auth(role))

    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    errors = response.get_json()["errors"]
    assert field in errors, errors
    if case.startswith("before"):
        assert "the ticket's previous step" in errors[field][0]
    assert api.counts() == before
    assert api.ticket(tid)["status"] == status


VALID = {
    "assessment": (assessment_body(), "engineer"),
    "solution-response": ({"accepted": True}, "agent"),
    "resolve": ({"resolution": "advice given"}, "agent"),
}


@pytest.mark.parametrize("endpoint", sorted(VALID))
def test_unknown_ticket_is_a_404_and_writes_nothing(api: IntakeApi, endpoint: str) -> None:
    api.create()
    before = api.counts()
    body, role = VALID[endpoint]

    response = api.client.post(f"/tickets/{UNKNOWN}/{endpoint}", json=body, headers=auth(role))
    timeline = api.client.get(f"/tickets/{UNKNOWN}/timeline", headers=auth(role))

    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert timeline.status_code == 404
    assert api.counts() == before


# endpoint → (roles admitted, status the ticket must be in, kind, success code)
ADMITTED = {
    "assessment": ({"engineer", "admin"}, "new", "repair", 201),
    "solution-response": ({"agent", "manager", "admin"}, "assessed", "repair", 200),
    "resolve": ({"agent", "engineer", "manager", "admin"}, "new", "consultation", 200),
}


@pytest.mark.parametrize("endpoint", sorted(ADMITTED))
def test_each_endpoint_admits_only_its_roles(api: IntakeApi, endpoint: str) -> None:
    admitted, status, kind, success = ADMITTED[endpoint]
    body, _ = VALID[endpoint]
    outcomes: dict[str | None, int] = {}
    for role in (*ROLES, None):
        tid = api.ticket_in(status, kind=kind)
        before = api.counts()
        headers = auth(role) if role else {}
        response = api.client.post(f"/tickets/{tid}/{endpoint}", json=body, headers=headers)
        outcomes[role] = response.status_code
        if response.status_code != success:
            assert response.content_type == "application/problem+json"
            assert api.counts() == before

    expected: dict[str | None, int] = {r: success if r in admitted else 403 for r in ROLES}
    assert outcomes == {**expected, None: 401}


@pytest.mark.parametrize("path", ["", "/timeline"])
def test_reading_a_ticket_admits_only_its_roles(api: IntakeApi, path: str) -> None:
    tid = api.create()["id"]
    outcomes = {
        role: api.client.get(
            f"/tickets/{tid}{path}", headers=auth(role) if role else {}
        ).status_code
        for role in (*ROLES, None)
    }
    assert outcomes == {
        "agent": 200,
        "technician": 403,
        "engineer": 200,
        "finance": 403,
        "manager": 200,
        "admin": 200,
        None: 401,
    }


def test_a_token_limited_to_another_region_neither_sees_nor_changes_the_ticket(
    api: IntakeApi,
) -> None:
    new = api.ticket_in("new", region="north")
    assessed = api.ticket_in("assessed", region="north")
    consultation = api.ticket_in("new", kind="consultation", region="north")
    before = api.counts()

    def east(role: str) -> dict[str, str]:
        return auth(role, region="east")

    seen = api.client.get(f"/tickets/{new}", headers=east("manager"))
    timeline = api.client.get(f"/tickets/{new}/timeline", headers=east("manager"))
    listed = api.client.get("/tickets?region=north", headers=east("manager"))
    assessing = api.client.post(
        f"/tickets/{new}/assessment", json=assessment_body(), headers=east("engineer")
    )
    answering = api.client.post(
        f"/tickets/{assessed}/solution-response", json={"accepted": True}, headers=east("agent")
    )
    resolving = api.client.post(
        f"/tickets/{consultation}/resolve", json={"resolution": "x"}, headers=east("admin")
    )

    assert (seen.status_code, timeline.status_code) == (404, 404)
    assert listed.status_code == 200 and listed.get_json() == []
    # Acting is refused exactly like an unknown id: no oracle for which ids exist elsewhere.
    assert (assessing.status_code, answering.status_code, resolving.status_code) == (404, 404, 404)
    assert api.counts() == before
    own = api.client.post(
        f"/tickets/{new}/assessment",
        json=assessment_body(),
        headers=auth("engineer", region="north"),
    )
    assert own.status_code == 201
