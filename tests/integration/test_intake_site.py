"""A ticket carries where the product is installed and when the customer prefers a visit
(issue 9), on to the event dispatch opens the work order from; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import auth, ticket_body
from tests.integration.intake_api import IntakeApi, assessment_body, running_intake

SITE = {
    "address": "No. 8 Harbour Road, Beilun, Ningbo",
    "contact_name": "Wang Fang",
    "contact_phone": "+86 139 0000 0000",
    "latitude": "29.884",
    "longitude": "121.812",
}


@pytest.fixture
def intake(database_url: str) -> Iterator[IntakeApi]:
    with running_intake(database_url) as api:
        yield api


def test_the_site_travels_from_the_ticket_to_dispatch(intake: IntakeApi) -> None:
    created = intake.client.post(
        "/tickets",
        json=ticket_body(site=SITE, preferred_time="weekday mornings"),
        headers=auth("agent"),
    )
    assert created.status_code == 201, created.get_json()
    ticket_id = created.get_json()["id"]
    assert created.get_json()["site"] == SITE | {"latitude": "29.884000", "longitude": "121.812000"}
    assert intake.assess(ticket_id, tools=["holiday detector"]).status_code == 201
    assert intake.respond(ticket_id, {"accepted": True}).status_code == 200

    [accepted] = [
        e["data"] for e in intake.events(ticket_id) if e["type"] == "ticket.solution_accepted"
    ]
    assert accepted["site"]["address"] == SITE["address"]
    assert accepted["preferred_time"] == "weekday mornings"
    assert accepted["tools"] == ["holiday detector"]
    assert accepted["symptom"] == "coating blistering near the weld seam"


@pytest.mark.parametrize(
    ("site", "field"),
    [
        ({"contact_name": "Wang"}, "site.address"),
        (SITE | {"latitude": "95"}, "site.latitude"),
        ({"address": "x", "latitude": "29.8"}, "site.longitude"),
        (SITE | {"contact_phone": "call me"}, "site.contact_phone"),
    ],
)
def test_a_bad_site_is_refused_naming_the_field(
    intake: IntakeApi, site: dict[str, Any], field: str
) -> None:
    before = intake.counts()
    response = intake.client.post("/tickets", json=ticket_body(site=site), headers=auth("agent"))
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert intake.counts() == before


def test_an_assessment_names_the_tools_to_bring(intake: IntakeApi) -> None:
    ticket_id = intake.ticket_in("new")
    assert intake.assess(ticket_id, tools=["reference electrode"]).status_code == 201
    assert intake.ticket(ticket_id)["assessments"][0]["tools"] == ["reference electrode"]
    assert assessment_body()["parts_likely"] == ["CP-400-ANODE"]
