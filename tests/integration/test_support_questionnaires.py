"""support's questionnaires through the API on SQLite and PostgreSQL: created by an agent
(its one-time link shown once) or on dispatch's repair.accepted (once per work order), the
form and the answer open to the link's holder with no JWT, under the kit's request hygiene;
a link used twice (409), for another customer (403 naming customer_ref) or expired (410)
writes nothing; only the token's digest is stored."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, text

from services.support.models import Questionnaire
from tests.helpers import auth
from tests.integration.support_service import LINK_BASE, Support, make_support

WORK_ORDER = "0b6c2a4e-5d7f-4c1a-9e3b-8a2d4f6c8e99"
ANSWER = {"customer_ref": "C-1042", "rating": 4, "remarks": "quick and tidy"}


@pytest.fixture
def support(database_url: str) -> Iterator[Support]:
    s = make_support(database_url)
    yield s
    s.rt.db.dispose()


def created(s: Support, **changes: Any) -> tuple[dict[str, Any], str]:
    """An agent's questionnaire; returns it and the path of its link."""
    body = {
        "region": "east",
        "work_order_id": WORK_ORDER,
        "customer_ref": "C-1042",
        "technician_id": "tech-dong",
    } | changes
    headers = auth("agent", sub="agent-1") | {"Idempotency-Key": f"q-{uuid.uuid4()}"}
    response = s.client.post("/questionnaires", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    made: dict[str, Any] = response.get_json()
    assert made["link"] is None and made["expires_at"] is None
    link = s.step(f"/questionnaires/{made['id']}/link", {}, "agent")["link"]
    assert link.startswith(f"{LINK_BASE}/")
    return made, "/questionnaires/answer/" + link.rsplit("/", 1)[1]


def test_answered_once_through_the_link_without_a_token(support: Support) -> None:
    s = support
    made, link = created(s)
    token = link.rsplit("/", 1)[1]
    with s.rt.db.session() as session:
        stored = session.scalars(select(Questionnaire)).one()
        assert stored.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(s.events())
    with s.rt.db.session() as session:
        kept = session.execute(text("SELECT response_body FROM idempotency_keys")).all()
    assert len(kept) == 1, kept
    assert made["id"] in kept[0][0], (made["id"], kept[0][0])
    assert token not in kept[0][0]
    assert s.get(f"/questionnaires/{made['id']}", "agent").get_json()["link"] is None

    form = s.client.get(link)
    assert form.status_code == 200, form.get_json()
    assert [q["id"] for q in form.get_json()["questions"]] == ["rating", "remarks"]
    assert form.get_json()["expires_at"] == "2026-12-21T02:00:00Z"  # 14 days
    assert form.headers["Cache-Control"] == "no-store"
    s.clock.advance(hours=3)
    answered = s.client.post(link, json=ANSWER | {"customer_ref": "  c-1042 "})
    assert answered.status_code == 204, answered.get_json()
    read = s.get(f"/questionnaires/{made['id']}", "manager").get_json()
    assert (read["status"], read["rating"], read["remarks"]) == ("answered", 4, "quick and tidy")
    [event] = s.events("survey.answered")
    assert (event["region"], event["data"]) == (
        "east",
        {
            "questionnaire_id": made["id"],
            "work_order_id": WORK_ORDER,
            "technician_id": "tech-dong",
            "source": "questionnaire",
            "rating": 4,
            "answered_at": "2026-12-07T05:00:00+00:00",
        },
    )
    before = s.counts()
    twice = s.client.post(link, json=ANSWER)
    assert twice.status_code == 409 and twice.get_json()["errors"] == {
        "token": ["the link has been used"]
    }
    assert s.client.get(link).status_code == 409
    assert s.counts() == before


def test_a_link_used_for_another_customer_is_refused_and_writes_nothing(s: Support) -> None:
    _, link = created(s)
    before = s.counts()
    refused = s.client.post(link, json=ANSWER | {"customer_ref": "C-9999"})
    assert refused.status_code == 403
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert list(refused.get_json()["errors"]) == ["customer_ref"]
    assert s.counts() == before
    assert s.client.post(link, json=ANSWER).status_code == 204


@pytest.fixture
def s(support: Support) -> Support:
    return support


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (ANSWER | {"rating": 6}, "rating"),
        (ANSWER | {"rating": "5"}, "rating"),
        ({"rating": 4}, "customer_ref"),
        (ANSWER | {"token": "x"}, "token"),
    ],
)
def test_a_bad_answer_names_its_field(s: Support, body: dict[str, Any], field: str) -> None:
    _, link = created(s)
    before = s.counts()
    refused = s.client.post(link, json=body)
    assert refused.status_code == 422 and field in refused.get_json()["errors"]
    assert s.counts() == before


