"""Idempotency-Key at its edges (issue 8, findings 6 and 7), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import update

from shared.db import IdempotencyRecord
from tests.helpers import auth, ticket_body
from tests.integration.intake_api import IntakeApi, assessment_body, running_intake


@pytest.fixture
def intake(database_url: str) -> Iterator[IntakeApi]:
    with running_intake(database_url) as api:
        yield api


def _post(api: IntakeApi, headers: dict[str, str], key: str = "call-0001") -> object:
    body = ticket_body(region="east")
    body["product"]["serial_no"] = "SN-IDEM"
    return api.client.post("/tickets", json=body, headers={**headers, "Idempotency-Key": key})


def test_a_narrower_token_with_the_same_subject_gets_no_replay(intake: IntakeApi) -> None:
    first = _post(intake, auth("agent", sub="u1"))
    assert first.status_code == 201
    narrower = _post(intake, auth("agent", sub="u1", region="north"))
    same = _post(intake, auth("agent", sub="u1"))

    # Judged on its own: the east ticket is outside the north token's region.
    assert narrower.status_code == 403
    assert "Idempotent-Replayed" not in narrower.headers
    assert same.status_code == 201 and same.headers["Idempotent-Replayed"] == "true"
    assert same.get_json()["id"] == first.get_json()["id"]
    assert intake.counts()["Ticket"] == 1


def _lose_the_stored_response(api: IntakeApi) -> None:
    """What a worker killed between the commit and storing the response leaves behind."""
    with api.rt.db.session() as session:
        session.execute(update(IdempotencyRecord).values(status_code=None, response_body=None))
        session.commit()


def test_a_response_lost_after_the_commit_leads_back_to_the_result(intake: IntakeApi) -> None:
    first = _post(intake, auth("agent", sub="u1"))
    ticket_id = first.get_json()["id"]
    _lose_the_stored_response(intake)

    soon = _post(intake, auth("agent", sub="u1"))
    intake.clock.advance(seconds=61)
    later = _post(intake, auth("agent", sub="u1"))

    assert soon.status_code == 409 and soon.headers["Retry-After"] == "1"
    assert later.status_code == 303
    assert later.headers["Location"] == f"/tickets/{ticket_id}"
    assert later.get_json()["resource"] == f"/tickets/{ticket_id}"
    found = intake.client.get(later.headers["Location"], headers=auth("agent"))
    assert found.status_code == 200 and found.get_json()["id"] == ticket_id
    assert intake.counts()["Ticket"] == 1


def test_an_action_on_an_item_leads_back_to_the_item(intake: IntakeApi) -> None:
    ticket_id = intake.ticket_in("new")
    headers = {**auth("engineer", sub="eng-1"), "Idempotency-Key": "assess-1"}
    path = f"/tickets/{ticket_id}/assessment"

    assert intake.client.post(path, json=assessment_body(), headers=headers).status_code == 201
    _lose_the_stored_response(intake)
    intake.clock.advance(seconds=61)
    again = intake.client.post(path, json=assessment_body(), headers=headers)

    assert again.status_code == 303 and again.headers["Location"] == f"/tickets/{ticket_id}"
    assert len(intake.ticket(ticket_id)["assessments"]) == 1