def test_links_expire_and_a_new_one_replaces_the_old(s: Support) -> None:
    made, link = created(s)
    s.clock.advance(days=14)
    expired = s.client.post(link, json=ANSWER)
    assert expired.status_code == 410 and expired.get_json()["errors"] == {"token": ["expired"]}
    assert s.client.get(link).status_code == 410
    reissued = s.step(f"/questionnaires/{made['id']}/link", {}, "agent")
    new_link = "/questionnaires/answer/" + reissued["link"].rsplit("/", 1)[1]
    assert new_link != link and s.client.get(link).status_code == 404
    assert s.client.post(new_link, json=ANSWER).status_code == 204
    assert s.post(f"/questionnaires/{made['id']}/link", {}, "agent").status_code == 409


def test_the_open_endpoint_keeps_the_kits_hygiene(s: Support) -> None:
    _, link = created(s)
    malformed = s.client.get("/questionnaires/answer/not-a-token")
    assert malformed.status_code == 404
    assert malformed.headers["Content-Type"] == "application/problem+json"
    unknown = s.client.get("/questionnaires/answer/" + "A" * 43)
    assert unknown.status_code == 404 and unknown.headers["Referrer-Policy"] == "no-referrer"
    assert s.client.get(f"{link}?preview=1").status_code == 422
    nul = s.client.post(link, json=ANSWER | {"remarks": "a\x00b"})
    assert nul.status_code == 422 and "remarks" in nul.get_json()["errors"]
    broken = s.client.post(link, data="{", content_type="application/json")
    assert broken.status_code == 400
    assert s.events("survey.answered") == []


def test_agents_create_in_their_region_one_per_work_order(s: Support) -> None:
    body = {"region": "north", "work_order_id": WORK_ORDER, "customer_ref": "C-1"}
    assert s.post("/questionnaires", body, "agent", region="east").status_code == 403
    assert s.post("/questionnaires", body, "technician").status_code == 403
    assert s.counts() == (0, 0, 0, 0)
    made, _ = created(s)
    again = s.post("/questionnaires", body | {"region": "east"}, "agent")
    assert again.status_code == 409 and "work_order_id" in again.get_json()["errors"]
    assert s.get(f"/questionnaires/{made['id']}", "agent", region="north").status_code == 404
    assert s.get("/questionnaires", "agent", region="north").get_json() == []
    assert (
        s.post(f"/questionnaires/{made['id']}/link", {}, "agent", region="north").status_code == 404
    )


def test_an_accepted_repair_creates_one_questionnaire(s: Support) -> None:
    work_order, ticket = uuid.uuid4(), uuid.uuid4()
    event = s.repair_accepted(region="south", work_order_id=work_order, ticket_id=ticket)
    s.deliver(event)
    s.deliver(event)
    s.deliver(s.repair_accepted(region="south", work_order_id=work_order, ticket_id=ticket))
    [listed] = s.get(f"/questionnaires?work_order_id={work_order}", "agent").get_json()
    assert (listed["source"], listed["region"], listed["status"]) == (
        "repair_accepted",
        "south",
        "open",
    )
    assert listed["customer_ref"] == str(ticket) and listed["link"] is None
    [created_event] = s.events("questionnaire.created")
    assert created_event["data"]["work_order_id"] == str(work_order)
    # The link is made when it is sent; the customer quotes their ticket number.
    link = s.step(f"/questionnaires/{listed['id']}/link", {}, "agent")["link"]
    path = "/questionnaires/answer/" + link.rsplit("/", 1)[1]
    assert s.client.post(path, json=ANSWER | {"customer_ref": str(ticket)}).status_code == 204
    [answered] = s.events("survey.answered")
    assert answered["region"] == "south"
    assert answered["data"]["technician_id"] == event.data["technician_id"]


def test_the_open_operations_are_documented_as_open(s: Support) -> None:
    document = s.client.get("/openapi.json").get_json()
    item = document["paths"]["/questionnaires/answer/{token}"]
    for method in ("get", "post"):
        operation = item[method]
        assert operation["security"] == [], method
        assert {"404", "409", "410"} <= set(operation["responses"]), method
        assert "401" not in operation["responses"], method
    [token] = [p for p in item["parameters"] if p["name"] == "token"]
    assert token["schema"]["pattern"] == "^[A-Za-z0-9_-]{43}$"
    assert "403" in item["post"]["responses"]
    assert document["paths"]["/questionnaires"]["post"]["security"] == [{"bearerAuth": []}]
